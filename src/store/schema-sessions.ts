import type { ColumnType, Generated } from 'kysely';

/** A charging session between its start and its stop, as the session tracker began it. */
export interface LiveSessionTable {
  /** The charger's id of the session, which is also the OCPI session id. */
  session_id: string;
  /** The Session as started (canonical shape), JSON text. */
  session: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** Meter readings of a live session, in arrival order: what its CDR is priced from. */
export interface SessionSampleTable {
  seq: Generated<string>;
  session_id: string;
  /** A MeterSample, JSON text. */
  sample: string;
}

export interface LiveSessionTables {
  ocpi_live_sessions: LiveSessionTable;
  ocpi_session_samples: SessionSampleTable;
}
