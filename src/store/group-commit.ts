interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** Writes a batch in one statement (or one transaction); a result per item, in their order. */
export type BatchWrite<I, R> = (items: readonly I[]) => Promise<R[]>;

/**
 * Group commit: the items handed in while a write runs go together in the next one, so that
 * under load one statement and one commit (one fsync on PostgreSQL, one trip through the
 * embedded engine on PGlite) serve many requests, and a lone request waits for no one. At
 * most `concurrency` writes run at a time (default one: each write then sees the ones before
 * it committed); each caller is answered when the write holding its item committed.
 *
 * A batch the store refuses is written again item by item: an item it cannot take fails
 * alone, and the others of its batch are written (the refused batch left nothing behind).
 */
export class GroupCommit<I, R> {
  private queue: Array<Waiting<I, R>> = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly write: BatchWrite<I, R>,
    private readonly maxBatch = 500,
    private readonly concurrency = 1,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // Wait for the rest of this event-loop turn: the requests parsed in it join the batch.
      if (this.running < this.concurrency && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Starts writes of what is queued while fewer than `concurrency` run; each starts the next when done. */
  private flush(): void {
    while (this.queue.length > 0 && this.running < this.concurrency) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.running++;
      void this.settle(batch).finally(() => {
        this.running--;
        this.flush();
      });
    }
  }

  private async settle(batch: Array<Waiting<I, R>>): Promise<void> {
    let results: R[];
    try {
      results = await this.write(batch.map((w) => w.item));
      if (results.length !== batch.length)
        throw new Error(`a batch write gave ${results.length} results for ${batch.length} items`);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      await Promise.all(batch.map((w) => this.settle([w])));
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
  }
}
