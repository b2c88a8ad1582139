import { type Kysely, type Selectable, sql } from 'kysely';
import type { HubClientStatus } from '../partners/hubs.ts';
import type { Database } from '../store/schema.ts';
import type { OutboxMethod, OutboxTable } from '../store/schema-outbox.ts';
import { OcpiError } from '../transport/errors.ts';
import { canonicalHeaders, hubStatusOfRow, notHeld } from './hub-party.ts';

export type { OutboxMethod };

const METHODS: readonly OutboxMethod[] = ['PUT', 'PATCH', 'POST', 'DELETE'];

/** A request to deliver to a partner. */
export interface OutboxMessage {
  /** The partner (PartnerRegistry id) to deliver to. Its outbound token is used. */
  partnerId: string;
  /**
   * Messages with the same partner and ordering key are delivered strictly in enqueue
   * order, e.g. 'locations/NL/ACM/LOC1'. Different keys do not wait for each other.
   */
  orderingKey: string;
  method: OutboxMethod;
  /** Absolute URL at the partner. */
  url: string;
  /** JSON body, already rendered in the partner's version. Omit for none. */
  body?: unknown;
  /** What the message is: 'push', 'command-result', … (free text, for logs and events). */
  kind: string;
  /** Extra request headers, e.g. OCPI routing headers. Authorization is set by the worker. */
  headers?: Record<string, string>;
  /**
   * A PUT or PATCH that carries the state of an object (a push of one of ours): left out
   * when a later such message of its partner and key, to the same URL, makes it pointless
   * before it is sent (see `superseded`). The partner ends in the same state. Default: sent.
   */
  coalesce?: boolean;
}

/** A message in the outbox, as the worker and admin see it. */
export interface OutboxEntry {
  id: string;
  partnerId: string;
  orderingKey: string;
  kind: string;
  method: OutboxMethod;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  createdAt: Date;
  /** Failed attempts so far. */
  attempts: number;
  /** When it is tried again; absent for a message not tried yet (due at once). */
  nextAttemptAt?: Date;
  firstFailedAt?: Date;
  lastError?: string;
}

/** A message that failed for longer than the retry window. */
export interface DeadLetter {
  id: string;
  partnerId: string;
  orderingKey: string;
  kind: string;
  method: OutboxMethod;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  createdAt: Date;
  attempts: number;
  firstFailedAt?: Date;
  lastError?: string;
  deadAt: Date;
}

export type OutboxRow = Selectable<OutboxTable>;

/** A claimed row, with what the hub reports of the party it is addressed to (null: not behind a hub). */
export type ClaimedRow = OutboxRow & { hub_status: HubClientStatus | null };

export function checkMessage(message: OutboxMessage): void {
  if (!message.partnerId)
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'outbox message: partnerId is required');
  if (!message.orderingKey)
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'outbox message: orderingKey is required');
  if (!message.kind) throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'outbox message: kind is required');
  if (!METHODS.includes(message.method))
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `outbox message: unsupported method ${message.method}`);
  let url: URL;
  try {
    url = new URL(message.url);
  } catch {
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `outbox message: url must be absolute: ${message.url}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `outbox message: url must be http(s): ${message.url}`);
  for (const name of Object.keys(message.headers ?? {}))
    if (name.toLowerCase() === 'authorization')
      throw new OcpiError(
        'OCPI_ERR_INVALID_ARGUMENT',
        'outbox message: the Authorization header is set by the delivery worker',
      );
}

/**
 * The stored form of a message's headers and body (null for none). With `bodies`, a body
 * object already written (the same push to many partners) is not serialised again.
 */
export function encoded(
  message: OutboxMessage,
  bodies?: Map<unknown, string>,
): { headers: string | null; body: string | null } {
  const { body } = message;
  let text: string | null = null;
  if (body !== undefined && body !== null) {
    text = bodies?.get(body) ?? JSON.stringify(body);
    if (typeof body === 'object') bodies?.set(body, text);
  }
  return {
    headers:
      message.headers && Object.keys(message.headers).length > 0
        ? JSON.stringify(canonicalHeaders(message.headers))
        : null,
    body: text,
  };
}

/**
 * Serialises everything that changes which row is the head of a partner's ordering key:
 * enqueue, delivery, dead-lettering and replay. Held until the transaction ends.
 */
export async function lockKey(trx: Kysely<Database>, partnerId: string, orderingKey: string): Promise<void> {
  const key = `ocpi-outbox\n${partnerId}\n${orderingKey}`;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/**
 * Writes a message to the outbox inside the caller's transaction, so that it exists if
 * and only if the business change commits. Call the worker's `wake()` after the commit
 * for delivery to start at once. Returns the message id.
 *
 * Messages with the same partner and ordering key are serialised with a transaction
 * advisory lock held until the caller commits, so id order is commit order: a later
 * message never becomes visible before an earlier one. Transactions that enqueue for
 * several keys should do so in a consistent order, as with row locks. `trx` must be a
 * transaction (DeliveryWorker.enqueue() opens one of its own).
 */
export async function enqueue(trx: Kysely<Database>, message: OutboxMessage): Promise<string> {
  if (!trx.isTransaction)
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'outbox enqueue() needs a transaction');
  checkMessage(message);
  const { partnerId, orderingKey } = message;
  await lockKey(trx, partnerId, orderingKey);
  const row = await trx
    .insertInto('ocpi_outbox')
    .values({
      partner_id: partnerId,
      ordering_key: orderingKey,
      kind: message.kind,
      method: message.method,
      url: message.url,
      ...encoded(message),
      coalesce: message.coalesce === true,
      is_head: sql<boolean>`not exists (select 1 from ocpi_outbox where partner_id = ${partnerId} and ordering_key = ${orderingKey})`,
      next_attempt_at: null, // due at once, whatever the clocks say
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

/**
 * enqueue() of several messages in one go: one statement takes the advisory locks of their
 * keys (sorted, so that two such transactions never wait for each other in a cycle), one
 * inserts them all, in order. Of several messages of one key, only the first can be its
 * head. The same guarantees as enqueue(); returns the ids, in the order of `messages`.
 */
export async function enqueueMany(
  trx: Kysely<Database>,
  messages: readonly OutboxMessage[],
): Promise<string[]> {
  if (!trx.isTransaction)
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'outbox enqueue() needs a transaction');
  const [only, ...more] = messages;
  if (only === undefined) return [];
  if (more.length === 0) return [await enqueue(trx, only)];
  for (const m of messages) checkMessage(m);
  const keyOf = (m: OutboxMessage) => `ocpi-outbox\n${m.partnerId}\n${m.orderingKey}`;
  const keys = [...new Set(messages.map(keyOf))].sort();
  await sql`
    select pg_advisory_xact_lock(hashtextextended(k, 0))
    from (values ${sql.join(keys.map((k) => sql`(${k}::text)`))}) v(k)`.execute(trx);
  const seen = new Set<string>();
  const bodies = new Map<unknown, string>();
  const rows = messages.map((m, i) => {
    const first = !seen.has(keyOf(m));
    seen.add(keyOf(m));
    const { headers, body } = encoded(m, bodies);
    return sql`(${i}::int, ${m.partnerId}::text, ${m.orderingKey}::text, ${m.kind}::text, ${m.method}::text,
      ${m.url}::text, ${headers}::text, ${body}::text, ${first}::boolean, ${m.coalesce === true}::boolean)`;
  });
  const inserted = await sql<{ id: string | number }>`
    insert into ocpi_outbox (partner_id, ordering_key, kind, method, url, headers, body, coalesce, is_head, next_attempt_at)
    select v.p, v.k, v.kind, v.method, v.url, v.headers::json, v.body::json, v.coalesce,
      v.first and not exists (select 1 from ocpi_outbox o where o.partner_id = v.p and o.ordering_key = v.k),
      null
    from (values ${sql.join(rows)}) v(i, p, k, kind, method, url, headers, body, first, coalesce)
    order by v.i
    returning id`.execute(trx);
  // Ids are drawn in insertion order, which is the order of `messages`.
  return inserted.rows
    .map((r) => BigInt(r.id))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(String);
}

/**
 * Claims up to `limit` due rows for `workerId` until `leaseUntil`. A row is due when it
 * is the head of its partner and ordering key (no earlier row is still in the outbox),
 * its next attempt time has come, no live lease holds it and it is not held for a party
 * its hub reports OFFLINE or PLANNED (see hub-hold.ts). Rows of `skipPartners` are left
 * alone. Each row comes with the hub's status of its party.
 */
export async function claim(
  db: Kysely<Database>,
  args: { workerId: string; now: Date; leaseUntil: Date; limit: number; skipPartners: string[] },
): Promise<ClaimedRow[]> {
  const { now, skipPartners } = args;
  return db
    .updateTable('ocpi_outbox')
    .set({ locked_until: args.leaseUntil, locked_by: args.workerId })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('ocpi_outbox')
        .select('id')
        .where('is_head', '=', true)
        .where((w) => w.or([w('next_attempt_at', 'is', null), w('next_attempt_at', '<=', now)]))
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
        .$if(skipPartners.length > 0, (q) => q.where('partner_id', 'not in', skipPartners))
        .where(notHeld)
        .orderBy('id')
        .limit(args.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .returning(hubStatusOfRow.as('hub_status'))
    .execute();
}

/**
 * Makes the oldest row of a key other than `goneId` its head, if it is not yet. With
 * `failingSince`, the new head inherits the failure time of the dead letter it was queued
 * behind: the key has been failing since then, so a backlog behind a partner that stays
 * down drains into the dead letters instead of starting a new retry window per message.
 */
export function promoteNext(
  partnerId: string,
  orderingKey: string,
  goneId: string | number,
  failingSince?: Date,
) {
  const inherit =
    failingSince === undefined
      ? sql``
      : sql`, first_failed_at = coalesce(first_failed_at, ${failingSince}::timestamptz)`;
  return sql`
    update ocpi_outbox set is_head = true${inherit}
    where id = (
      select min(id) from ocpi_outbox
      where partner_id = ${partnerId} and ordering_key = ${orderingKey} and id <> ${goneId}
    ) and not is_head`;
}

/**
 * A pending message (one that may be coalesced) that a later one of its partner and key
 * makes pointless: the same method on the same URL, a PUT (the whole object or child again)
 * or a PATCH of at least the same fields. The partner ends in the same state without it, and
 * the key's order is kept.
 */
const superseded = sql`
  r.coalesce and r.method in ('PUT', 'PATCH') and not r.is_head
  and exists (
    select 1 from ocpi_outbox l
    where l.partner_id = r.partner_id and l.ordering_key = r.ordering_key and l.id > r.id
      and l.coalesce and l.method = r.method and l.url = r.url
      and (l.method = 'PUT' or (
        json_typeof(l.body) = 'object' and json_typeof(r.body) = 'object'
        and jsonb_exists_all(l.body::jsonb, array(select json_object_keys(r.body))))))`;

/**
 * Deletes delivered (or dropped) rows and lets the next row of each of their keys go. When
 * a partner is behind, the pushes queued behind them that a later push supersedes are
 * coalesced (deleted too, see `superseded`): only the newest change of an object is sent.
 * The caller holds the advisory locks of the keys.
 */
async function removeDone(trx: Kysely<Database>, rows: readonly OutboxRow[]): Promise<void> {
  const ids = sql.join(rows.map((r) => sql`${String(r.id)}::bigint`));
  const pairs = new Map(
    rows.map((r) => [
      `${r.partner_id}\n${r.ordering_key}`,
      sql`(${r.partner_id}::text, ${r.ordering_key}::text)`,
    ]),
  );
  const keys = sql.join([...pairs.values()]);
  await sql`
    with gone as (delete from ocpi_outbox where id in (${ids})),
    coalesced as (
      delete from ocpi_outbox r
      where (r.partner_id, r.ordering_key) in (${keys}) and r.id not in (${ids}) and ${superseded}
      returning r.id
    )
    update ocpi_outbox set is_head = true
    where id in (
      select min(id) from ocpi_outbox
      where (partner_id, ordering_key) in (${keys}) and id not in (${ids})
        and id not in (select id from coalesced)
      group by partner_id, ordering_key
    ) and not is_head`.execute(trx);
}

/**
 * Removes a delivered (or dropped) row and lets the next row of its key go. The row is
 * removed whoever holds its lease now: it reached the partner.
 */
export async function complete(db: Kysely<Database>, row: OutboxRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockKey(trx, row.partner_id, row.ordering_key);
    await removeDone(trx, [row]);
  });
}

/**
 * Removes several delivered rows in one transaction and lets the next row of each key go.
 * Keys whose lock is busy (an enqueue for that key has not committed yet) are not
 * waited for, so that this never holds one key while waiting for another: their rows
 * are returned, to be completed one by one with complete().
 */
export async function completeMany(db: Kysely<Database>, rows: OutboxRow[]): Promise<OutboxRow[]> {
  const [only, ...more] = rows;
  if (only === undefined) return [];
  if (more.length === 0) {
    await complete(db, only);
    return [];
  }
  const keyOf = (r: OutboxRow) => `ocpi-outbox\n${r.partner_id}\n${r.ordering_key}`;
  const keys = [...new Set(rows.map(keyOf))];
  return db.transaction().execute(async (trx) => {
    const locks = await sql<{ k: string; ok: boolean }>`
      select k, pg_try_advisory_xact_lock(hashtextextended(k, 0)) as ok
      from (values ${sql.join(keys.map((k) => sql`(${k}::text)`))}) v(k)`.execute(trx);
    const held = new Set(locks.rows.filter((l) => l.ok).map((l) => l.k));
    const done = rows.filter((r) => held.has(keyOf(r)));
    if (done.length > 0) await removeDone(trx, done);
    return rows.filter((r) => !held.has(keyOf(r)));
  });
}

export function toEntry(row: OutboxRow): OutboxEntry {
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
    ...(row.next_attempt_at ? { nextAttemptAt: new Date(row.next_attempt_at) } : {}),
    ...(row.first_failed_at ? { firstFailedAt: new Date(row.first_failed_at) } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  };
}

export async function listPending(
  db: Kysely<Database>,
  args: { partnerId?: string; limit?: number; offset?: number } = {},
): Promise<OutboxEntry[]> {
  let query = db
    .selectFrom('ocpi_outbox')
    .selectAll()
    .orderBy('id')
    .limit(args.limit ?? 1000)
    .offset(args.offset ?? 0);
  if (args.partnerId !== undefined) query = query.where('partner_id', '=', args.partnerId);
  const rows = await query.execute();
  return rows.map(toEntry);
}

/** How many rows a table of messages holds, all or one partner's: pending ones, or dead letters. */
export async function countMessages(
  db: Kysely<Database>,
  table: 'ocpi_outbox' | 'ocpi_outbox_dead',
  partnerId?: string,
): Promise<number> {
  let query = db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (partnerId !== undefined) query = query.where('partner_id', '=', partnerId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export function countPending(db: Kysely<Database>, partnerId?: string): Promise<number> {
  return countMessages(db, 'ocpi_outbox', partnerId);
}
