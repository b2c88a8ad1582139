import type { ColumnType } from 'kysely';
import type { ActiveChargingProfile } from '../model/v230/chargingprofiles.ts';

/** The latest ActiveChargingProfile a CPO partner pushed for a session of its own. */
export interface ActiveProfileTable {
  partner_id: string;
  /** The CPO party whose session it is ('CC*PID'; through a hub, the party behind it). */
  party: string;
  /** The session id as the CPO gave it in the URL. */
  session_id: string;
  /** Written as the JSON of a validated ActiveChargingProfile (canonical 2.3.0 shape). */
  profile: ColumnType<ActiveChargingProfile, string, string>;
  received_at: ColumnType<Date, Date, Date>;
}

/**
 * A partner that successfully set a charging profile on one of our sessions, and the party
 * it did it for: it gets that session's ActiveChargingProfile updates, and only it may.
 */
export interface ProfileSubscriberTable {
  session_id: string;
  partner_id: string;
  /** Upper case, as every stored party key. */
  country_code: string;
  party_id: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface ProfileTables {
  ocpi_active_profiles: ActiveProfileTable;
  ocpi_profile_subscribers: ProfileSubscriberTable;
}
