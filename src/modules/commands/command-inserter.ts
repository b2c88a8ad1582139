import type { Clock } from '../../clock.ts';
import type { CommandRepository, NewCommand } from '../../store/command-repository.ts';

interface Waiting {
  row: NewCommand;
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Inserts received commands in groups: the commands that arrive while one insert runs
 * go together in the next one (group commit). Under load that turns N round trips into
 * one, which keeps the CommandResponse fast on a single-connection embedded store.
 * A row whose response_url was already used within its timeout is not inserted
 * (resolves false): the command is a duplicate and must not run twice.
 */
export class CommandInserter {
  private queue: Waiting[] = [];
  private running = false;
  private scheduled = false;

  constructor(
    private readonly commands: CommandRepository,
    private readonly clock: Clock,
  ) {}

  insert(row: NewCommand): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      // Wait for the rest of this event-loop turn: requests parsed in it join the batch.
      if (!this.running && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      // Two commands with the same response_url in one batch: only the first counts.
      const seen = new Set<string>();
      const unique = batch.filter((w) => {
        const key = `${w.row.partner_id}|${w.row.command}|${w.row.response_url}`;
        if (seen.has(key)) {
          w.resolve(false);
          return false;
        }
        seen.add(key);
        return true;
      });
      try {
        // Reusing a response_url after the earlier command's timeout starts a new command.
        const ids = await this.commands.insertUnlessLive(
          unique.map((w) => w.row),
          new Date(this.clock.now()),
        );
        for (const w of unique) w.resolve(ids.has(w.row.id));
      } catch (err) {
        for (const w of unique) w.reject(err);
      }
    }
    this.running = false;
  }
}
