import type { Kysely } from 'kysely';

/**
 * The party at the other end of a command ('CC*PID'): for one we received, the party that
 * asked (through a hub, the party behind it, not the hub), which its CommandResult is
 * addressed to; for one we sent, the CPO party it went to. Null for rows from before.
 * Reservations are the asking party's too: two eMSPs behind one hub may both use the
 * reservation_id 1 without touching each other's ('' for rows from before).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ocpi_commands').addColumn('party', 'text').execute();
  await db.schema
    .alterTable('ocpi_reservations')
    .addColumn('party', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('ocpi_reservations').dropConstraint('ocpi_reservations_pk').execute();
  await db.schema
    .alterTable('ocpi_reservations')
    .addPrimaryKeyConstraint('ocpi_reservations_pk', ['partner_id', 'party', 'reservation_id'])
    .execute();
}
