import type { Clock } from '../../clock.ts';
import type { CommandRepository, NewCommand } from '../../store/command-repository.ts';
import { GroupCommit } from '../../store/group-commit.ts';

/**
 * Inserts received commands in groups (group commit): under load that turns N round trips
 * and commits into one, which keeps the CommandResponse fast on either store. A row whose
 * response_url was already used within its timeout is not inserted (resolves false): the
 * command is a duplicate and must not run twice.
 */
export class CommandInserter {
  private readonly batches: GroupCommit<NewCommand, boolean>;

  constructor(commands: CommandRepository, clock: Clock) {
    this.batches = new GroupCommit(async (rows) => {
      // Two commands with the same response_url in one batch: only the first counts.
      const seen = new Set<string>();
      const firsts = rows.map((row) => {
        const key = `${row.partner_id}|${row.command}|${row.response_url}`;
        const first = !seen.has(key);
        seen.add(key);
        return first;
      });
      // Reusing a response_url after the earlier command's timeout starts a new command.
      const ids = await commands.insertUnlessLive(
        rows.filter((_, i) => firsts[i]),
        new Date(clock.now()),
      );
      return rows.map((row, i) => firsts[i] === true && ids.has(row.id));
    });
  }

  insert(row: NewCommand): Promise<boolean> {
    return this.batches.add(row);
  }
}
