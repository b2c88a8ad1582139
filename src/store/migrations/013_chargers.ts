import { type Kysely, sql } from 'kysely';

/**
 * The chargers of the OCPP bridge: their identity and hashed password, the Location (and
 * EVSEs) they are, their OCPP version, last heartbeat and whether they are connected.
 * Numbered 013: 011 and 012 were taken by work on other branches; the runner orders by name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ocpi_chargers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('party_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull())
    .addColumn('evses', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('ocpp_version', 'text')
    .addColumn('last_heartbeat', 'timestamptz')
    .addColumn('online', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('ocpi_chargers_location')
    .on('ocpi_chargers')
    .columns(['country_code', 'party_id', 'location_id'])
    .execute();
}
