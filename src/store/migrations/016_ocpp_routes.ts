import type { Kysely } from 'kysely';

/**
 * How instances sharing one PostgreSQL database reach each other's chargers:
 *
 * - ocpi_ocpp_connections: which instance holds each charger's websocket, with a lease the
 *   holder renews; a lease run out is an instance gone (crashed), its claim void.
 * - ocpi_ocpp_calls: an OCPP call an instance wants sent to a charger another instance
 *   holds; the holder claims it (woken by NOTIFY), sends it and writes the outcome back.
 * - ocpi_ocpp_reservations gains what the charger holds: the charger and connector a
 *   ReserveNow it accepted is on, its expiry, whether it still holds it and whether the
 *   connector was seen Reserved, so that a charger ending it on its own is noticed.
 *
 * Numbered 016: 015 is the OCPP transactions'; the runner orders by name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_ocpp_connections')
    .addColumn('charger_id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ocpi_ocpp_calls')
    .addColumn('call_id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('charger_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .execute();
  await db.schema
    .createIndex('ocpi_ocpp_calls_holder')
    .on('ocpi_ocpp_calls')
    .columns(['instance_id', 'claimed_at'])
    .execute();
  await db.schema
    .alterTable('ocpi_ocpp_reservations')
    .addColumn('charger_id', 'text')
    .addColumn('connector_id', 'integer')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('held', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('seen_reserved', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}
