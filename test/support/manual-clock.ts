import type { Clock, ClockTimer } from '../../src/clock.ts';

interface Pending {
  due: number;
  /** Set for an interval: due again this long after it fired. */
  period?: number;
  fn: () => void;
  /** Creation order: timers due at the same time fire in the order they were set. */
  seq: number;
}

/** A turn of the event loop: what the fired timers started (I/O callbacks included) gets to run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that stands still until the test moves it. Timers fire only inside advance(),
 * in the order they fall due, each at its own time.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly timers = new Set<Pending>();
  private seq = 0;

  /** Starts at the real time by default: rows the database stamps itself stay comparable. */
  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.add({ due: this.current + Math.max(0, ms), fn, seq: this.seq++ });
  }

  setInterval(fn: () => void, ms: number): ClockTimer {
    const period = Math.max(1, ms);
    return this.add({ due: this.current + period, period, fn, seq: this.seq++ });
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time on by `ms`, firing every timer that falls due on the way, in order, with the
   * clock showing its due time, and an event-loop turn after each. An interval due several
   * times on the way fires once, at the last of those times (as Node's intervals do after a
   * blocked loop): a jump of a day costs one poll, not thousands, and the poll sees the
   * state at the end of the jump.
   */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      if (next.timer.period === undefined) this.timers.delete(next.timer);
      else next.timer.due = next.at + next.timer.period;
      next.timer.fn();
      await turn();
    }
    this.current = end;
    await turn();
  }

  /** The timer that fires next within `end`, and when: an overdue interval at its last due time. */
  private nextDue(end: number): { timer: Pending; at: number } | undefined {
    let next: { timer: Pending; at: number } | undefined;
    for (const timer of this.timers) {
      if (timer.due > end) continue;
      const at =
        timer.period === undefined
          ? timer.due
          : timer.due + Math.floor((end - timer.due) / timer.period) * timer.period;
      if (!next || at < next.at || (at === next.at && timer.seq < next.timer.seq)) next = { timer, at };
    }
    return next;
  }

  private add(timer: Pending): ClockTimer {
    this.timers.add(timer);
    const handle: ClockTimer = {
      cancel: () => {
        this.timers.delete(timer);
      },
      unref: () => handle,
    };
    return handle;
  }
}
