import type { DeadLetter, OutboxEntry } from './outbox.ts';

/** The subset of a pino logger the worker uses. */
export interface DeliveryLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: DeliveryLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A message that reached the partner. */
export interface DeliveredEvent {
  entry: OutboxEntry;
  httpStatus: number;
  /** The OCPI status_code the partner answered. */
  statusCode: number;
  /** The `data` of the partner's answer, if any. */
  data?: unknown;
}

/** A failed attempt, to be retried at `nextAttemptAt`. */
export interface FailedEvent {
  entry: OutboxEntry;
  error: string;
  /** Attempts so far, this one included. */
  attempts: number;
  nextAttemptAt: Date;
}

/** A message given up: refused by the partner, or dead-lettered after the retry window. */
export interface DeadLetteredEvent {
  deadLetter: DeadLetter;
}

/** A message thrown away because its partner no longer exists. */
export interface DroppedEvent {
  entry: OutboxEntry;
  reason: string;
}

/**
 * Events of the DeliveryWorker. Listeners run synchronously; exceptions in them are logged
 * and ignored. `idle`: the worker looked for due messages and has no delivery in flight,
 * so nothing more is sent until a message falls due or is enqueued.
 */
export type DeliveryEvents = {
  delivered: [DeliveredEvent];
  failed: [FailedEvent];
  'dead-lettered': [DeadLetteredEvent];
  dropped: [DroppedEvent];
  idle: [];
};

/** What every log line about one outbox message names. */
export interface MessageLogContext {
  outboxId: string;
  partnerId: string;
  kind: string;
  orderingKey: string;
  method: string;
  url: string;
}
