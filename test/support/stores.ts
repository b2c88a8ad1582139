import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StoreOptions } from '../../src/store/store.ts';

export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

let postgresUp: Promise<boolean> | undefined;

/** Whether the PostgreSQL test database answers (it does on this project's machines and in CI). */
export function postgresAvailable(): Promise<boolean> {
  postgresUp ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      return false;
    }
  })();
  return postgresUp;
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

/** Both stores, named, for `describe.each`. PostgreSQL is required: CI runs it. */
export const STORES: Array<[string, () => StoreOptions]> = [
  ['pglite', memoryStore],
  ['postgres', postgresStore],
];
