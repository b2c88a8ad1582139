import { sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { OcpiNode } from '../../node.ts';

/** How often a held request looks again, and how long a count serves the requests that follow. */
const LOOK_AGAIN_MS = 20;
/** A partner's "results behind" line is written at most this often. */
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

/**
 * Admission of requests whose result follows asynchronously (commands, charging profile
 * requests). Under overload a node that takes every request at once falls behind on the
 * results (the delivery worker shares the event loop with the intake), and every result
 * arrives seconds late. Instead, while a partner's results wait in the outbox beyond
 * `max`, its new requests wait (at most `waitMs`) for the backlog to shrink: the intake
 * slows to the pace the results go out, and a result stays about `max` deliveries behind.
 *
 * The backlog is read from the store, so it counts what every instance on one database
 * enqueued, and only untried results: a partner whose result endpoint fails is retried
 * with backoff, and its requests are not held for it.
 */
export class ResultBacklog {
  private readonly counts = new Map<string, { at: number; count: Promise<number> }>();
  private readonly logged = new Map<string, number>();

  constructor(
    private readonly node: Pick<OcpiNode, 'store' | 'clock' | 'log'>,
    private readonly kind: ResultKind,
    private readonly options: ResultBacklogOptions,
  ) {}

  /** Resolves when a request of `partnerId` may be accepted. */
  async room(partnerId: string): Promise<void> {
    const { max, waitMs } = this.options;
    if (max <= 0) return;
    const clock = this.node.clock;
    const since = clock.now();
    let count = await this.count(partnerId);
    if (count < max) return;
    this.logHeld(partnerId, count);
    while (count >= max && clock.now() - since < waitMs) {
      await sleep(clock, Math.min(LOOK_AGAIN_MS, waitMs));
      count = await this.count(partnerId);
    }
  }

  /** This process enqueued results for the partner: the next request reads the backlog afresh. */
  enqueued(partnerId: string): void {
    this.counts.delete(partnerId);
  }

  /**
   * The partner's untried results, up to `max`. One read serves the requests of the next
   * LOOK_AGAIN_MS, unless this process enqueued results for the partner meanwhile (others'
   * are seen on the next read).
   */
  private count(partnerId: string): Promise<number> {
    const now = this.node.clock.now();
    const cached = this.counts.get(partnerId);
    if (cached && now - cached.at < LOOK_AGAIN_MS) return cached.count;
    const count = this.read(partnerId).catch((err: unknown) => {
      // The wait is a courtesy: a store that cannot answer this holds no request back.
      this.node.log.warn({ err, partnerId }, 'could not read the result backlog');
      return 0;
    });
    this.counts.set(partnerId, { at: now, count });
    return count;
  }

  private async read(partnerId: string): Promise<number> {
    // The kind as a literal: the partial index ocpi_outbox_untried_results then serves it.
    const { rows } = await sql<{ n: string | number }>`
      select count(*) as n from (
        select 1 from ocpi_outbox
        where partner_id = ${partnerId} and kind = ${sql.lit(this.kind)} and attempts = 0
        limit ${this.options.max}
      ) t`.execute(this.node.store.db);
    return Number(rows[0]?.n ?? 0);
  }

  private logHeld(partnerId: string, count: number): void {
    const now = this.node.clock.now();
    if (now - (this.logged.get(partnerId) ?? Number.NEGATIVE_INFINITY) < LOG_EVERY_MS) return;
    this.logged.set(partnerId, now);
    this.node.log.info(
      { partnerId, kind: this.kind, backlog: count, waitMs: this.options.waitMs },
      'results to the partner are behind: its new requests wait for them',
    );
  }
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
