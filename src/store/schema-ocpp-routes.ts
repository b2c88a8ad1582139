import type { ColumnType } from 'kysely';

/** Which instance holds a charger's connection, until when (migration 016). */
export interface OcppConnectionTable {
  charger_id: string;
  instance_id: string;
  lease_until: Date;
}

/** An OCPP call for the instance that holds the charger (migration 016). */
export interface OcppCallTable {
  call_id: string;
  /** The instance that holds the charger: the one to send it. */
  instance_id: string;
  charger_id: string;
  action: string;
  /** The call's payload, JSON text. */
  params: string;
  created_at: ColumnType<Date, Date, never>;
  /** When the holder took it; null while nobody did. */
  claimed_at: Date | null;
  /** The CallOutcome, JSON text; null until the holder has it. */
  outcome: string | null;
}

export interface OcppRouteTables {
  ocpi_ocpp_connections: OcppConnectionTable;
  ocpi_ocpp_calls: OcppCallTable;
}
