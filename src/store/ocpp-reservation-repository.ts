import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

/** A reservation a charger holds, as the StatusNotification watch reads it. */
export interface HeldReservation {
  chargerReservationId: string;
  expiresAt: Date;
  seenReserved: boolean;
}

/** What chargers hold of our reservations (ocpi_ocpp_reservations, migration 016). */
export class OcppReservationRepository {
  constructor(private readonly db: Db) {}

  /** The charger accepted the ReserveNow of `reservationId` (the integer) on `connectorId`. */
  async held(reservationId: number, chargerId: string, connectorId: number, expiresAt: Date): Promise<void> {
    await this.db
      .updateTable('ocpi_ocpp_reservations')
      .set({
        charger_id: chargerId,
        connector_id: connectorId,
        expires_at: expiresAt,
        held: true,
        seen_reserved: false,
      })
      .where('reservation_id', '=', reservationId)
      .execute();
  }

  /** The charger no longer holds it (cancelled by us, or used). */
  async ended(reservationId: number): Promise<void> {
    await this.db
      .updateTable('ocpi_ocpp_reservations')
      .set({ held: false })
      .where('reservation_id', '=', reservationId)
      .execute();
  }

  /** The connector reports Reserved: its held reservations were seen. */
  async seen(chargerId: string, connectorId: number): Promise<void> {
    await this.db
      .updateTable('ocpi_ocpp_reservations')
      .set({ seen_reserved: true })
      .where('charger_id', '=', chargerId)
      .where('connector_id', '=', connectorId)
      .where('held', '=', true)
      .execute();
  }

  /** Ends the held reservations of a connector seen Reserved, and gives them (each is ended once). */
  async endAll(chargerId: string, connectorId: number): Promise<HeldReservation[]> {
    const rows = await this.db
      .updateTable('ocpi_ocpp_reservations')
      .set({ held: false })
      .where('charger_id', '=', chargerId)
      .where('connector_id', '=', connectorId)
      .where('held', '=', true)
      .where('seen_reserved', '=', true)
      .returning(['charger_reservation_id', 'expires_at', 'seen_reserved'])
      .execute();
    return rows.map((r) => ({
      chargerReservationId: r.charger_reservation_id,
      expiresAt: r.expires_at ?? new Date(0),
      seenReserved: r.seen_reserved,
    }));
  }
}
