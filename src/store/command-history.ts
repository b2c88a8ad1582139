import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A command as the console lists it: newest first, both directions. */
export interface CommandEntry {
  id: string;
  direction: 'received' | 'sent';
  partnerId: string;
  party?: string;
  command: string;
  status: 'pending' | 'done' | 'timed_out';
  result?: string;
  createdAt: Date;
  request: unknown;
}

/** The latest commands of the names given (not ChargingProfile requests, which share the table), a page at a time. */
export async function recentCommands(
  db: Kysely<Database>,
  names: readonly string[],
  page: { offset: number; limit: number },
): Promise<{ total: number; items: CommandEntry[] }> {
  const total = await db
    .selectFrom('ocpi_commands')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('command', 'in', names)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('ocpi_commands')
    .select([
      'id',
      'direction',
      'partner_id',
      'party',
      'command',
      'status',
      'result',
      'created_at',
      'request',
    ])
    .where('command', 'in', names)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: r.id,
      direction: r.direction,
      partnerId: r.partner_id,
      ...(r.party ? { party: r.party } : {}),
      command: r.command,
      status: r.status,
      ...(r.result ? { result: r.result } : {}),
      createdAt: new Date(r.created_at),
      request: JSON.parse(r.request),
    })),
  };
}
