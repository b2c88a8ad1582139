import type { Kysely } from 'kysely';

/**
 * What a booking last showed its EVSE as (Bookings, CPO side): '' not yet, 'RESERVED'
 * during its slot, 'RELEASED' after. The status timers run on every instance; the one whose
 * conditional UPDATE moves this column publishes the EVSE status change, the others do
 * nothing, so a partner gets each change once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ocpi_bookings')
    .addColumn('evse_shown', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}
