import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_commands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('command', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('response_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One command per response_url: a second POST with the same one is a duplicate.
  await db.schema
    .createIndex('ocpi_commands_dedupe')
    .on('ocpi_commands')
    .columns(['direction', 'partner_id', 'command', 'response_url'])
    .unique()
    .execute();
  await db.schema
    .createIndex('ocpi_commands_pending')
    .on('ocpi_commands')
    .columns(['status', 'deadline'])
    .execute();

  await db.schema
    .createTable('ocpi_reservations')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addColumn('reservation_id', 'text', (c) => c.notNull())
    .addColumn('charger_reservation_id', 'text', (c) => c.notNull().unique())
    .addColumn('location_id', 'text', (c) => c.notNull())
    .addColumn('evse_uid', 'text')
    .addColumn('response_url', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('expiry_date', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ocpi_reservations_pk', ['partner_id', 'reservation_id'])
    .execute();
}
