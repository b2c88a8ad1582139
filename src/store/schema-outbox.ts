import type { ColumnType, Generated } from 'kysely';

/** HTTP methods the delivery engine sends. */
export type OutboxMethod = 'PUT' | 'PATCH' | 'POST' | 'DELETE';

/**
 * A message waiting to be delivered to a partner. Rows are deleted once delivered, so
 * the table holds only what is still in flight or failing.
 */
export interface OutboxTable {
  /** Enqueue order. PGlite returns int8 as a number, `pg` as a string: normalise with String(). */
  id: ColumnType<string | number, string | number | undefined, never>;
  partner_id: string;
  /** Messages with the same partner and ordering key are delivered strictly in id order. */
  ordering_key: string;
  /** What the message is, e.g. 'push' or 'command-result'. */
  kind: string;
  method: OutboxMethod;
  url: string;
  /** Extra request headers (e.g. OCPI routing headers), or null. */
  headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  /** The JSON body as rendered for the partner's version, or null for none. */
  body: ColumnType<unknown, string | null, string | null>;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** Failed attempts so far. */
  attempts: Generated<number>;
  /**
   * The oldest row of its partner and ordering key, the only one that may be claimed.
   * Kept under a transaction advisory lock on the key by enqueue and by the worker.
   */
  is_head: ColumnType<boolean, boolean | undefined, boolean>;
  /** Not claimed before this time; null for a message never tried, due at once. */
  next_attempt_at: Date | null;
  /** When the first attempt failed; the retry window runs from here. */
  first_failed_at: Date | null;
  last_error: string | null;
  /** May be left out when a later message of its partner and key supersedes it (see outbox.ts). */
  coalesce: ColumnType<boolean, boolean | undefined, boolean>;
  /** Lease: the row belongs to `locked_by` until this time. */
  locked_until: Date | null;
  locked_by: string | null;
}

/** A message that kept failing for longer than the retry window, kept for inspection and replay. */
export interface OutboxDeadTable {
  /** The id it had in the outbox, kept so that a replay keeps its place in order. */
  id: ColumnType<string | number, string | number, never>;
  partner_id: string;
  ordering_key: string;
  kind: string;
  method: OutboxMethod;
  url: string;
  headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  body: ColumnType<unknown, string | null, string | null>;
  created_at: Date;
  attempts: number;
  first_failed_at: Date | null;
  last_error: string | null;
  dead_at: Date;
}

/** Tables of the delivery engine (outbox and dead letters). */
export interface OutboxTables {
  ocpi_outbox: OutboxTable;
  ocpi_outbox_dead: OutboxDeadTable;
}
