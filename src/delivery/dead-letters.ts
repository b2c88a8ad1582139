import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { OutboxDeadTable } from '../store/schema-outbox.ts';
import { countMessages, type DeadLetter, lockKey, type OutboxRow, promoteNext } from './outbox.ts';

type DeadRow = Selectable<OutboxDeadTable>;

function toDeadLetter(row: DeadRow): DeadLetter {
  return {
    id: String(row.id),
    partnerId: row.partner_id,
    orderingKey: row.ordering_key,
    kind: row.kind,
    method: row.method,
    url: row.url,
    ...(row.headers ? { headers: row.headers } : {}),
    ...(row.body !== null && row.body !== undefined ? { body: row.body } : {}),
    createdAt: new Date(row.created_at),
    attempts: row.attempts,
    ...(row.first_failed_at ? { firstFailedAt: new Date(row.first_failed_at) } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    deadAt: new Date(row.dead_at),
  };
}

/**
 * Moves a row the worker holds to the dead letters, and lets the next row of its key go.
 * With `refused` (the partner answered, and refused it) the next row starts afresh;
 * otherwise it inherits the time the key has been failing since (see promoteNext).
 */
export async function moveToDeadLetters(
  db: Kysely<Database>,
  row: OutboxRow,
  args: {
    workerId: string;
    attempts: number;
    error: string;
    firstFailedAt: Date;
    deadAt: Date;
    refused: boolean;
  },
): Promise<DeadLetter | undefined> {
  return db.transaction().execute(async (trx) => {
    await lockKey(trx, row.partner_id, row.ordering_key);
    const result = await sql<DeadRow>`
      with moved as (
        delete from ocpi_outbox where id = ${row.id} and locked_by = ${args.workerId} returning *
      )
      insert into ocpi_outbox_dead
        (id, partner_id, ordering_key, kind, method, url, headers, body, created_at,
         attempts, first_failed_at, last_error, dead_at)
      select id, partner_id, ordering_key, kind, method, url, headers, body, created_at,
         ${args.attempts}::integer, ${args.firstFailedAt}::timestamptz, ${args.error}::text,
         ${args.deadAt}::timestamptz
      from moved
      returning *`.execute(trx);
    const dead = result.rows[0];
    if (!dead) return undefined;
    const failingSince = args.refused ? undefined : args.firstFailedAt;
    await promoteNext(row.partner_id, row.ordering_key, row.id, failingSince).execute(trx);
    return toDeadLetter(dead);
  });
}

/**
 * Moves one dead letter back to the outbox, due at once, under its original id: it goes
 * before any later message of its key still pending. False if there is no such letter.
 */
export async function replayDeadLetter(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const letter = await trx
      .selectFrom('ocpi_outbox_dead')
      .select(['partner_id', 'ordering_key'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!letter) return false;
    const { partner_id: partnerId, ordering_key: orderingKey } = letter;
    await lockKey(trx, partnerId, orderingKey);
    const moved = await sql<{ id: string | number }>`
      with moved as (delete from ocpi_outbox_dead where id = ${id} returning *)
      insert into ocpi_outbox
        (id, partner_id, ordering_key, kind, method, url, headers, body, created_at, attempts, next_attempt_at)
      select id, partner_id, ordering_key, kind, method, url, headers, body, created_at, 0, null
      from moved
      returning id`.execute(trx);
    if (moved.rows.length === 0) return false; // replayed concurrently
    // The replayed row may be older than the current head: recompute the key's head.
    await sql`
      update ocpi_outbox o set is_head = (o.id = m.first)
      from (
        select min(id) as first from ocpi_outbox where partner_id = ${partnerId} and ordering_key = ${orderingKey}
      ) m
      where o.partner_id = ${partnerId} and o.ordering_key = ${orderingKey} and o.is_head <> (o.id = m.first)`.execute(
      trx,
    );
    return true;
  });
}

/** Ids of dead letters, oldest first, optionally for one partner. */
export async function deadLetterIds(db: Kysely<Database>, partnerId?: string): Promise<string[]> {
  let query = db.selectFrom('ocpi_outbox_dead').select('id').orderBy('id');
  if (partnerId !== undefined) query = query.where('partner_id', '=', partnerId);
  const rows = await query.execute();
  return rows.map((r) => String(r.id));
}

export async function listDeadLetters(
  db: Kysely<Database>,
  args: { partnerId?: string; limit?: number; offset?: number } = {},
): Promise<DeadLetter[]> {
  let query = db
    .selectFrom('ocpi_outbox_dead')
    .selectAll()
    .orderBy('id')
    .limit(args.limit ?? 1000)
    .offset(args.offset ?? 0);
  if (args.partnerId !== undefined) query = query.where('partner_id', '=', args.partnerId);
  const rows = await query.execute();
  return rows.map(toDeadLetter);
}

export function countDeadLetters(db: Kysely<Database>, partnerId?: string): Promise<number> {
  return countMessages(db, 'ocpi_outbox_dead', partnerId);
}
