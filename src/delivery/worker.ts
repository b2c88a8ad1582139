import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { type OcpiHttpClient, PartnerCallError } from '../client/ocpi-http.ts';
import type { PartnersContext } from '../partners/context.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { TokenEncoding } from '../transport/token.ts';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { holderIsGone, newHolderId, processRuns, thisProcess } from './lease-holder.ts';
import {
  claim,
  complete,
  completeMany,
  countDeadLetters,
  countPending,
  type DeadLetter,
  deadLetterIds,
  enqueue,
  leaseHolders,
  listDeadLetters,
  listPending,
  moveToDeadLetters,
  type OutboxEntry,
  type OutboxMessage,
  type OutboxRow,
  recordFailure,
  releaseLeases,
  releaseRows,
  replaceRequest,
  replayDeadLetter,
  toEntry,
} from './outbox.ts';
import { isRefusal } from './refusal.ts';

/** The subset of a pino logger the worker uses. */
export interface DeliveryLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DeliveryWorkerOptions {
  store: Store;
  /** Where partners' outbound tokens and token encodings come from. */
  registry: PartnerRegistry;
  /** The node's outbound client. Its timeout must be shorter than `leaseMs`. */
  http: OcpiHttpClient;
  /** The node's pino logger (default: silent). Tokens are never logged. */
  log?: DeliveryLogger;
  /** Clock in ms since the epoch (default Date.now). Due times, leases and the retry window use it. */
  now?: () => number;
  /** Random numbers in [0, 1) for the backoff jitter (default Math.random). */
  random?: () => number;
  /** Identifies this worker in leases (default host:pid:process start:random, see lease-holder.ts). */
  workerId?: string;
  /** Retry delays (default 1 s, ×2 per failure, at most 5 min, ±10 %). */
  backoff?: BackoffOptions;
  /**
   * A message that fails when its key has been failing for longer than this is
   * dead-lettered (default 24 h). The time runs from its first failure or, for a message
   * queued behind one that was dead-lettered, from that one's first failure.
   */
  retryWindowMs?: number;
  /**
   * How long a claimed row belongs to this worker (default 60 s). After it, another
   * worker may take the row, so it must exceed the HTTP timeout by a margin.
   */
  leaseMs?: number;
  /** Most rows claimed in one query (default 50). */
  batchSize?: number;
  /** Most deliveries in flight at once (default 32). */
  concurrency?: number;
  /**
   * Most deliveries in flight to one partner at once (default a quarter of
   * `concurrency`, at least 1): a partner that hangs holds no more slots than this while
   * its calls run into the HTTP timeout, and the other partners get the rest.
   */
  partnerConcurrency?: number;
  /** Look for due rows this often even when not woken (default 1 s). */
  pollIntervalMs?: number;
  /** How long stop() waits for deliveries in flight (default 15 s). */
  stopTimeoutMs?: number;
  /** How long a partner's token and encoding are reused between deliveries (default 1 s). */
  partnerCacheMs?: number;
  /**
   * The PUT of the whole, current object that replaces a refused PATCH of it (the spec's
   * answer to a receiver that does not know the object): same partner and ordering key,
   * rendered for the partner now. Undefined (or no function): the PATCH is dead-lettered.
   */
  wholeObject?: (entry: OutboxEntry) => Promise<OutboxMessage | undefined>;
}

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

/** How often a running worker looks for leases held by dead processes of this host. */
const DEAD_LEASE_CHECK_MS = 2000;

/** A message given up: refused by the partner, or dead-lettered after the retry window. */
export interface DeadLetteredEvent {
  deadLetter: DeadLetter;
}

/** A message thrown away because its partner no longer exists. */
export interface DroppedEvent {
  entry: OutboxEntry;
  reason: string;
}

/** Events of the DeliveryWorker. Listeners run synchronously; exceptions in them are logged and ignored. */
export type DeliveryEvents = {
  delivered: [DeliveredEvent];
  failed: [FailedEvent];
  'dead-lettered': [DeadLetteredEvent];
  dropped: [DroppedEvent];
};

interface PartnerAuth {
  token: string;
  encoding: TokenEncoding;
  fetchedAt: number;
}

type Outcome =
  | { ok: true; httpStatus: number; statusCode: number; data?: unknown }
  | { ok: false; error: string; unreachable: boolean; refused: boolean };

const MAX_ERROR_LENGTH = 1000;
const silent: DeliveryLogger = { debug() {}, info() {}, warn() {}, error() {} };

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
  private readonly registry: PartnerRegistry;
  private readonly http: OcpiHttpClient;
  private readonly log: DeliveryLogger;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly retryWindowMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly partnerConcurrency: number;
  private readonly pollIntervalMs: number;
  private deadLeaseTimer: NodeJS.Timeout | undefined;
  private readonly stopTimeoutMs: number;
  private readonly partnerCacheMs: number;
  private readonly wholeObject: DeliveryWorkerOptions['wholeObject'];

  private running = false;
  /** Set when stop() gave up waiting: late deliveries then leave the database alone. */
  private abandoned = false;
  private pumping: Promise<void> | undefined;
  private again = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Deliveries in flight per partner. */
  private readonly inFlightTo = new Map<string, number>();
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryTimerAt = Number.POSITIVE_INFINITY;
  /** Retry times of this worker's failed rows that fall before the next poll. */
  private retryTimes: number[] = [];
  /** Partners that did not answer at all, left alone until the given time. */
  private readonly paused = new Map<string, number>();
  /** Rounds of attempts in a row a partner did not answer. */
  private readonly unreachable = new Map<string, number>();
  private readonly partners = new Map<string, PartnerAuth>();
  /** Delivered rows waiting to be removed: removed together, while the previous batch commits. */
  private completions: Array<{ row: OutboxRow; resolve: () => void; reject: (err: unknown) => void }> = [];
  private completing = false;

  constructor(options: DeliveryWorkerOptions) {
    super();
    this.db = options.store.db;
    this.registry = options.registry;
    this.http = options.http;
    this.log = options.log ?? silent;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.workerId = options.workerId ?? newHolderId(thisProcess());
    this.backoff = options.backoff ?? {};
    this.retryWindowMs = options.retryWindowMs ?? 24 * 3600_000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = Math.max(1, options.batchSize ?? 50);
    this.concurrency = Math.max(1, options.concurrency ?? 32);
    this.partnerConcurrency = Math.max(1, options.partnerConcurrency ?? Math.floor(this.concurrency / 4));
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
    this.partnerCacheMs = options.partnerCacheMs ?? 1000;
    this.wholeObject = options.wholeObject;
  }

  /** Starts delivering: at once, then on every wake() and poll. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abandoned = false;
    this.pollTimer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.pollTimer.unref();
    this.wake();
    this.takeOverDeadLeases();
    // Also while running: another instance on this host may be killed at any time.
    this.deadLeaseTimer = setInterval(() => this.takeOverDeadLeases(), DEAD_LEASE_CHECK_MS);
    this.deadLeaseTimer.unref();
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
    const holders = await leaseHolders(this.db, new Date(this.now()));
    return releaseLeases(
      this.db,
      holders.filter((holder) => holderIsGone(holder, self, processRuns)),
    );
  }

  /**
   * Stops claiming rows and waits (up to `stopTimeoutMs`) for deliveries in flight to
   * finish. Call it before closing the store. Rows still in flight after the wait keep
   * their lease and are retried by any worker once it expires.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.deadLeaseTimer) clearInterval(this.deadLeaseTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = undefined;
    this.deadLeaseTimer = undefined;
    this.retryTimer = undefined;
    this.retryTimerAt = Number.POSITIVE_INFINITY;
    this.retryTimes = [];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.stopTimeoutMs);
    });
    const settled = (async () => {
      await this.pumping;
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      return 'done' as const;
    })();
    const result = await Promise.race([settled, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.abandoned = true;
      this.log.warn({ inFlight: this.inFlight.size }, 'delivery worker stopped with deliveries in flight');
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
        let rows: OutboxRow[];
        try {
          const now = this.now();
          rows = await claim(this.db, {
            workerId: this.workerId,
            now: new Date(now),
            leaseUntil: new Date(now + this.leaseMs),
            limit: free,
            skipPartners: [...this.pausedPartners(now), ...this.busyPartners()],
          });
        } catch (err) {
          if (this.running)
            this.log.error({ err: errorText(err) }, 'delivery worker could not claim messages');
          return;
        }
        // A claim may bring more rows of a partner than it has slots left: those go back,
        // and the partner, now busy, is left out of the next claim.
        const over: OutboxRow[] = [];
        for (const row of rows) {
          if ((this.inFlightTo.get(row.partner_id) ?? 0) < this.partnerConcurrency) this.launch(row);
          else over.push(row);
        }
        if (over.length > 0) await this.giveBack(over);
        if (rows.length < free) break;
      }
    } while (this.again && this.running);
  }

  private pausedPartners(now: number): string[] {
    for (const [id, until] of this.paused) if (until <= now) this.paused.delete(id);
    return [...this.paused.keys()];
  }

  /**
   * Partners left out of claims: those with more than half their slots in flight. As
   * for the worker's slots, a partner's are refilled in batches: a partner with a backlog
   * is not claimed for (and its surplus given back) at every delivery that ends.
   */
  private busyPartners(): string[] {
    return [...this.inFlightTo].filter(([, n]) => n > this.partnerConcurrency / 2).map(([id]) => id);
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
        { err: errorText(err) },
        'could not release claimed messages; they go when their lease ends',
      );
    }
  }

  private launch(row: OutboxRow): void {
    const partnerId = row.partner_id;
    this.inFlightTo.set(partnerId, (this.inFlightTo.get(partnerId) ?? 0) + 1);
    const delivery: Promise<void> = this.deliver(row)
      .catch((err) => {
        if (!this.abandoned)
          this.log.error(
            { err: errorText(err), outboxId: String(row.id), partnerId },
            'delivery bookkeeping failed; the message is retried when its lease expires',
          );
      })
      .finally(() => {
        this.inFlight.delete(delivery);
        const left = (this.inFlightTo.get(partnerId) ?? 1) - 1;
        if (left > 0) this.inFlightTo.set(partnerId, left);
        else this.inFlightTo.delete(partnerId);
        this.wake();
      });
    this.inFlight.add(delivery);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const entry = toEntry(row);
    const context = {
      outboxId: entry.id,
      partnerId: entry.partnerId,
      kind: entry.kind,
      orderingKey: entry.orderingKey,
      method: entry.method,
      url: entry.url,
    };
    const auth = await this.partnerAuth(entry.partnerId);
    if (!auth) {
      await this.complete(row);
      const reason = 'partner is not registered';
      this.log.warn(context, `outbox message dropped: ${reason}`);
      this.emitSafely('dropped', { entry, reason });
      return;
    }
    const outcome = await this.send(entry, auth);
    if (this.abandoned) return;
    if (outcome.ok) {
      await this.complete(row);
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

  /** Removes a delivered row, batched with the others delivered meanwhile (group commit). */
  private complete(row: OutboxRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.completions.push({ row, resolve, reject });
      if (this.completing) return;
      this.completing = true;
      // After the I/O callbacks of this loop turn: replies that arrived together are removed together.
      setImmediate(() => void this.flushCompletions());
    });
  }

  private async flushCompletions(): Promise<void> {
    try {
      while (this.completions.length > 0) {
        const batch = this.completions.splice(0, this.batchSize);
        let busy: OutboxRow[];
        try {
          busy = await completeMany(
            this.db,
            batch.map((b) => b.row),
          );
        } catch (err) {
          for (const b of batch) b.reject(err);
          continue;
        }
        for (const b of batch) {
          if (!busy.includes(b.row)) {
            b.resolve();
            continue;
          }
          try {
            await complete(this.db, b.row);
            b.resolve();
          } catch (err) {
            b.reject(err);
          }
        }
      }
    } finally {
      this.completing = false;
    }
  }

  private async failed(
    row: OutboxRow,
    entry: OutboxEntry,
    outcome: Extract<Outcome, { ok: false }>,
    context: Record<string, unknown>,
  ): Promise<void> {
    if (outcome.refused) return this.refused(row, entry, outcome.error, context);
    const now = this.now();
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
    if (outcome.unreachable) this.pausePartner(entry.partnerId, now, nextAttemptAt);
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
    context: Record<string, unknown>,
  ): Promise<void> {
    const now = this.now();
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

  /**
   * Does not spend every slot on a partner that does not answer at all: its messages are
   * not claimed (and count no attempts) until this one's retry, or longer when it keeps
   * not answering (the same backoff, per partner).
   */
  private pausePartner(partnerId: string, now: number, retryAt: number): void {
    const current = this.paused.get(partnerId);
    if (current !== undefined && current > now) return; // a failure of the same round
    const strikes = (this.unreachable.get(partnerId) ?? 0) + 1;
    this.unreachable.set(partnerId, strikes);
    const until = Math.max(retryAt, now + backoffDelay(strikes, this.backoff, this.random));
    this.paused.set(partnerId, until);
    this.scheduleRetry(until);
  }

  private async send(entry: OutboxEntry, auth: PartnerAuth): Promise<Outcome> {
    try {
      const reply = await this.http.call({
        method: entry.method,
        url: entry.url,
        token: auth.token,
        encoding: auth.encoding,
        ...(entry.body !== undefined ? { body: entry.body } : {}),
        ...(entry.headers ? { headers: entry.headers } : {}),
      });
      const { httpStatus, envelope } = reply;
      this.unreachable.delete(entry.partnerId);
      const statusCode = envelope.status_code;
      if (httpStatus >= 200 && httpStatus < 300 && statusCode >= 1000 && statusCode < 2000)
        return {
          ok: true,
          httpStatus,
          statusCode,
          ...(envelope.data !== undefined ? { data: envelope.data } : {}),
        };
      if (httpStatus === 401) this.partners.delete(entry.partnerId); // perhaps our token just rotated
      const message = envelope.status_message ? `: ${envelope.status_message}` : '';
      return {
        ok: false,
        error: `HTTP ${httpStatus}, OCPI status ${statusCode}${message}`,
        unreachable: false,
        refused: isRefusal(httpStatus, statusCode),
      };
    } catch (err) {
      if (err instanceof PartnerCallError) {
        if (err.partnerHttpStatus !== undefined) this.unreachable.delete(entry.partnerId);
        if (err.partnerHttpStatus === 401) this.partners.delete(entry.partnerId);
        const cause =
          err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
        return {
          ok: false,
          error: `${err.message}${cause}`,
          unreachable: err.partnerHttpStatus === undefined,
          refused: isRefusal(err.partnerHttpStatus),
        };
      }
      return { ok: false, error: errorText(err), unreachable: true, refused: false };
    }
  }

  private async partnerAuth(partnerId: string): Promise<PartnerAuth | undefined> {
    const now = this.now();
    const cached = this.partners.get(partnerId);
    if (cached && now - cached.fetchedAt < this.partnerCacheMs) return cached;
    const [partner, token] = await Promise.all([
      this.registry.get(partnerId),
      this.registry.outboundToken(partnerId),
    ]);
    if (!partner || token === undefined) {
      this.partners.delete(partnerId);
      return undefined;
    }
    const auth = { token, encoding: partner.tokenEncoding, fetchedAt: now };
    this.partners.set(partnerId, auth);
    return auth;
  }

  /** Wakes the worker when a retry of its own falls due before the next poll would notice. */
  private scheduleRetry(at: number): void {
    if (!this.running) return;
    if (at - this.now() >= this.pollIntervalMs) return;
    this.retryTimes.push(at);
    this.armRetryTimer();
  }

  private armRetryTimer(): void {
    if (this.retryTimes.length === 0) return;
    const next = Math.min(...this.retryTimes);
    if (this.retryTimer && next >= this.retryTimerAt) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimerAt = next;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.retryTimerAt = Number.POSITIVE_INFINITY;
        const now = this.now();
        this.retryTimes = this.retryTimes.filter((t) => t > now);
        this.wake();
        this.armRetryTimer();
      },
      // A little late rather than early: the row must be due when the claim runs.
      Math.max(0, next - this.now()) + 2,
    );
    this.retryTimer.unref();
  }

  /** Calls every listener, each in its own try: one broken listener does not starve the others. */
  private emitSafely<E extends keyof DeliveryEvents>(event: E, ...args: DeliveryEvents[E]): void {
    for (const listener of this.rawListeners(event) as Array<(...a: DeliveryEvents[E]) => void>) {
      try {
        listener(...args);
      } catch (err) {
        this.log.error({ err: errorText(err), event }, 'delivery event listener threw');
      }
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A worker wired to a node's store, registry, HTTP client and logger. */
export function createDeliveryWorker(
  node: Pick<PartnersContext, 'store' | 'registry' | 'http' | 'log'>,
  options: Omit<DeliveryWorkerOptions, 'store' | 'registry' | 'http'> = {},
): DeliveryWorker {
  return new DeliveryWorker({
    log: node.log,
    ...options,
    store: node.store,
    registry: node.registry,
    http: node.http,
  });
}
