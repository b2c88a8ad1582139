import { type Kysely, sql } from 'kysely';

/**
 * Our own Bookings (Bookings module, CPO side), with the columns the no-double-booking
 * check queries: which BookingLocation and EVSE, the booked period, the status, and who
 * requested it (the requester's party and its request_id, unique together). The Booking
 * itself is `data`, in the canonical 2.3.0 shape.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('booking_location_id', 'text', (c) => c.notNull())
    .addColumn('evse_uid', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('period_end', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('authorization_reference', 'text', (c) => c.notNull())
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('last_updated', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('ocpi_bookings_request')
    .on('ocpi_bookings')
    .columns(['requester', 'request_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('ocpi_bookings_unit')
    .on('ocpi_bookings')
    .columns(['booking_location_id', 'evse_uid', 'status', 'period_start'])
    .execute();
  await db.schema
    .createIndex('ocpi_bookings_updated')
    .on('ocpi_bookings')
    .columns(['last_updated', 'id'])
    .execute();
}
