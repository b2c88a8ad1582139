import type { ColumnType } from 'kysely';

/**
 * An OCPP charger bound to one of our Locations (the OCPP bridge): who may connect to
 * `/ocpp/<id>`, which EVSEs its connectors are, and what we last heard of it.
 */
export interface ChargerTable {
  /** The charger's OCPP identity: the last segment of its URL and its HTTP Basic user. */
  id: string;
  /** `<salt>:<sha-256 of salt and password>`, hex; the password is never stored in clear. */
  password_hash: string;
  /** The owner of the Location, upper case: one of our CPO parties. */
  country_code: string;
  party_id: string;
  location_id: string;
  /**
   * Connector number (OCPP 1.6 connectorId, 2.0.1 evseId) to EVSE uid, where the operator
   * set one; other numbers are the n-th EVSE of the Location.
   */
  evses: ColumnType<Record<string, string>, string, string>;
  /** The OCPP version of its last connection ('1.6', '2.0.1'); null before it first connected. */
  ocpp_version: string | null;
  last_heartbeat: Date | null;
  online: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface ChargerTables {
  ocpi_chargers: ChargerTable;
}
