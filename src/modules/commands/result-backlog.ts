import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { OcpiNode } from '../../node.ts';

/** How often a held request looks again, and how long a count serves the requests that follow. */
const LOOK_AGAIN_MS = 20;
/** How long a count well below `max` (plus what this process enqueued since) spares the reads. */
const TRUST_LOW_MS = 1000;
/** A partner's lines about its backlog are written at most this often. */
const LOG_EVERY_MS = 10_000;

/** The outbox kinds of asynchronous results (the partial index of migration 019 covers exactly these). */
export type ResultKind = 'command-result' | 'profile-result';

export interface ResultBacklogOptions {
  /**
   * A partner's new requests wait while this many of its results (of this kind) wait in the
   * outbox, not yet tried. 0 turns the wait off.
   */
  max: number;
  /** The longest a request waits for room before it is accepted anyway. */
  waitMs: number;
}

export const DEFAULT_RESULT_BACKLOG: ResultBacklogOptions = { max: 100, waitMs: 1000 };

/** A partner's backlog as last read, and what this process enqueued for it since. */
interface Reading {
  /** performance.now() of the read. */
  at: number;
  count: Promise<number>;
  added: number;
}

/**
 * Admission of requests whose result follows asynchronously (commands, charging profile
 * requests). Under overload a node that takes every request at once falls behind on the
 * results (the delivery worker shares the event loop with the intake), and every result
 * arrives seconds late. Instead, while a partner's results wait in the outbox beyond
 * `max`, its new requests wait (at most `waitMs`) for the backlog to shrink: the intake
 * slows to the pace the results go out.
 *
 * The backlog is read from the store, so it counts what every instance on one database
 * enqueued, and only untried results (a partner whose result endpoint fails is retried
 * with backoff). Results that do not move at all (a partner the worker paused, parties a
 * hub reports offline) hold a partner's requests once, for `waitMs`: after a whole
 * `waitMs` without a reading below `max`, its requests go through until one shows room.
 *
 * The waits are real time, not the node's clock: they pace the intake against the store
 * and the network, and a test's stopped clock must not freeze a node's requests.
 */
export class ResultBacklog {
  private readonly readings = new Map<string, Reading>();
  /** When a reading last showed room, per partner (performance.now()). */
  private readonly roomSeen = new Map<string, number>();
  private readonly logged = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly node: Pick<OcpiNode, 'store' | 'log'>,
    private readonly options: ResultBacklogOptions & { kind: ResultKind },
  ) {}

  /** Resolves when a request of `partnerId` may be accepted. */
  async room(partnerId: string): Promise<void> {
    const { max, waitMs } = this.options;
    if (max <= 0 || this.stopped) return;
    const until = performance.now() + waitMs;
    for (;;) {
      // The requests held together all go when a reading shows room: the backlog may pass
      // `max` by that many, and no request waits for another's turn.
      const count = await this.estimate(partnerId);
      if (count < max) return;
      const now = performance.now();
      const stalled = now - (this.roomSeen.get(partnerId) ?? now) >= waitMs;
      if (this.stopped || stalled || now >= until) return;
      this.log(partnerId, 'results to the partner are behind: its new requests wait for them', count);
      await sleep(Math.min(LOOK_AGAIN_MS, until - now), undefined, { ref: false });
    }
  }

  /** This process enqueued a result for the partner: it counts until the next read. */
  enqueued(partnerId: string): void {
    const reading = this.readings.get(partnerId);
    if (reading) reading.added++;
  }

  /** Ends the waits: requests still held go on at once. */
  stop(): void {
    this.stopped = true;
    this.readings.clear();
  }

  /**
   * The partner's backlog: the last read plus what this process enqueued since. One read
   * serves the requests of the next LOOK_AGAIN_MS, or of the next TRUST_LOW_MS while the
   * backlog is under half of `max` (a lightly loaded node reads about once a second);
   * other instances' results are seen on the next read.
   */
  private async estimate(partnerId: string): Promise<number> {
    const { max } = this.options;
    const last = this.readings.get(partnerId);
    if (last) {
      const count = (await last.count) + last.added;
      const age = performance.now() - last.at;
      if (age < LOOK_AGAIN_MS || (age < TRUST_LOW_MS && count < max / 2)) {
        if (count < max) this.roomSeen.set(partnerId, performance.now());
        return count;
      }
    }
    const fresh = this.fresh(partnerId);
    return (await fresh.count) + fresh.added;
  }

  /** A read started now, or one that started less than LOOK_AGAIN_MS ago (shared). */
  private fresh(partnerId: string): Reading {
    const now = performance.now();
    const last = this.readings.get(partnerId);
    if (last && now - last.at < LOOK_AGAIN_MS) return last;
    // A partner not watched for a while starts a new watch: its old room says nothing now.
    if (!last || now - last.at > this.options.waitMs) this.roomSeen.set(partnerId, now);
    const count = this.count(partnerId).then(
      (n) => {
        if (n < this.options.max) this.roomSeen.set(partnerId, performance.now());
        return n;
      },
      (err: unknown) => {
        // The wait is a courtesy: a store that cannot answer this holds no request back.
        this.log(partnerId, 'could not read the result backlog', undefined, err);
        return 0;
      },
    );
    const reading = { at: now, count, added: 0 };
    this.readings.set(partnerId, reading);
    return reading;
  }

  private async count(partnerId: string): Promise<number> {
    // The kind as a literal: the partial index ocpi_outbox_untried_results then serves it.
    const { rows } = await sql<{ n: string | number }>`
      select count(*) as n from (
        select 1 from ocpi_outbox
        where partner_id = ${partnerId} and kind = ${sql.lit(this.options.kind)} and attempts = 0
        limit ${this.options.max}
      ) t`.execute(this.node.store.db);
    return Number(rows[0]?.n ?? 0);
  }

  private log(partnerId: string, msg: string, backlog: number | undefined, err?: unknown): void {
    const now = performance.now();
    const key = `${partnerId}\n${msg}`;
    if (now - (this.logged.get(key) ?? Number.NEGATIVE_INFINITY) < LOG_EVERY_MS) return;
    this.logged.set(key, now);
    const fields = { partnerId, kind: this.options.kind, backlog, waitMs: this.options.waitMs };
    if (err === undefined) this.node.log.info(fields, msg);
    else this.node.log.warn({ ...fields, err }, msg);
  }
}
