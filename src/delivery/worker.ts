import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { OcpiHttpClient } from '../client/ocpi-http.ts';
import { type Clock, type ClockTimer, systemClock } from '../clock.ts';
import type { Database } from '../store/schema.ts';
import { errorMessage } from '../transport/errors.ts';
import { attempt, type Outcome } from './attempt.ts';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { Completions } from './completions.ts';
import {
  countDeadLetters,
  deadLetterIds,
  listDeadLetters,
  moveToDeadLetters,
  replayDeadLetter,
} from './dead-letters.ts';
import { type DeliveryEvents, type DeliveryLogger, type MessageLogContext, silentLogger } from './events.ts';
import { HubHold } from './hub-hold.ts';
import { holderIsGone, newHolderId, processRuns, thisProcess } from './lease-holder.ts';
import { leaseHolders, recordFailure, releaseLeases, releaseRows, replaceRequest } from './leases.ts';
import {
  type ClaimedRow,
  claim,
  countPending,
  type DeadLetter,
  enqueue,
  listPending,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxRow,
  toEntry,
} from './outbox.ts';
import { type PartnerAuth, PartnerAuthCache } from './partner-auth.ts';
import { PartnerSlots } from './partner-slots.ts';
import { RetryAlarm } from './retry-alarm.ts';
import type { DeliveryWorkerOptions } from './worker-options.ts';

export type {
  DeadLetteredEvent,
  DeliveredEvent,
  DeliveryEvents,
  DeliveryLogger,
  DroppedEvent,
  FailedEvent,
} from './events.ts';
export type { DeliveryWorkerOptions } from './worker-options.ts';

/** How often a running worker looks for leases held by dead processes of this host. */
const DEAD_LEASE_CHECK_MS = 2000;

const MAX_ERROR_LENGTH = 1000;

/**
 * Delivers outbox rows to partners: at least once, in order per partner and ordering
 * key, with exponential backoff, and dead letters after the retry window (or at once
 * for what the partner refuses). One per node process; several processes on one
 * PostgreSQL share the work through leases taken with `FOR UPDATE SKIP LOCKED`. No
 * transaction is held open while a partner is called.
 */
export class DeliveryWorker extends EventEmitter<DeliveryEvents> {
  readonly workerId: string;
  private readonly db: Kysely<Database>;
  private readonly http: OcpiHttpClient;
  private readonly log: DeliveryLogger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly retryWindowMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly stopTimeoutMs: number;
  private readonly wholeObject: DeliveryWorkerOptions['wholeObject'];
  private readonly auth: PartnerAuthCache;
  private readonly slots: PartnerSlots;
  private readonly alarm: RetryAlarm;
  private readonly completions: Completions;
  private readonly hold: HubHold;

  private running = false;
  /** Set when stop() gave up waiting: late deliveries then leave the database alone. */
  private abandoned = false;
  private pumping: Promise<void> | undefined;
  private again = false;
  private readonly inFlight = new Set<Promise<void>>();
  private pollTimer: ClockTimer | undefined;
  private deadLeaseTimer: ClockTimer | undefined;

  constructor(options: DeliveryWorkerOptions) {
    super();
    this.db = options.store.db;
    this.http = options.http;
    this.log = options.log ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.workerId = options.workerId ?? newHolderId(thisProcess());
    this.backoff = options.backoff ?? {};
    this.retryWindowMs = options.retryWindowMs ?? 24 * 3600_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = Math.max(1, options.batchSize ?? 50);
    this.concurrency = Math.max(1, options.concurrency ?? 128);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
    this.wholeObject = options.wholeObject;
    this.auth = new PartnerAuthCache(options.registry, this.clock, options.partnerCacheMs ?? 1000);
    const perPartner = Math.max(1, options.partnerConcurrency ?? Math.floor(this.concurrency / 4));
    this.slots = new PartnerSlots(perPartner, this.backoff, this.random);
    this.alarm = new RetryAlarm(this.clock, this.pollIntervalMs, () => this.wake());
    this.completions = new Completions(this.db, this.batchSize);
    const w = { db: this.db, log: this.log, clock: this.clock, workerId: this.workerId };
    this.hold = new HubHold(
      w,
      options.hubs,
      () => this.wake(),
      (e) => this.emitSafely('dead-lettered', e),
    );
  }

  /** Starts delivering: at once, then on every wake() and poll. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abandoned = false;
    this.hold.watch();
    // A poll while a pass runs is dropped (the next one looks): polls alone never keep it busy.
    this.pollTimer = this.clock
      .setInterval(() => {
        if (!this.pumping) this.wake();
      }, this.pollIntervalMs)
      .unref();
    this.wake();
    this.takeOverDeadLeases();
    // Also while running: another instance on this host may be killed at any time.
    this.deadLeaseTimer = this.clock
      .setInterval(() => this.takeOverDeadLeases(), DEAD_LEASE_CHECK_MS)
      .unref();
  }

  private takeOverDeadLeases(): void {
    this.releaseDeadLeases()
      .then((released) => {
        if (released === 0) return;
        this.log.info({ released }, 'took over deliveries of a worker that died');
        this.wake();
      })
      .catch((err: Error) => this.log.warn({ err }, 'could not check for leases of dead workers'));
  }

  /**
   * Rows a killed process was delivering would wait out their lease (`leaseMs`). Holders
   * that are certainly dead (a process of this host that no longer runs, or whose pid this
   * process now has: a node restarted after a crash, e.g. a container restarted as pid 1)
   * have their rows taken over at once.
   */
  private async releaseDeadLeases(): Promise<number> {
    const self = thisProcess();
    const holders = await leaseHolders(this.db, new Date(this.clock.now()));
    return releaseLeases(
      this.db,
      holders.filter((holder) => holderIsGone(holder, self, processRuns)),
    );
  }

  /**
   * Stops claiming rows and waits (up to `stopTimeoutMs`) for deliveries in flight to
   * finish. Call it before closing the store. Rows still in flight after the wait have
   * their leases released: any worker retries them at once (the partner may get them twice).
   */
  async stop(): Promise<void> {
    this.running = false;
    this.hold.unwatch();
    this.pollTimer?.cancel();
    this.deadLeaseTimer?.cancel();
    this.pollTimer = undefined;
    this.deadLeaseTimer = undefined;
    this.alarm.clear();
    let timer: ClockTimer | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.clock.setTimeout(() => resolve('timeout'), this.stopTimeoutMs);
    });
    const settled = (async () => {
      await this.pumping;
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return 'done' as const;
    })();
    const result = await Promise.race([settled, timeout]);
    timer?.cancel();
    if (result === 'timeout') {
      this.abandoned = true;
      this.log.warn({ inFlight: this.inFlight.size }, 'delivery worker stopped with deliveries in flight');
      // Their answers will not be recorded: another worker may take them now rather than
      // when the lease ends. At least once: a partner may get one of them twice.
      await releaseLeases(this.db, [this.workerId]).catch((err: unknown) =>
        this.log.warn({ err: errorMessage(err) }, 'could not release the leases of deliveries in flight'),
      );
    }
  }

  /** Looks for due rows now. Call it after committing a transaction that enqueued. */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.again) this.wake();
      else if (this.inFlight.size === 0 && this.running) this.emitSafely('idle');
    });
  }

  /** Enqueues one message in its own transaction and wakes the worker. */
  async enqueue(message: OutboxMessage): Promise<string> {
    const id = await this.db.transaction().execute((trx) => enqueue(trx, message));
    this.wake();
    return id;
  }

  /** Messages not yet delivered (and not dead-lettered), optionally for one partner. */
  pending(partnerId?: string): Promise<number> {
    return countPending(this.db, partnerId);
  }

  listPending(options: { partnerId?: string; limit?: number; offset?: number } = {}): Promise<OutboxEntry[]> {
    return listPending(this.db, options);
  }

  deadLetterCount(partnerId?: string): Promise<number> {
    return countDeadLetters(this.db, partnerId);
  }

  /** Dead letters, oldest first. */
  listDeadLetters(
    options: { partnerId?: string; limit?: number; offset?: number } = {},
  ): Promise<DeadLetter[]> {
    return listDeadLetters(this.db, options);
  }

  /**
   * Moves a dead letter back to the outbox, due now, under its original id (so it goes
   * before later messages with its ordering key still pending). False if there is none.
   */
  async replay(id: string | number | bigint): Promise<boolean> {
    const replayed = await replayDeadLetter(this.db, String(id));
    if (replayed) {
      this.log.info({ outboxId: String(id) }, 'dead letter replayed');
      this.wake();
    }
    return replayed;
  }

  /** Moves every dead letter (or a partner's) back to the outbox, oldest first. Returns how many. */
  async replayAll(partnerId?: string): Promise<number> {
    let count = 0;
    for (const id of await deadLetterIds(this.db, partnerId))
      if (await replayDeadLetter(this.db, id)) count++;
    if (count > 0) {
      this.log.info({ count, partnerId }, 'dead letters replayed');
      this.wake();
    }
    return count;
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      while (this.running) {
        // Refill when half the slots are free, not at every free slot: claims (and the
        // removals of what they deliver) then come in batches rather than one by one.
        if (this.inFlight.size > this.concurrency / 2) break; // a finishing delivery wakes us
        const free = Math.min(this.concurrency - this.inFlight.size, this.batchSize);
        let rows: ClaimedRow[];
        try {
          const now = this.clock.now();
          rows = await claim(this.db, {
            workerId: this.workerId,
            now: new Date(now),
            leaseUntil: new Date(now + this.leaseMs),
            limit: free,
            skipPartners: this.slots.skipped(now),
          });
        } catch (err) {
          if (this.running)
            this.log.error({ err: errorMessage(err) }, 'delivery worker could not claim messages');
          return;
        }
        // A claim may bring more rows of a partner than it has slots left: those go back,
        // and the partner, now busy, is left out of the next claim.
        const over: ClaimedRow[] = [];
        for (const row of rows) {
          if (this.slots.hasRoom(row.partner_id)) this.launch(row);
          else over.push(row);
        }
        if (over.length > 0) await this.giveBack(over);
        if (rows.length < free) break;
      }
    } while (this.again && this.running);
  }

  /** Releases claimed rows untried: no attempt is counted, and they are due again at once. */
  private async giveBack(rows: OutboxRow[]): Promise<void> {
    try {
      await releaseRows(
        this.db,
        rows.map((r) => r.id),
        this.workerId,
      );
    } catch (err) {
      this.log.warn(
        { err: errorMessage(err) },
        'could not release claimed messages; they go when their lease ends',
      );
    }
  }

  private launch(row: ClaimedRow): void {
    const partnerId = row.partner_id;
    this.slots.take(partnerId);
    const delivery: Promise<void> = this.deliver(row)
      .catch((err) => {
        if (!this.abandoned)
          this.log.error(
            { err: errorMessage(err), outboxId: String(row.id), partnerId },
            'delivery bookkeeping failed; the message is retried when its lease expires',
          );
      })
      .finally(() => {
        this.inFlight.delete(delivery);
        this.slots.release(partnerId);
        this.wake();
      });
    this.inFlight.add(delivery);
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const entry = toEntry(row);
    const context: MessageLogContext = {
      outboxId: entry.id,
      partnerId: entry.partnerId,
      kind: entry.kind,
      orderingKey: entry.orderingKey,
      method: entry.method,
      url: entry.url,
    };
    const auth = await this.auth.get(entry.partnerId);
    if (!auth) {
      await this.completions.complete(row);
      const reason = 'partner is not registered';
      this.log.warn(context, `outbox message dropped: ${reason}`);
      this.emitSafely('dropped', { entry, reason });
      return;
    }
    if (await this.hold.suspended(row, context)) return;
    const outcome = await this.send(entry, auth);
    if (this.abandoned) return;
    if (outcome.ok) {
      await this.completions.complete(row);
      this.log.debug({ ...context, attempts: entry.attempts + 1 }, 'outbox message delivered');
      this.emitSafely('delivered', {
        entry,
        httpStatus: outcome.httpStatus,
        statusCode: outcome.statusCode,
        ...(outcome.data !== undefined ? { data: outcome.data } : {}),
      });
      return;
    }
    await this.failed(row, entry, outcome, context);
  }

  /** One attempt, and what it tells of the partner: whether it answers, whether our token still works. */
  private async send(entry: OutboxEntry, auth: PartnerAuth): Promise<Outcome> {
    const outcome = await attempt(this.http, entry, auth);
    if (outcome.ok || !outcome.unreachable) this.slots.answered(entry.partnerId);
    if (!outcome.ok && outcome.httpStatus === 401) this.auth.forget(entry.partnerId); // perhaps our token just rotated
    return outcome;
  }

  private async failed(
    row: OutboxRow,
    entry: OutboxEntry,
    outcome: Extract<Outcome, { ok: false }>,
    context: MessageLogContext,
  ): Promise<void> {
    if (outcome.refused) return this.refused(row, entry, outcome.error, context);
    const now = this.clock.now();
    const attempts = entry.attempts + 1;
    const firstFailedAt = entry.firstFailedAt ?? new Date(now);
    const error = outcome.error.slice(0, MAX_ERROR_LENGTH);
    if (now - firstFailedAt.getTime() >= this.retryWindowMs) {
      const deadLetter = await moveToDeadLetters(this.db, row, {
        workerId: this.workerId,
        attempts,
        error,
        firstFailedAt,
        deadAt: new Date(now),
        refused: false,
      });
      if (deadLetter) {
        this.log.error(
          { ...context, attempts, error },
          'outbox message dead-lettered after the retry window',
        );
        this.emitSafely('dead-lettered', { deadLetter });
      }
      return;
    }
    const delay = backoffDelay(attempts, this.backoff, this.random);
    const nextAttemptAt = now + delay;
    const kept = await recordFailure(this.db, {
      id: row.id,
      workerId: this.workerId,
      attempts,
      error,
      firstFailedAt,
      nextAttemptAt: new Date(nextAttemptAt),
    });
    if (!kept) return; // delivered, dropped or re-leased by someone else meanwhile
    if (outcome.unreachable) {
      const pausedUntil = this.slots.pause(entry.partnerId, now, nextAttemptAt);
      if (pausedUntil !== undefined) this.scheduleRetry(pausedUntil);
    }
    this.scheduleRetry(nextAttemptAt);
    this.log.warn({ ...context, attempts, error, retryInMs: delay }, 'outbox delivery failed');
    this.emitSafely('failed', { entry, error, attempts, nextAttemptAt: new Date(nextAttemptAt) });
  }

  /**
   * The partner refused the message (an HTTP 4xx or an OCPI 2xxx): the same again would
   * be refused again, so it is not retried. A PATCH (or the PUT of a part of an object that
   * 2.1.1 partners get instead) is replaced by the PUT of the whole, current object, as
   * the spec asks when a PATCH fails because the receiver does not know the object; the
   * later messages of the object follow it. Anything else goes to the dead letters at
   * once, and the next message of its key goes: a later change of the same object is
   * sent (a PATCH refused in turn becomes the PUT of the whole object).
   */
  private async refused(
    row: OutboxRow,
    entry: OutboxEntry,
    reason: string,
    context: MessageLogContext,
  ): Promise<void> {
    const now = this.clock.now();
    const attempts = entry.attempts + 1;
    const error = `refused: ${reason}`.slice(0, MAX_ERROR_LENGTH);
    const whole =
      (entry.method === 'PATCH' || entry.method === 'PUT') && this.wholeObject
        ? await this.wholeObject(entry)
        : undefined;
    if (whole?.method === 'PUT' && (entry.method === 'PATCH' || whole.url !== entry.url)) {
      const kept = await replaceRequest(this.db, row, {
        workerId: this.workerId,
        message: whole,
        attempts,
        error,
      });
      if (!kept) return;
      this.log.warn(
        { ...context, attempts, error },
        'partner refused the message: sending the whole object instead',
      );
      this.emitSafely('failed', { entry, error, attempts, nextAttemptAt: new Date(now) });
      return;
    }
    const deadLetter = await moveToDeadLetters(this.db, row, {
      workerId: this.workerId,
      attempts,
      error,
      firstFailedAt: entry.firstFailedAt ?? new Date(now),
      deadAt: new Date(now),
      refused: true,
    });
    if (!deadLetter) return;
    this.log.error({ ...context, attempts, error }, 'outbox message refused by the partner: dead-lettered');
    this.emitSafely('dead-lettered', { deadLetter });
  }

  /** Wakes the worker when a retry of its own falls due before the next poll would notice. */
  private scheduleRetry(at: number): void {
    if (this.running) this.alarm.schedule(at);
  }

  /** Calls every listener, each in its own try: one broken listener does not starve the others. */
  private emitSafely<E extends keyof DeliveryEvents>(event: E, ...args: DeliveryEvents[E]): void {
    for (const listener of this.rawListeners(event)) {
      try {
        // What `emit` does for each listener (rawListeners also hands `once` wrappers).
        Reflect.apply(listener, this, args);
      } catch (err) {
        this.log.error({ err: errorMessage(err), event }, 'delivery event listener threw');
      }
    }
  }
}
