import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoreOptions } from '../../src/store/store.ts';

/** The PostgreSQL database the tests use: TEST_DATABASE_URL, or the local `test` database. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Set by global-setup.ts for the workers: '1' when the test database answered, '0' when not. */
export const POSTGRES_ENV = 'OCPI_TEST_POSTGRES';

/** Whether the PostgreSQL test database answers (it does on this project's machines and in CI). */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The cases of a `describe.each` over both stores, named. Without a reachable test database
 * (a newcomer's machine) only PGlite's; global-setup.ts says so once, and fails under CI.
 */
export function storeCases<T>(pglite: T, postgres: T): Array<[string, T]> {
  return process.env[POSTGRES_ENV] === '0'
    ? [['pglite', pglite]]
    : [
        ['pglite', pglite],
        ['postgres', postgres],
      ];
}

/** The environment variable that names the test run (set by global-setup.ts, seen by the workers). */
export const RUN_ENV = 'OCPI_TEST_RUN';
export const SCHEMAS_OF_RUN = /^t_([0-9a-z]+)_[0-9a-f]{12}$/;

/** A new schema name, tagged with the run: global-setup.ts drops the run's schemas after it. */
export const freshSchema = (): string =>
  `t_${process.env[RUN_ENV] ?? Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;

/** A fresh, isolated PostgreSQL schema per call, so tests never see each other's rows. */
export function postgresStore(): StoreOptions {
  return { kind: 'postgres', connectionString: POSTGRES_URL, schema: freshSchema(), poolSize: 4 };
}

export const memoryStore = (): StoreOptions => ({ kind: 'pglite', dataDir: 'memory' });

/** Both stores, named, for `describe.each` (PostgreSQL where it answers; always in CI). */
export const STORES: Array<[string, () => StoreOptions]> = storeCases(memoryStore, postgresStore);
