/**
 * A round trip that many callers share, each getting one that started after its call: the
 * callers that come while one is on the way all wait for the next one, which starts when
 * the current one is back. Under load that is one round trip per round-trip time, whatever
 * the number of callers. A failed round trip fails its callers only.
 */
export class SharedRoundTrip<T = boolean> {
  private current: Promise<T> | undefined;
  private next: Promise<T> | undefined;

  constructor(private readonly go: () => Promise<T>) {}

  /** A round trip started after this call. */
  after(): Promise<T> {
    if (this.next) return this.next;
    if (!this.current) return this.start();
    const startNext = () => {
      this.next = undefined;
      return this.start();
    };
    const next = this.current.then(startNext, startNext);
    this.next = next;
    return next;
  }

  private start(): Promise<T> {
    const trip: Promise<T> = this.go().finally(() => {
      if (this.current === trip) this.current = undefined;
    });
    this.current = trip;
    return trip;
  }
}
