import type { Clock } from '../../clock.ts';

/** At most `requests` in any `windowSeconds`. */
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

/**
 * A sliding-window limit per key (a session): the times of the requests let through in the
 * last window, kept in memory. Each node instance counts its own requests; requests refused
 * do not count, so a caller that keeps trying is let through again once the window moved.
 */
export class RateLimiter {
  private readonly seen = new Map<string, number[]>();
  private calls = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limit: RateLimit,
  ) {}

  /** Whether one more request for `key` is allowed now; counts it when it is. */
  allow(key: string): boolean {
    const now = this.clock.now();
    const since = now - this.limit.windowSeconds * 1000;
    // Now and then, forget the keys whose requests are all out of the window.
    if (++this.calls % 1000 === 0) for (const k of [...this.seen.keys()]) this.recent(k, since);
    const recent = this.recent(key, since);
    if (recent.length >= this.limit.requests) return false;
    recent.push(now);
    this.seen.set(key, recent);
    return true;
  }

  private recent(key: string, since: number): number[] {
    const recent = (this.seen.get(key) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.seen.delete(key);
    else this.seen.set(key, recent);
    return recent;
  }
}
