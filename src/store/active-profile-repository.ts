import type { Kysely } from 'kysely';
import type { ActiveChargingProfile } from '../model/v230/chargingprofiles.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** All access to `ocpi_active_profiles`: the latest active profile per partner and session. */
export class ActiveProfileRepository {
  constructor(private readonly db: Db) {}

  /** Keeps `profile` as the session's latest, replacing the one before. */
  async put(partnerId: string, sessionId: string, profile: ActiveChargingProfile, now: Date): Promise<void> {
    const fields = { profile: JSON.stringify(profile), received_at: now };
    await this.db
      .insertInto('ocpi_active_profiles')
      .values({ partner_id: partnerId, session_id: sessionId, ...fields })
      .onConflict((oc) => oc.columns(['partner_id', 'session_id']).doUpdateSet(fields))
      .execute();
  }

  /** The latest profile the partner pushed for the session, if any. */
  async get(partnerId: string, sessionId: string): Promise<ActiveChargingProfile | undefined> {
    const row = await this.db
      .selectFrom('ocpi_active_profiles')
      .select('profile')
      .where('partner_id', '=', partnerId)
      .where('session_id', '=', sessionId)
      .executeTakeFirst();
    return row?.profile;
  }
}
