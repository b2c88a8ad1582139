import type { Clock, ClockTimer } from '../clock.ts';

/**
 * Wakes the worker when a retry of its own falls due before the next poll would notice:
 * one timer, for the earliest such retry.
 */
export class RetryAlarm {
  private timer: ClockTimer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /** Retry times of this worker's failed rows that fall before the next poll. */
  private times: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly pollIntervalMs: number,
    private readonly wake: () => void,
  ) {}

  schedule(at: number): void {
    if (at - this.clock.now() >= this.pollIntervalMs) return;
    this.times.push(at);
    this.arm();
  }

  clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.times = [];
  }

  private arm(): void {
    if (this.times.length === 0) return;
    const next = Math.min(...this.times);
    if (this.timer && next >= this.timerAt) return;
    this.timer?.cancel();
    this.timerAt = next;
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        const now = this.clock.now();
        this.times = this.times.filter((t) => t > now);
        this.wake();
        this.arm();
      },
      // A little late rather than early: the row must be due when the claim runs.
      Math.max(0, next - this.clock.now()) + 2,
    );
    this.timer.unref();
  }
}
