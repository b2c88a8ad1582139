import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ReservationTable } from './schema-commands.ts';

export type ReservationRow = Selectable<ReservationTable>;

/** What a RESERVE_NOW sets of a reservation (its ids aside). */
export type ReservationFields = Pick<
  ReservationRow,
  'location_id' | 'evse_uid' | 'response_url' | 'version' | 'status' | 'expiry_date'
>;

type Db = Kysely<Database>;

/** Whose reservation ids these are: a partner's, and its party that made them. */
export interface ReservationOwner {
  partnerId: string;
  /** 'CC*PID' (through a hub, the party behind it). */
  party: string;
}

/**
 * All access to `ocpi_reservations`: reservations by the eMSP's id, mapped to an id unique
 * across eMSPs for the charger. Methods that take `db` run in the caller's transaction.
 */
export class ReservationRepository {
  constructor(private readonly db: Db) {}

  find(
    owner: ReservationOwner,
    reservationId: string,
    db: Db = this.db,
  ): Promise<ReservationRow | undefined> {
    return db
      .selectFrom('ocpi_reservations')
      .selectAll()
      .where('partner_id', '=', owner.partnerId)
      .where('party', '=', owner.party)
      .where('reservation_id', '=', reservationId)
      .executeTakeFirst();
  }

  findActive(
    owner: ReservationOwner,
    reservationId: string,
    db: Db = this.db,
  ): Promise<ReservationRow | undefined> {
    return db
      .selectFrom('ocpi_reservations')
      .selectAll()
      .where('partner_id', '=', owner.partnerId)
      .where('party', '=', owner.party)
      .where('reservation_id', '=', reservationId)
      .where('status', '=', 'active')
      .executeTakeFirst();
  }

  findActiveForCharger(chargerReservationId: string): Promise<ReservationRow | undefined> {
    return this.db
      .selectFrom('ocpi_reservations')
      .selectAll()
      .where('charger_reservation_id', '=', chargerReservationId)
      .where('status', '=', 'active')
      .executeTakeFirst();
  }

  async insert(
    ids: Pick<ReservationRow, 'partner_id' | 'party' | 'reservation_id' | 'charger_reservation_id'>,
    fields: ReservationFields,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .insertInto('ocpi_reservations')
      .values({ ...ids, ...fields })
      .execute();
  }

  async update(
    owner: ReservationOwner,
    reservationId: string,
    fields: Partial<ReservationFields>,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .updateTable('ocpi_reservations')
      .set(fields)
      .where('partner_id', '=', owner.partnerId)
      .where('party', '=', owner.party)
      .where('reservation_id', '=', reservationId)
      .execute();
  }

  async cancelForCharger(chargerReservationId: string, db: Db = this.db): Promise<void> {
    await db
      .updateTable('ocpi_reservations')
      .set({ status: 'cancelled' })
      .where('charger_reservation_id', '=', chargerReservationId)
      .execute();
  }
}
