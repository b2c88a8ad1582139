/** How long to wait before retrying a failed delivery. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 1000). */
  initialMs?: number;
  /** Each further retry waits this many times longer (default 2). */
  factor?: number;
  /** Longest delay between two attempts, in ms (default 5 minutes). */
  maxMs?: number;
  /** Random spread, as a fraction of the delay: 0.1 means ±10 % (default 0.1). */
  jitter?: number;
}

/**
 * The delay before the next attempt after `attempts` failed ones (1 for the first
 * failure): initial × factor^(attempts-1), capped at max, spread by ±jitter.
 */
export function backoffDelay(
  attempts: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialMs ?? 1000;
  const factor = options.factor ?? 2;
  const max = options.maxMs ?? 5 * 60_000;
  const jitter = Math.min(Math.max(options.jitter ?? 0.1, 0), 1);
  const exponent = Math.max(0, attempts - 1);
  // Capped before it overflows: factor^exponent grows fast.
  const base = Math.min(max, initial * factor ** Math.min(exponent, 64));
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(max, base + spread)));
}
