import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** What the console's overview counts, in one read of each table. */
export interface OverviewCounts {
  partners: { registered: number; pending: number };
  locations: number;
  /** Our EVSEs by status. */
  evses: Record<string, number>;
  /** Sessions whose status is ACTIVE: ours and those partners pushed to us. */
  liveSessions: number;
}

const count = (n: string | number | bigint) => Number(n);

export async function overviewCounts(db: Kysely<Database>): Promise<OverviewCounts> {
  const partners = await db
    .selectFrom('ocpi_partners')
    .select((eb) => ['status', eb.fn.countAll<string | number>().as('n')])
    .groupBy('status')
    .execute();
  const locations = await db
    .selectFrom('ocpi_objects')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('module', '=', 'locations')
    .where('owner', '=', 'own')
    .executeTakeFirstOrThrow();
  const evses = await sql<{ status: string | null; n: string | number }>`
    select e.value->>'status' as status, count(*) as n
    from ocpi_objects o, jsonb_array_elements(coalesce(o.data->'evses', '[]'::jsonb)) e
    where o.module = 'locations' and o.owner = 'own'
    group by 1`.execute(db);
  const sessions = await db
    .selectFrom('ocpi_objects')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('module', '=', 'sessions')
    .where(sql`data->>'status'`, '=', 'ACTIVE')
    .executeTakeFirstOrThrow();
  const byStatus = new Map(partners.map((p) => [p.status, count(p.n)]));
  return {
    partners: { registered: byStatus.get('registered') ?? 0, pending: byStatus.get('pending') ?? 0 },
    locations: count(locations.n),
    evses: Object.fromEntries(evses.rows.map((r) => [r.status ?? 'UNKNOWN', count(r.n)])),
    liveSessions: count(sessions.n),
  };
}

/**
 * A short text that changes whenever a partner is added, removed or changed: the console's
 * live stream compares it to say "the partners changed" without sending them.
 */
export async function partnersFingerprint(db: Kysely<Database>): Promise<string> {
  const rows = await db
    .selectFrom('ocpi_partners')
    .select(['id', 'status', 'version', 'updated_at'])
    .orderBy('id')
    .execute();
  return rows.map((r) => `${r.id}:${r.status}:${r.version}:${new Date(r.updated_at).getTime()}`).join('|');
}
