import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { complete, completeMany, type OutboxRow } from './outbox.ts';

/**
 * Removes delivered rows in groups: the rows delivered while one removal commits go
 * together in the next one (group commit).
 */
export class Completions {
  private waiting: Array<{ row: OutboxRow; resolve: () => void; reject: (err: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly batchSize: number,
  ) {}

  /** Removes a delivered row, batched with the others delivered meanwhile. */
  complete(row: OutboxRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      // After the I/O callbacks of this loop turn: replies that arrived together are removed together.
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.batchSize);
        let busy: OutboxRow[];
        try {
          busy = await completeMany(
            this.db,
            batch.map((b) => b.row),
          );
        } catch (err) {
          for (const b of batch) b.reject(err);
          continue;
        }
        for (const b of batch) {
          if (!busy.includes(b.row)) {
            b.resolve();
            continue;
          }
          try {
            await complete(this.db, b.row);
            b.resolve();
          } catch (err) {
            b.reject(err);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
