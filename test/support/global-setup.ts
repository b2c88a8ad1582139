import pg from 'pg';
import { POSTGRES_ENV, POSTGRES_URL, postgresReachable, RUN_ENV, SCHEMAS_OF_RUN } from './stores.ts';

const STALE_MS = 6 * 3600_000;

/**
 * Tags this run's PostgreSQL schemas (t_<run>_<hex>, run = start time in base 36) and
 * drops them once the whole run is over. Runs at the same time on the same database
 * leave each other's schemas alone; schemas of runs that died hours ago go at start.
 */
export default async function setup() {
  // Each test project runs this file at the start: the first call sets up the whole run.
  if (process.env[RUN_ENV] !== undefined) return;
  const run = Date.now().toString(36);
  process.env[RUN_ENV] = run;
  const reachable = await postgresReachable();
  process.env[POSTGRES_ENV] = reachable ? '1' : '0';
  if (!reachable) {
    const where = POSTGRES_URL.replace(/\/\/[^@/]*@/, '//');
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL test database ${where} is not reachable, and CI requires it`);
    process.stdout.write(
      `\nPostgreSQL test database ${where} is not reachable: the PostgreSQL half of the suite is skipped. ` +
        'To run it, start PostgreSQL there or set TEST_DATABASE_URL=postgres://user@host:port/db.\n\n',
    );
    return;
  }
  await dropSchemas((name) => {
    const started = Number.parseInt(SCHEMAS_OF_RUN.exec(name)?.[1] ?? '', 36);
    return Number.isFinite(started) && Date.now() - started > STALE_MS;
  });
  return () => dropSchemas((name) => SCHEMAS_OF_RUN.exec(name)?.[1] === run);
}

async function dropSchemas(which: (name: string) => boolean): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname like 't\\_%'`,
    );
    for (const { nspname } of rows.filter((r) => which(r.nspname)))
      await client.query(`drop schema if exists "${nspname}" cascade`);
  } catch {
    // No PostgreSQL here: nothing to clean.
  } finally {
    await client.end().catch(() => {});
  }
}
