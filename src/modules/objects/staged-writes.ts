import type { Kysely } from 'kysely';
import { enqueueMany, type OutboxMessage } from '../../delivery/outbox.ts';
import type { ObjectKey, ObjectRepository, ObjectWrite } from '../../store/object-repository.ts';
import { objectKeyString } from '../../store/object-rows.ts';
import type { Database } from '../../store/schema.ts';
import type { CanonicalObject } from './service.ts';

/** Enqueues `messages` in `trx`, or adds them to `outbox` for the caller to enqueue. */
export async function enqueueOrCollect(
  trx: Kysely<Database>,
  messages: OutboxMessage[],
  outbox: OutboxMessage[] | undefined,
): Promise<void> {
  if (outbox) outbox.push(...messages);
  else await enqueueMany(trx, messages);
}

/**
 * A change to one of our objects, checked and with its outbox rows built, to be written
 * in a transaction of the caller's together with other writes: all or nothing. Staged
 * outside the transaction (PGlite has one connection: nothing outside a transaction may
 * query while it is open). After the commit, wake the delivery worker.
 */
export interface StagedWrite<T extends CanonicalObject = CanonicalObject> {
  /** The object (or child) as it is after the change. */
  readonly object: T;
  /**
   * Writes the object and its outbox rows in `trx`, which must be a transaction, and gives
   * the object as written (a PATCH applies to the object as it is at that moment). With
   * `outbox`, the outbox messages are added to it instead, for the caller to enqueue them
   * with those of other writes in one go (enqueueMany) before the commit.
   */
  apply(trx: Kysely<Database>, outbox?: OutboxMessage[]): Promise<T>;
  /** The same change as the write of one stored row, for writing a batch of them together (not for inserts). */
  readonly row?: RowChange<T>;
}

/** A change of one stored object, decided from the object as it is when the write runs. */
export interface RowChange<T> {
  readonly key: ObjectKey;
  /** Whether deciding needs the stored object: a PATCH, read and written under a row lock. */
  readonly reads: boolean;
  /** The object to store, its audience, its outbox messages and the result; throws to refuse. */
  decide(stored: CanonicalObject | undefined): RowDecision<T>;
}

interface RowDecision<T> {
  root: CanonicalObject;
  audience: string;
  messages: OutboxMessage[];
  result: T;
}

const lastUpdatedOf = (root: CanonicalObject) => new Date(String(root.last_updated));

/** A staged write of one row: apply() reads (when it must), decides and writes it alone. */
export function rowWrite<T extends CanonicalObject>(
  repo: ObjectRepository<CanonicalObject> | undefined,
  object: T,
  row: RowChange<T>,
): StagedWrite<T> {
  return {
    object,
    ...(repo ? { row } : {}),
    apply: async (trx, outbox) => {
      const stored = row.reads && repo ? await repo.getForUpdate(row.key, trx) : undefined;
      const decided = row.decide(stored?.data);
      await repo?.put(row.key, decided.root, lastUpdatedOf(decided.root), trx, decided.audience);
      await enqueueOrCollect(trx, decided.messages, outbox);
      return decided.result;
    },
  };
}

/**
 * Writes a batch of staged writes in `trx`. Row changes go together: one statement reads and
 * locks the rows the PATCHes change, one writes every row, one enqueues every push (each
 * change decided in order, on the object as the ones before it in the batch left it).
 */
export async function writeBatch(
  trx: Kysely<Database>,
  repo: ObjectRepository<CanonicalObject> | undefined,
  batch: readonly StagedWrite[],
): Promise<CanonicalObject[]> {
  const outbox: OutboxMessage[] = [];
  const out: CanonicalObject[] = [];
  const rows = batch.flatMap((staged) => (staged.row ? [staged.row] : []));
  if (!repo || rows.length < batch.length) {
    for (const staged of batch) out.push(await staged.apply(trx, outbox));
  } else {
    const locked = await repo.getManyForUpdate(
      rows.filter((r) => r.reads).map((r) => r.key),
      trx,
    );
    const decidedSoFar = new Map<string, CanonicalObject>();
    const writes: Array<ObjectWrite<CanonicalObject> & { audience: string }> = [];
    for (const row of rows) {
      const key = objectKeyString(row.key);
      const decided = row.decide(decidedSoFar.get(key) ?? locked.get(key)?.data);
      decidedSoFar.set(key, decided.root);
      writes.push({
        key: row.key,
        data: decided.root,
        lastUpdated: lastUpdatedOf(decided.root),
        audience: decided.audience,
      });
      outbox.push(...decided.messages);
      out.push(decided.result);
    }
    await repo.putMany(writes, trx);
  }
  await enqueueMany(trx, outbox);
  return out;
}
