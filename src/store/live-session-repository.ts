import type { Kysely } from 'kysely';
import type { Session } from '../model/v230/sessions.ts';
import type { MeterSample } from '../pricing/types.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/**
 * All access to `ocpi_live_sessions` and `ocpi_session_samples`: the charging sessions
 * between their start and their stop, and their meter readings. Both hold JSON this
 * repository wrote, so it is read back as the type it was written as. Methods that take
 * `db` run in the caller's transaction.
 */
export class LiveSessionRepository {
  constructor(private readonly db: Db) {}

  /** Keeps a session as started; false when one with its id is in progress already. */
  async start(sessionId: string, session: Session, db: Db = this.db): Promise<boolean> {
    const inserted = await db
      .insertInto('ocpi_live_sessions')
      .values({ session_id: sessionId, session: JSON.stringify(session) })
      .onConflict((oc) => oc.column('session_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The Session as it started, if it is still in progress. */
  async find(sessionId: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('ocpi_live_sessions')
      .select('session')
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    // Written by start() from a Session: read back as one.
    return row ? (JSON.parse(row.session) as Session) : undefined;
  }

  /** Ends a session in progress (its samples go with it); false when it was not in progress. */
  async end(sessionId: string, db: Db = this.db): Promise<boolean> {
    const ended = await db
      .deleteFrom('ocpi_live_sessions')
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return Number(ended.numDeletedRows) > 0;
  }

  async addSample(sessionId: string, sample: MeterSample, db: Db = this.db): Promise<void> {
    await db
      .insertInto('ocpi_session_samples')
      .values({ session_id: sessionId, sample: JSON.stringify(sample) })
      .execute();
  }

  /** A session's meter readings, in arrival order. */
  async samples(sessionId: string): Promise<MeterSample[]> {
    const rows = await this.db
      .selectFrom('ocpi_session_samples')
      .select('sample')
      .where('session_id', '=', sessionId)
      .orderBy('seq')
      .execute();
    // Written by addSample() from a MeterSample: read back as one.
    return rows.map((r) => JSON.parse(r.sample) as MeterSample);
  }
}
