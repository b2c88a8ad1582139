import { type Kysely, sql } from 'kysely';

/**
 * One platform per party: the (country_code, party_id) pairs each registered partner
 * claimed, unique, so that two concurrent registrations cannot both take a party.
 * Partners registered before keep theirs, the earliest first.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_partner_parties')
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('ocpi_partner_parties_pk', ['country_code', 'party_id'])
    .execute();
  await db.schema
    .createIndex('ocpi_partner_parties_partner')
    .on('ocpi_partner_parties')
    .column('partner_id')
    .execute();
  await sql`
    insert into ocpi_partner_parties (country_code, party_id, partner_id)
    select upper(r->>'country_code'), upper(r->>'party_id'), p.id
    from ocpi_partners p cross join lateral jsonb_array_elements(p.roles) r
    where p.status = 'registered'
    order by p.created_at
    on conflict do nothing`.execute(db);
}
