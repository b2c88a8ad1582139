import { type Kysely, sql } from 'kysely';
import { errorMessage } from '../transport/errors.ts';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

/** Whether the store can serve: reachable, and its schema as new as this code. */
export type StoreReadiness = { ready: true } | { ready: false; reason: string };

/**
 * One cheap query: the names of the applied migrations (a handful of rows). Not ready when
 * the database does not answer, or when a migration this code knows is missing (a node of
 * older code migrated it, or migrating failed part way).
 */
export async function storeReadiness(db: Kysely<Database>): Promise<StoreReadiness> {
  let applied: Set<string>;
  try {
    const rows = await sql<{ name: string }>`select name from ocpi_schema_migrations`.execute(db);
    applied = new Set(rows.rows.map((r) => r.name));
  } catch (err) {
    return { ready: false, reason: `store unreachable: ${errorMessage(err)}` };
  }
  const missing = Object.keys(migrations).filter((name) => !applied.has(name));
  if (missing.length > 0) return { ready: false, reason: `migrations not applied: ${missing.join(', ')}` };
  return { ready: true };
}
