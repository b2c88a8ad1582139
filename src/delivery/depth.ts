import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** A partner's share of the outbox: how many messages wait, and since when the oldest. */
export interface PartnerDepth {
  partnerId: string;
  pending: number;
  /** When the oldest waiting message was enqueued. */
  oldest: Date;
}

/** The outbox per partner (one grouped query: for metrics scraped every few seconds). */
export async function outboxDepth(db: Kysely<Database>): Promise<PartnerDepth[]> {
  const rows = await db
    .selectFrom('ocpi_outbox')
    .select((eb) => [
      'partner_id',
      eb.fn.countAll<string | number>().as('n'),
      eb.fn.min('created_at').as('oldest'),
    ])
    .groupBy('partner_id')
    .execute();
  return rows.map((r) => ({ partnerId: r.partner_id, pending: Number(r.n), oldest: new Date(r.oldest) }));
}

/** Dead letters per partner. */
export async function deadLetterDepth(
  db: Kysely<Database>,
): Promise<Array<{ partnerId: string; count: number }>> {
  const rows = await db
    .selectFrom('ocpi_outbox_dead')
    .select((eb) => ['partner_id', eb.fn.countAll<string | number>().as('n')])
    .groupBy('partner_id')
    .execute();
  return rows.map((r) => ({ partnerId: r.partner_id, count: Number(r.n) }));
}
