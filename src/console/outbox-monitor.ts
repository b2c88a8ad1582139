import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Clock, ClockTimer } from '../clock.ts';
import { deadLetterDepth, outboxDepth } from '../delivery/depth.ts';
import { formatDateTime } from '../model/datetime.ts';
import { partnersFingerprint } from '../store/overview-counts.ts';
import type { Database } from '../store/schema.ts';
import type { DepthSample, OutboxDepth } from './schemas.ts';

export interface OutboxMonitorOptions {
  /** How often the outbox is read while someone watches (default 5 s). */
  sampleMs?: number;
}

/** Unwatched, the outbox is read once a minute: enough for the hour's chart. */
const UNWATCHED_MS = 60_000;
const HISTORY_MS = 3600_000;
const BUCKET_MS = 60_000;

type MonitorEvents = { depth: [OutboxDepth]; partners: [] };

/**
 * Reads the outbox's depth per partner (two grouped counts) and the partners' fingerprint
 * every few seconds while a console watches, once a minute otherwise; keeps one sample a
 * minute for the last hour, and tells its watchers when the depth or the partners changed.
 * Every console shares its reads: the store sees the same load for one page or ten.
 */
export class OutboxMonitor extends EventEmitter<MonitorEvents> {
  private readonly sampleMs: number;
  private readonly samples: DepthSample[] = [];
  private current: OutboxDepth | undefined;
  private fingerprint: string | undefined;
  private timer: ClockTimer | undefined;
  private soon: ClockTimer | undefined;
  private reading: Promise<void> | undefined;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private watchers = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    options: OutboxMonitorOptions = {},
  ) {
    super();
    this.sampleMs = options.sampleMs ?? 5000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = this.clock.setInterval(() => this.tick(), this.sampleMs).unref();
    void this.read();
  }

  stop(): void {
    this.timer?.cancel();
    this.soon?.cancel();
    this.timer = undefined;
    this.soon = undefined;
  }

  /** A console starts watching; the returned function ends that. */
  watch(): () => void {
    this.watchers++;
    let watching = true;
    return () => {
      if (watching) this.watchers--;
      watching = false;
    };
  }

  /** Reads again within a second (at most once a second): a delivery ended, a replay. */
  readSoon(): void {
    if (this.soon || this.watchers === 0) return;
    this.soon = this.clock.setTimeout(() => {
      this.soon = undefined;
      void this.read();
    }, 1000);
  }

  /** The latest depth, read now when there is none yet. */
  async depth(): Promise<OutboxDepth> {
    if (!this.current) await this.read();
    return this.current ?? (await this.measure());
  }

  /** One sample a minute (the latest of each), over the last hour, oldest first. */
  history(): DepthSample[] {
    return [...this.samples];
  }

  private tick(): void {
    if (this.watchers > 0 || this.clock.now() - this.lastReadAt >= UNWATCHED_MS) void this.read();
  }

  /** One read at a time; a read asked for while one runs is that one. */
  read(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    let depth: OutboxDepth;
    let fingerprint: string;
    try {
      [depth, fingerprint] = await Promise.all([this.measure(), partnersFingerprint(this.db)]);
    } catch {
      return; // the store is away (closing, or down): the next tick tries again; readiness reports it
    }
    this.lastReadAt = this.clock.now();
    this.remember(depth);
    const changed = !this.current || !sameDepth(this.current, depth);
    this.current = depth;
    if (changed) this.emit('depth', depth);
    if (this.fingerprint !== undefined && fingerprint !== this.fingerprint) this.emit('partners');
    this.fingerprint = fingerprint;
  }

  private async measure(): Promise<OutboxDepth> {
    const [pending, dead] = await Promise.all([outboxDepth(this.db), deadLetterDepth(this.db)]);
    const now = this.clock.now();
    const deadOf = new Map(dead.map((d) => [d.partnerId, d.count]));
    const ids = [...new Set([...pending.map((p) => p.partnerId), ...deadOf.keys()])].sort();
    const partners = ids.map((partnerId) => {
      const waiting = pending.find((p) => p.partnerId === partnerId);
      return {
        partnerId,
        pending: waiting?.pending ?? 0,
        ...(waiting
          ? { oldestAgeSeconds: Math.max(0, Math.round((now - waiting.oldest.getTime()) / 1000)) }
          : {}),
        deadLetters: deadOf.get(partnerId) ?? 0,
      };
    });
    return {
      at: formatDateTime(new Date(now)),
      pending: partners.reduce((n, p) => n + p.pending, 0),
      deadLetters: partners.reduce((n, p) => n + p.deadLetters, 0),
      partners,
    };
  }

  private remember(depth: OutboxDepth): void {
    const now = this.clock.now();
    const sample = { at: depth.at, pending: depth.pending, deadLetters: depth.deadLetters };
    const last = this.samples.at(-1);
    if (last && Math.floor(Date.parse(last.at) / BUCKET_MS) === Math.floor(now / BUCKET_MS))
      this.samples[this.samples.length - 1] = sample;
    else this.samples.push(sample);
    while (this.samples.length > 0 && now - Date.parse(this.samples[0]?.at ?? '') > HISTORY_MS)
      this.samples.shift();
  }
}

/** Whether two depths say the same (their time and the ages of the oldest aside). */
function sameDepth(a: OutboxDepth, b: OutboxDepth): boolean {
  const key = (d: OutboxDepth) =>
    JSON.stringify(d.partners.map((p) => [p.partnerId, p.pending, p.deadLetters]));
  return key(a) === key(b);
}
