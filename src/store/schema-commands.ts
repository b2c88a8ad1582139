import type { ColumnType } from 'kysely';
import type { OcpiVersion } from '../model/versions.ts';

/** A command we received (as CPO) or sent (as eMSP), until its result is known. */
export interface CommandTable {
  id: string;
  direction: 'received' | 'sent';
  partner_id: string;
  version: OcpiVersion;
  command: string;
  /** The request in canonical (2.3.0) shape, as JSON text (written on every command, read rarely). */
  request: string;
  response_url: string;
  status: 'pending' | 'done' | 'timed_out';
  /** CommandResultType once known (or the CommandResponse result when it was not ACCEPTED). */
  result: string | null;
  /** Received: when TIMEOUT is sent. Sent: when we stop waiting. */
  deadline: ColumnType<Date, Date, Date>;
  created_at: ColumnType<Date, Date | undefined, never>;
  /**
   * The party at the other end ('CC*PID'): received, the party that asked (behind a hub, not
   * the hub), where the CommandResult is addressed; sent, the CPO party. Null before 010.
   */
  party: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Reservations by the eMSP's id, mapped to an id unique across eMSPs for the charger. */
export interface ReservationTable {
  partner_id: string;
  /** The eMSP party that made it ('CC*PID'; through a hub, the party behind it). */
  party: ColumnType<string, string | undefined, string>;
  reservation_id: string;
  charger_reservation_id: string;
  location_id: string;
  evse_uid: string | null;
  /** The RESERVE_NOW's response_url: where a CPO-initiated cancellation goes. */
  response_url: string;
  version: OcpiVersion;
  status: 'active' | 'cancelled';
  expiry_date: ColumnType<Date, Date, Date>;
}

export interface CommandTables {
  ocpi_commands: CommandTable;
  ocpi_reservations: ReservationTable;
}
