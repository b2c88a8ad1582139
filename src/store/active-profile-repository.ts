import type { Kysely } from 'kysely';
import type { ActiveChargingProfile } from '../model/v230/chargingprofiles.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** Whose session: the partner that brought the pushes, and the CPO party ('CC*PID') of the session. */
export interface SessionOwner {
  partnerId: string;
  party: string;
}

/** All access to `ocpi_active_profiles`: the latest active profile per partner, CPO party and session. */
export class ActiveProfileRepository {
  constructor(private readonly db: Db) {}

  /** Keeps `profile` as the session's latest, replacing the one before. */
  async put(
    owner: SessionOwner,
    sessionId: string,
    profile: ActiveChargingProfile,
    now: Date,
  ): Promise<void> {
    const fields = { profile: JSON.stringify(profile), received_at: now };
    await this.db
      .insertInto('ocpi_active_profiles')
      .values({ partner_id: owner.partnerId, party: owner.party, session_id: sessionId, ...fields })
      .onConflict((oc) => oc.columns(['partner_id', 'party', 'session_id']).doUpdateSet(fields))
      .execute();
  }

  /** The latest profile pushed through a partner for a session id, whichever party's (a hub's). */
  async latest(partnerId: string, sessionId: string): Promise<ActiveChargingProfile | undefined> {
    const row = await this.db
      .selectFrom('ocpi_active_profiles')
      .select('profile')
      .where('partner_id', '=', partnerId)
      .where('session_id', '=', sessionId)
      .orderBy('received_at', 'desc')
      .executeTakeFirst();
    return row?.profile;
  }

  /** The latest profile the partner pushed for the session of its party, if any. */
  async get(owner: SessionOwner, sessionId: string): Promise<ActiveChargingProfile | undefined> {
    const row = await this.db
      .selectFrom('ocpi_active_profiles')
      .select('profile')
      .where('partner_id', '=', owner.partnerId)
      .where('party', '=', owner.party)
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return row?.profile;
  }
}
