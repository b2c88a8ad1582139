import { type Kysely, sql } from 'kysely';

/**
 * The results (CommandResult, ChargingProfileResult) of a partner waiting in the outbox,
 * untried: what the CPO counts before it accepts a partner's next request (see
 * ResultBacklog). Partial, so that the count reads only those rows, however many pushes
 * wait beside them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('ocpi_outbox_untried_results')
    .on('ocpi_outbox')
    .columns(['partner_id', 'kind'])
    .where(sql<boolean>`attempts = 0 and kind in ('command-result', 'profile-result')`)
    .execute();
}
