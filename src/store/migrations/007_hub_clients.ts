import { type Kysely, sql } from 'kysely';

/**
 * The parties a hub partner told us about (HubClientInfo ClientInfo objects), with their
 * connection status: who is reachable through which hub, and whether to send to them now.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_hub_clients')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_updated', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ocpi_hub_clients_pk', ['partner_id', 'country_code', 'party_id'])
    .execute();
  await db.schema
    .createIndex('ocpi_hub_clients_party')
    .on('ocpi_hub_clients')
    .columns(['country_code', 'party_id'])
    .execute();
}
