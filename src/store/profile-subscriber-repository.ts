import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ProfileSubscriberTable } from './schema-profiles.ts';

export type ProfileSubscriber = Pick<
  Selectable<ProfileSubscriberTable>,
  'partner_id' | 'country_code' | 'party_id'
>;

type Db = Kysely<Database>;

/** All access to `ocpi_profile_subscribers`: who hears of a session's active profile. */
export class ProfileSubscriberRepository {
  constructor(private readonly db: Db) {}

  /** Records (again) that a partner set a profile on a session, for a party. */
  async add(sessionId: string, subscriber: ProfileSubscriber, db: Db = this.db): Promise<void> {
    await db
      .insertInto('ocpi_profile_subscribers')
      .values({ session_id: sessionId, ...subscriber })
      .onConflict((oc) =>
        oc.columns(['session_id', 'partner_id']).doUpdateSet({
          country_code: subscriber.country_code,
          party_id: subscriber.party_id,
        }),
      )
      .execute();
  }

  list(sessionId: string): Promise<ProfileSubscriber[]> {
    return this.db
      .selectFrom('ocpi_profile_subscribers')
      .select(['partner_id', 'country_code', 'party_id'])
      .where('session_id', '=', sessionId)
      .orderBy('created_at')
      .orderBy('partner_id')
      .execute();
  }

  /** Forgets a session's subscribers (it is over). */
  async remove(sessionId: string): Promise<void> {
    await this.db.deleteFrom('ocpi_profile_subscribers').where('session_id', '=', sessionId).execute();
  }
}
