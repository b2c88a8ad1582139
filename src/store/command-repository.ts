import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from './schema.ts';
import type { CommandTable } from './schema-commands.ts';

export type CommandRow = Selectable<CommandTable>;
export type NewCommand = Insertable<CommandTable>;
export type CommandStatus = CommandTable['status'];
export type CommandDirection = CommandTable['direction'];

/** What the admin API shows of a command we sent. */
export type SentCommandSummary = Pick<
  CommandRow,
  'id' | 'command' | 'status' | 'result' | 'partner_id' | 'created_at'
>;

type Db = Kysely<Database>;

/**
 * All access to `ocpi_commands`: the commands we received as CPO (until their result is
 * sent) and those we sent as eMSP (until their result came). Methods that take `db` run
 * in the caller's transaction when given one.
 */
export class CommandRepository {
  constructor(private readonly db: Db) {}

  /**
   * Inserts received commands in one statement and gives the ids inserted. A row whose
   * response_url the same partner used for the same command is inserted only when the
   * earlier command's deadline passed before `now` (it then replaces the earlier one).
   */
  async insertUnlessLive(rows: NewCommand[], now: Date): Promise<Set<string>> {
    const inserted = await this.db
      .insertInto('ocpi_commands')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['direction', 'partner_id', 'command', 'response_url'])
          .doUpdateSet((eb) => ({
            id: eb.ref('excluded.id'),
            version: eb.ref('excluded.version'),
            party: eb.ref('excluded.party'),
            request: eb.ref('excluded.request'),
            status: eb.ref('excluded.status'),
            result: eb.ref('excluded.result'),
            deadline: eb.ref('excluded.deadline'),
          }))
          .where('ocpi_commands.deadline', '<', now),
      )
      .returning('id')
      .execute();
    return new Set(inserted.map((r) => r.id));
  }

  async insert(row: NewCommand): Promise<void> {
    await this.db.insertInto('ocpi_commands').values(row).execute();
  }

  find(id: string, direction?: CommandDirection): Promise<CommandRow | undefined> {
    let query = this.db.selectFrom('ocpi_commands').selectAll().where('id', '=', id);
    if (direction) query = query.where('direction', '=', direction);
    return query.executeTakeFirst();
  }

  /** Several commands by id, in one statement. */
  async findMany(ids: readonly string[]): Promise<Map<string, CommandRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('ocpi_commands').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  sentSummary(id: string): Promise<SentCommandSummary | undefined> {
    return this.db
      .selectFrom('ocpi_commands')
      .select(['id', 'command', 'status', 'result', 'partner_id', 'created_at'])
      .where('id', '=', id)
      .where('direction', '=', 'sent')
      .executeTakeFirst();
  }

  /** The request of a command as it was stored (canonical shape), parsed; undefined when unknown. */
  async request(id: string): Promise<unknown> {
    const row = await this.db
      .selectFrom('ocpi_commands')
      .select('request')
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? JSON.parse(row.request) : undefined;
  }

  /** Moves a pending command to `status` with its result, once: false when it was not pending. */
  async settle(id: string, status: CommandStatus, result: string, db: Db = this.db): Promise<boolean> {
    const updated = await db
      .updateTable('ocpi_commands')
      .set({ status, result })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  /**
   * settle() of several commands in one statement (each id at most once): the ids that were
   * pending and are now settled.
   */
  async settleMany(
    settles: ReadonlyArray<{ id: string; status: CommandStatus; result: string }>,
    db: Db = this.db,
  ): Promise<Set<string>> {
    if (settles.length === 0) return new Set();
    const values = sql.join(settles.map((s) => sql`(${s.id}::text, ${s.status}::text, ${s.result}::text)`));
    const { rows } = await sql<{ id: string }>`
      update ocpi_commands c set status = v.status, result = v.result
      from (values ${values}) v(id, status, result)
      where c.id = v.id and c.status = 'pending'
      returning c.id`.execute(db);
    return new Set(rows.map((r) => r.id));
  }

  /** Changes a command whatever its status. */
  async update(
    id: string,
    fields: { status?: CommandStatus; result?: string; deadline?: Date },
  ): Promise<void> {
    await this.db.updateTable('ocpi_commands').set(fields).where('id', '=', id).execute();
  }

  /**
   * Received requests of these names (commands, or charging profile requests) still waiting
   * for the charger, with when their deadline is due.
   */
  pendingReceived(names: readonly string[]): Promise<Array<Pick<CommandRow, 'id' | 'deadline'>>> {
    if (names.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('ocpi_commands')
      .select(['id', 'deadline'])
      .where('direction', '=', 'received')
      .where('status', '=', 'pending')
      .where('command', 'in', names)
      .execute();
  }
}
