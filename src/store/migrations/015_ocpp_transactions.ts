import { type Kysely, sql } from 'kysely';

/**
 * What the OCPP bridge keeps between a charger's messages (and across restarts):
 *
 * - ocpi_ocpp_transactions: each OCPP transaction and the OCPI session id made for it.
 *   OCPP 1.6 transaction ids are ours to give (a serial); a retried StartTransaction is
 *   the same (charger, connector, start time) and finds its row again.
 * - ocpi_ocpp_id_tags: token uids over OCPP 1.6's 20 characters and the short idTag that
 *   stands for each.
 * - ocpi_ocpp_remote_starts: RemoteStartTransactions sent and not yet started, so that
 *   a StartTransaction is linked to its START_SESSION.
 * - ocpi_ocpp_reservations: the integer reservationId of each charger reservation id.
 *
 * Numbered 015: 011 to 014 are taken (014 by bookings on main); the runner orders by name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_ocpp_transactions')
    .addColumn('transaction_id', 'serial', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().unique())
    .addColumn('charger_id', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('id_tag', 'text', (c) => c.notNull())
    .addColumn('meter_start', 'bigint', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull())
    .addColumn('evse_uid', 'text', (c) => c.notNull())
    .addColumn('command_id', 'text')
    .addColumn('token', 'text')
    .addColumn('accepted', 'boolean', (c) => c.notNull())
    .addColumn('stopped_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('ocpi_ocpp_transactions_start')
    .on('ocpi_ocpp_transactions')
    .columns(['charger_id', 'connector_id', 'started_at'])
    .unique()
    .execute();
  await db.schema
    .createTable('ocpi_ocpp_id_tags')
    .addColumn('id_tag', 'text', (c) => c.primaryKey())
    .addColumn('token_uid', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('ocpi_ocpp_remote_starts')
    .addColumn('command_id', 'text', (c) => c.primaryKey())
    .addColumn('charger_id', 'text', (c) => c.notNull())
    .addColumn('connector_id', 'integer')
    .addColumn('id_tag', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ocpi_ocpp_remote_starts_tag')
    .on('ocpi_ocpp_remote_starts')
    .columns(['charger_id', 'id_tag'])
    .execute();
  await db.schema
    .createTable('ocpi_ocpp_reservations')
    .addColumn('reservation_id', 'serial', (c) => c.primaryKey())
    .addColumn('charger_reservation_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
