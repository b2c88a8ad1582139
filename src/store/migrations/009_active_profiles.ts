import { type Kysely, sql } from 'kysely';

/**
 * The latest ActiveChargingProfile a CPO partner pushed for one of its sessions (the
 * ChargingProfiles sender interface of an eMSP/SCSP): one row per partner, CPO party and
 * session (two CPOs behind one hub may both have a session 1).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_active_profiles')
    .addColumn('partner_id', 'text', (c) => c.notNull().references('ocpi_partners.id').onDelete('cascade'))
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('profile', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ocpi_active_profiles_pk', ['partner_id', 'party', 'session_id'])
    .execute();
}
