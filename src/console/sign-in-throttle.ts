import type { Clock } from '../clock.ts';
import { OcpiError } from '../transport/errors.ts';
import { OcpiStatus } from '../transport/status-codes.ts';

const WINDOW_MS = 60_000;
/** Wrong tokens one address may try per minute. */
const LIMIT = 10;
/** Addresses remembered at most: a flood of them cannot fill the memory. */
const MAX_ADDRESSES = 1000;

/**
 * Slows guessing the admin token through the sign-in form: past ten wrong tokens in a
 * minute from one address, its sign-ins are refused (HTTP 429) until the minute has passed.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Refuses an address that guessed wrong too often lately. */
  check(address: string): void {
    if (this.recent(address).length >= LIMIT)
      throw new OcpiError(
        OcpiStatus.CLIENT_ERROR,
        'too many wrong admin tokens: wait a minute and try again',
        {
          httpStatus: 429,
        },
      );
  }

  failed(address: string): void {
    if (!this.failures.has(address) && this.failures.size >= MAX_ADDRESSES) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(address, [...this.recent(address), this.clock.now()]);
  }

  private recent(address: string): number[] {
    const since = this.clock.now() - WINDOW_MS;
    const recent = (this.failures.get(address) ?? []).filter((at) => at > since);
    if (recent.length === 0) this.failures.delete(address);
    return recent;
  }
}
