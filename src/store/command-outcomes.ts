import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** How many commands (and ChargingProfile requests, kept beside them) ended how. */
export interface CommandOutcomeCount {
  direction: 'received' | 'sent';
  /** The command, or SET_CHARGING_PROFILE, GET_ACTIVE_CHARGING_PROFILE, CLEAR_PROFILE. */
  command: string;
  /** The result once known; else the row's status (pending, timed_out). */
  outcome: string;
  count: number;
}

/** One grouped query over the commands table, for metrics. */
export async function commandOutcomes(db: Kysely<Database>): Promise<CommandOutcomeCount[]> {
  const rows = await db
    .selectFrom('ocpi_commands')
    .select((eb) => [
      'direction',
      'command',
      eb.fn.coalesce('result', 'status').as('outcome'),
      eb.fn.countAll<string | number>().as('n'),
    ])
    .groupBy(['direction', 'command', 'outcome'])
    .execute();
  return rows.map((r) => ({
    direction: r.direction,
    command: r.command,
    outcome: r.outcome,
    count: Number(r.n),
  }));
}
