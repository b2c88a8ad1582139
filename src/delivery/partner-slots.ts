import { type BackoffOptions, backoffDelay } from './backoff.ts';

/**
 * What each partner may have of the worker: at most `perPartner` deliveries in flight, and
 * nothing at all for a while when it does not answer, so that one partner that hangs or is
 * down cannot take every slot.
 */
export class PartnerSlots {
  /** Deliveries in flight per partner. */
  private readonly inFlight = new Map<string, number>();
  /** Partners that did not answer at all, left alone until the given time. */
  private readonly paused = new Map<string, number>();
  /** Rounds of attempts in a row a partner did not answer. */
  private readonly unreachable = new Map<string, number>();

  constructor(
    private readonly perPartner: number,
    private readonly backoff: BackoffOptions,
    private readonly random: () => number,
  ) {}

  hasRoom(partnerId: string): boolean {
    return (this.inFlight.get(partnerId) ?? 0) < this.perPartner;
  }

  take(partnerId: string): void {
    this.inFlight.set(partnerId, (this.inFlight.get(partnerId) ?? 0) + 1);
  }

  release(partnerId: string): void {
    const left = (this.inFlight.get(partnerId) ?? 1) - 1;
    if (left > 0) this.inFlight.set(partnerId, left);
    else this.inFlight.delete(partnerId);
  }

  /**
   * Partners to leave out of a claim at `now`: the paused ones, and those with more than
   * half their slots in flight. As for the worker's slots, a partner's are refilled in
   * batches: a partner with a backlog is not claimed for (and its surplus given back) at
   * every delivery that ends.
   */
  skipped(now: number): string[] {
    for (const [id, until] of this.paused) if (until <= now) this.paused.delete(id);
    const busy = [...this.inFlight].filter(([, n]) => n > this.perPartner / 2).map(([id]) => id);
    return [...this.paused.keys(), ...busy];
  }

  /** The partner answered (whatever it said): it is reachable again. */
  answered(partnerId: string): void {
    this.unreachable.delete(partnerId);
  }

  /**
   * Does not spend every slot on a partner that does not answer at all: its messages are
   * not claimed (and count no attempts) until this one's retry, or longer when it keeps
   * not answering (the same backoff, per partner). Returns the end of a new pause, or
   * undefined for a failure of the round that paused it already.
   */
  pause(partnerId: string, now: number, retryAt: number): number | undefined {
    const current = this.paused.get(partnerId);
    if (current !== undefined && current > now) return undefined;
    const strikes = (this.unreachable.get(partnerId) ?? 0) + 1;
    this.unreachable.set(partnerId, strikes);
    const until = Math.max(retryAt, now + backoffDelay(strikes, this.backoff, this.random));
    this.paused.set(partnerId, until);
    return until;
  }
}
