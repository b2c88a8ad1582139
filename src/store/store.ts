import { PGlite } from '@electric-sql/pglite';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { OcpiError } from '../transport/errors.ts';
import { type InvalidationBus, localInvalidationBus, postgresInvalidationBus } from './invalidation.ts';
import { migrations } from './migrations/index.ts';
import { createDataDirInChildProcess, isNewDataDir } from './pglite-data-dir.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import { PGLITE_START_PARAMS } from './pglite-settings.ts';
import type { Database } from './schema.ts';

/** Where the node keeps its data. */
export type StoreOptions =
  /** Embedded PGlite: a directory, or 'memory' for a throw-away database. */
  | {
      kind: 'pglite';
      dataDir: string;
      /**
       * Create a new directory's database in a short-lived child `node` process (the same
       * executable), not in this one, where it would leave about 500 MB behind. Off by default:
       * `process.execPath` is not node in every host (a single executable application, Electron).
       * `ocpi serve` turns it on.
       */
      createInChildProcess?: boolean;
    }
  /** PostgreSQL. `schema` isolates several nodes (or test runs) in one database. */
  | { kind: 'postgres'; connectionString: string; schema?: string; poolSize?: number };

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: 'pglite' | 'postgres';
  /** Tells the other instances on this database to drop what they cached of a change. */
  readonly invalidations: InvalidationBus;
  close(): Promise<void>;
}

class StaticMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A migrated, empty in-memory database as a data directory image, made once per process:
 * later memory stores start from a copy instead of running initdb and the migrations
 * again (about 1.2 s instead of 3 s each).
 */
let memoryTemplate: Blob | undefined;

/** Opens the database and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let schema: string | undefined;
  /** The first memory store of the process: its image becomes the template. */
  let template: PGlite | undefined;
  if (options.kind === 'pglite') {
    const startParams = [...PGLITE_START_PARAMS];
    let pglite: PGlite;
    if (options.dataDir !== 'memory') {
      if (options.createInChildProcess && isNewDataDir(options.dataDir))
        await createDataDirInChildProcess(options.dataDir, startParams);
      pglite = new PGlite(options.dataDir, { startParams });
    } else if (memoryTemplate) pglite = await PGlite.create({ loadDataDir: memoryTemplate, startParams });
    else pglite = template = new PGlite({ startParams });
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  } else {
    schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new OcpiError('OCPI_ERR_CONFIG', `invalid schema name: ${schema}`);
    }
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  }
  const migrator = new Migrator({
    db,
    provider: new StaticMigrations(),
    migrationTableName: 'ocpi_schema_migrations',
    migrationLockTableName: 'ocpi_schema_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new OcpiError('OCPI_ERR_MIGRATION', `database migration ${failed ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
  if (template) memoryTemplate ??= await template.dumpDataDir('none');
  const invalidations =
    options.kind === 'postgres'
      ? await postgresInvalidationBus(db, { connectionString: options.connectionString, schema }).catch(
          async (error: unknown) => {
            await db.destroy();
            throw error;
          },
        )
      : localInvalidationBus();
  return {
    db,
    kind: options.kind,
    invalidations,
    close: async () => {
      await invalidations.close();
      await db.destroy();
    },
  };
}
