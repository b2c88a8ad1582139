import type { ColumnType } from 'kysely';
import type { ActiveChargingProfile } from '../model/v230/chargingprofiles.ts';

/** The latest ActiveChargingProfile a CPO partner pushed for a session of its own. */
export interface ActiveProfileTable {
  partner_id: string;
  /** The session id as the CPO gave it in the URL. */
  session_id: string;
  /** Written as the JSON of a validated ActiveChargingProfile (canonical 2.3.0 shape). */
  profile: ColumnType<ActiveChargingProfile, string, string>;
  received_at: ColumnType<Date, Date, Date>;
}

export interface ProfileTables {
  ocpi_active_profiles: ActiveProfileTable;
}
