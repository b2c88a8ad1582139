import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { OcpiError } from '../transport/errors.ts';
import { checkMessage, encoded, type OutboxMessage, type OutboxRow } from './outbox.ts';

/** Who holds live leases now. */
export async function leaseHolders(db: Kysely<Database>, now: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('ocpi_outbox')
    .select('locked_by')
    .distinct()
    .where('locked_by', 'is not', null)
    .where('locked_until', '>', now)
    .execute();
  return rows.map((r) => String(r.locked_by));
}

/** Drops the leases of these holders: their rows are due again at once. */
export async function releaseLeases(db: Kysely<Database>, holders: string[]): Promise<number> {
  if (holders.length === 0) return 0;
  const result = await db
    .updateTable('ocpi_outbox')
    .set({ locked_until: null, locked_by: null })
    .where('locked_by', 'in', holders)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Releases rows `workerId` claimed but did not try: due again at once, no attempt counted. */
export async function releaseRows(
  db: Kysely<Database>,
  ids: Array<string | number>,
  workerId: string,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('ocpi_outbox')
    .set({ locked_until: null, locked_by: null })
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .execute();
}

/** Records a failed attempt and releases the lease; false if the lease was lost meanwhile. */
export async function recordFailure(
  db: Kysely<Database>,
  args: {
    id: string | number;
    workerId: string;
    attempts: number;
    error: string;
    firstFailedAt: Date;
    nextAttemptAt: Date;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('ocpi_outbox')
    .set({
      attempts: args.attempts,
      last_error: args.error,
      first_failed_at: args.firstFailedAt,
      next_attempt_at: args.nextAttemptAt,
      locked_until: null,
      locked_by: null,
    })
    .where('id', '=', args.id)
    .where('locked_by', '=', args.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Replaces the request of a row the worker holds (a PATCH the partner refused, by the
 * PUT of the whole object), due at once and still first of its key: the later messages
 * of the key follow it. False if the lease was lost meanwhile.
 */
export async function replaceRequest(
  db: Kysely<Database>,
  row: OutboxRow,
  args: { workerId: string; message: OutboxMessage; attempts: number; error: string },
): Promise<boolean> {
  const { message } = args;
  checkMessage(message);
  if (message.partnerId !== row.partner_id || message.orderingKey !== row.ordering_key)
    throw new OcpiError(
      'OCPI_ERR_INVALID_ARGUMENT',
      'outbox replaceRequest(): the replacement must keep the partner and ordering key',
    );
  const result = await db
    .updateTable('ocpi_outbox')
    .set({
      kind: message.kind,
      method: message.method,
      url: message.url,
      ...encoded(message),
      attempts: args.attempts,
      last_error: args.error,
      next_attempt_at: null,
      locked_until: null,
      locked_by: null,
    })
    .where('id', '=', row.id)
    .where('locked_by', '=', args.workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
