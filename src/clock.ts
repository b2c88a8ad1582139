/** A pending timer of a Clock. */
export interface ClockTimer {
  /** Stops the timer; it does not fire (again). Harmless on a timer that already fired. */
  cancel(): void;
  /** Lets the process exit while the timer is pending (a no-op where that means nothing). */
  unref(): ClockTimer;
}

/**
 * Where a node gets the time and its timers from: every deadline, lease, cache age,
 * timestamp and timeout of the library reads this, never the global clock, so that a test
 * can move time instead of waiting for it.
 */
export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now. */
  setTimeout(fn: () => void, ms: number): ClockTimer;
  /** Calls `fn` every `ms` milliseconds until cancelled. */
  setInterval(fn: () => void, ms: number): ClockTimer;
}

function systemTimer(timer: NodeJS.Timeout, clear: (timer: NodeJS.Timeout) => void): ClockTimer {
  const handle: ClockTimer = {
    cancel: () => clear(timer),
    unref: () => {
      timer.unref();
      return handle;
    },
  };
  return handle;
}

/** The real time and Node's timers: the default of every `clock` option. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => systemTimer(setTimeout(fn, ms), clearTimeout),
  setInterval: (fn, ms) => systemTimer(setInterval(fn, ms), clearInterval),
};
