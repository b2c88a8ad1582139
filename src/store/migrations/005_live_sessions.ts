import { type Kysely, sql } from 'kysely';

/** Charging sessions in progress, kept in the store so that a restart does not lose their CDR. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_live_sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('session', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('ocpi_session_samples')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('session_id', 'text', (c) =>
      c.notNull().references('ocpi_live_sessions.session_id').onDelete('cascade'),
    )
    .addColumn('sample', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ocpi_session_samples_by_session')
    .on('ocpi_session_samples')
    .columns(['session_id', 'seq'])
    .execute();
}
