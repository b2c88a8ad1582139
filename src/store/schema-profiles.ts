import type { ColumnType } from 'kysely';

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
  ocpi_profile_subscribers: ProfileSubscriberTable;
}
