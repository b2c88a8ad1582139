import type { Kysely } from 'kysely';

/**
 * ocpi_outbox.coalesce: the message may be left out when a later one of its partner and key
 * supersedes it before it is sent (a change of one of our objects, see outbox.ts). Messages
 * written before, and any other kind (command results, …), are all sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ocpi_outbox')
    .addColumn('coalesce', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}
