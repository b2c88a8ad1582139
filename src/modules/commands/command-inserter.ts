import type { Insertable, Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import type { Database } from '../../store/schema.ts';
import type { CommandTable } from '../../store/schema-commands.ts';

interface Waiting {
  row: Insertable<CommandTable>;
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
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  insert(row: Insertable<CommandTable>): Promise<boolean> {
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
        const inserted = await this.db
          .insertInto('ocpi_commands')
          .values(unique.map((w) => w.row))
          .onConflict((oc) =>
            oc
              .columns(['direction', 'partner_id', 'command', 'response_url'])
              // Reusing a response_url after the earlier command's timeout starts a new command.
              .doUpdateSet((eb) => ({
                id: eb.ref('excluded.id'),
                request: eb.ref('excluded.request'),
                status: eb.ref('excluded.status'),
                result: eb.ref('excluded.result'),
                deadline: eb.ref('excluded.deadline'),
              }))
              .where('ocpi_commands.deadline', '<', new Date(this.clock.now())),
          )
          .returning('id')
          .execute();
        const ids = new Set(inserted.map((r) => r.id));
        for (const w of unique) w.resolve(ids.has(w.row.id));
      } catch (err) {
        for (const w of unique) w.reject(err);
      }
    }
    this.running = false;
  }
}
