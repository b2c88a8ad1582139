import type { ColumnType, Generated } from 'kysely';

/** An OCPP transaction of one of our chargers, and the OCPI session it is (migration 015). */
export interface OcppTransactionTable {
  /** The OCPP 1.6 transactionId we gave the charger. */
  transaction_id: Generated<number>;
  /** The OCPI session id made for it: unique and stable, unlike the charger's numbers. */
  session_id: string;
  charger_id: string;
  connector_id: number;
  /** The start time the charger reported (with charger and connector, what a retry repeats). */
  started_at: ColumnType<Date, Date, Date>;
  id_tag: string;
  /** Wh, the energy register at the start; null until a 2.0.1 transaction reports one. */
  meter_start: ColumnType<string | null, number | null, number | null>;
  location_id: string;
  evse_uid: string;
  /** The START_SESSION that caused it, if it was remote. */
  command_id: string | null;
  /** The CdrToken of a locally started transaction (JSON text); null for remote starts. */
  token: string | null;
  /** Whether its idTag was Accepted: only those are OCPI Sessions. */
  accepted: boolean;
  stopped_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** The transactionId an OCPP 2.0.1 charger gave it (migration 016); null on 1.6. */
  ocpp_transaction_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Wh, the latest energy register a 2.0.1 charger reported for it (migration 016). */
  meter_last: ColumnType<string | null, number | null | undefined, number | null>;
  /** The connector (1, 2, …) of the EVSE a 2.0.1 transaction runs on (migration 016). */
  evse_connector: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A short idTag standing for a token uid over OCPP 1.6's 20 characters. */
export interface OcppIdTagTable {
  id_tag: string;
  token_uid: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** A RemoteStartTransaction sent whose StartTransaction has not come yet. */
export interface OcppRemoteStartTable {
  command_id: string;
  charger_id: string;
  connector_id: number | null;
  id_tag: string;
  sent_at: Date;
  /** The OCPP 2.0.1 remoteStartId sent for it (migration 016). */
  remote_start_id: Generated<number>;
}

/** A TransactionEvent of an OCPP 2.0.1 charger handled already (migration 016). */
export interface OcppTransactionEventTable {
  charger_id: string;
  ocpp_transaction_id: string;
  seq_no: number;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** The integer reservationId OCPP 1.6 wants for a charger reservation id (a UUID). */
export interface OcppReservationTable {
  reservation_id: Generated<number>;
  charger_reservation_id: string;
  created_at: ColumnType<Date, Date | undefined, never>;
  /** The charger and connector (0: any) of the ReserveNow it accepted (migration 016). */
  charger_id: ColumnType<string | null, string | undefined, string | null>;
  connector_id: ColumnType<number | null, number | undefined, number | null>;
  expires_at: ColumnType<Date | null, Date | undefined, Date | null>;
  /** Whether the charger holds it (accepted, not yet ended). */
  held: ColumnType<boolean, boolean | undefined, boolean>;
  /** Whether its connector was reported Reserved since. */
  seen_reserved: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface OcppTables {
  ocpi_ocpp_transactions: OcppTransactionTable;
  ocpi_ocpp_id_tags: OcppIdTagTable;
  ocpi_ocpp_remote_starts: OcppRemoteStartTable;
  ocpi_ocpp_reservations: OcppReservationTable;
  ocpi_ocpp_transaction_events: OcppTransactionEventTable;
}
