import pg from 'pg';
import { POSTGRES_URL } from './stores.ts';

/** Drops the per-test PostgreSQL schemas (t_<hex>) once the whole run is over. */
export default function setup() {
  return async function teardown() {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const { rows } = await client.query<{ nspname: string }>(
        `select nspname from pg_namespace where nspname ~ '^t_[0-9a-f]{12}$'`,
      );
      for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
    } catch {
      // No PostgreSQL here: nothing to clean.
    } finally {
      await client.end().catch(() => {});
    }
  };
}
