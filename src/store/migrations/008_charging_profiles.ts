import { type Kysely, sql } from 'kysely';

/**
 * Who set a charging profile on which of our sessions (ChargingProfiles, CPO side): the
 * partners, and the party of each, that get the session's ActiveChargingProfile updates.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_profile_subscribers')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ocpi_profile_subscribers_pk', ['session_id', 'partner_id'])
    .execute();
}
