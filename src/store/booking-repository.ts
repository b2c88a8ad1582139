import { type Kysely, type Selectable, sql } from 'kysely';
import type { Booking } from '../model/v230/bookings.ts';
import type { Database } from './schema.ts';
import type { BookingTable, EvseShown } from './schema-bookings.ts';

export type BookingRow = Selectable<BookingTable>;

/** What a Booking is stored with besides itself: the columns its checks query. */
export interface BookingColumns {
  bookingLocationId: string;
  /** '' when the BookingLocation as a whole is the booked unit. */
  evseUid: string;
  start: Date;
  end: Date;
  /** 'CC*PID', upper case. */
  requester: string;
}

type Db = Kysely<Database>;

/** Statuses that hold their slot: a new booking may not overlap them. */
export const ACTIVE_BOOKING_STATUSES = ['PENDING', 'RESERVED'] as const;

/**
 * All access to `ocpi_bookings` (our Bookings, CPO side). Methods that take `db` run in
 * the caller's transaction.
 */
export class BookingRepository {
  constructor(private readonly db: Db) {}

  byRequest(requester: string, requestId: string, db: Db = this.db): Promise<BookingRow | undefined> {
    return db
      .selectFrom('ocpi_bookings')
      .selectAll()
      .where('requester', '=', requester)
      .where('request_id', '=', requestId)
      .executeTakeFirst();
  }

  byId(id: string, db: Db = this.db): Promise<BookingRow | undefined> {
    return db.selectFrom('ocpi_bookings').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Active bookings of a unit (a BookingLocation's EVSE, or the BookingLocation when
   * `evseUid` is '') whose period overlaps [start, end), other than `exceptId`.
   */
  overlapping(
    unit: { bookingLocationId: string; evseUid: string },
    start: Date,
    end: Date,
    exceptId: string | undefined,
    db: Db = this.db,
  ): Promise<BookingRow[]> {
    let query = db
      .selectFrom('ocpi_bookings')
      .selectAll()
      .where('booking_location_id', '=', unit.bookingLocationId)
      .where('evse_uid', '=', unit.evseUid)
      .where('status', 'in', [...ACTIVE_BOOKING_STATUSES])
      .where('period_start', '<', end)
      .where('period_end', '>', start);
    if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
    return query.execute();
  }

  /** Active bookings of an EVSE (any BookingLocation) whose period holds `at`. */
  activeOnEvseAt(evseUid: string, at: Date, db: Db = this.db): Promise<BookingRow[]> {
    return db
      .selectFrom('ocpi_bookings')
      .selectAll()
      .where('evse_uid', '=', evseUid)
      .where('status', 'in', [...ACTIVE_BOOKING_STATUSES])
      .where('period_start', '<=', at)
      .where('period_end', '>', at)
      .execute();
  }

  /** Active bookings on an EVSE that end after `after`: the slots still to show as RESERVED. */
  activeEndingAfter(after: Date, db: Db = this.db): Promise<BookingRow[]> {
    return db
      .selectFrom('ocpi_bookings')
      .selectAll()
      .where('evse_uid', '<>', '')
      .where('status', 'in', [...ACTIVE_BOOKING_STATUSES])
      .where('period_end', '>', after)
      .execute();
  }

  /** Active bookings (any unit) whose period holds `at`. */
  activeAt(at: Date, db: Db = this.db): Promise<BookingRow[]> {
    return db
      .selectFrom('ocpi_bookings')
      .selectAll()
      .where('status', 'in', [...ACTIVE_BOOKING_STATUSES])
      .where('period_start', '<=', at)
      .where('period_end', '>', at)
      .execute();
  }

  /** RESERVED bookings whose terms set a noshow_timeout: the no-shows still to come (or overdue). */
  reservedWithNoShow(db: Db = this.db): Promise<BookingRow[]> {
    return db
      .selectFrom('ocpi_bookings')
      .selectAll()
      .where('status', '=', 'RESERVED')
      .where(sql<boolean>`data -> 'booking_terms' ->> 'noshow_timeout' is not null`)
      .execute();
  }

  /**
   * Writes a booking's new state only if its stored status still is `from` (a conditional
   * UPDATE): of two instances making the same transition, one wins. Whether it was written.
   */
  async transition(booking: Booking, from: string, db: Db = this.db): Promise<boolean> {
    const result = await db
      .updateTable('ocpi_bookings')
      .set({
        status: booking.reservation_status,
        data: JSON.stringify(booking),
        last_updated: new Date(booking.last_updated),
      })
      .where('id', '=', booking.id)
      .where('status', '=', from)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Moves what a booking shows its EVSE as from `from` to `to`, if it still is `from`; whether it moved. */
  async moveEvseShown(id: string, from: EvseShown, to: EvseShown, db: Db = this.db): Promise<boolean> {
    const result = await db
      .updateTable('ocpi_bookings')
      .set({ evse_shown: to })
      .where('id', '=', id)
      .where('evse_shown', '=', from)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async insert(booking: Booking, columns: BookingColumns, db: Db = this.db): Promise<void> {
    await db
      .insertInto('ocpi_bookings')
      .values({
        id: booking.id,
        country_code: booking.country_code.toUpperCase(),
        party_id: booking.party_id.toUpperCase(),
        booking_location_id: columns.bookingLocationId,
        evse_uid: columns.evseUid,
        period_start: columns.start,
        period_end: columns.end,
        status: booking.reservation_status,
        requester: columns.requester,
        request_id: booking.request_id,
        authorization_reference: booking.authorization_reference,
        data: JSON.stringify(booking),
        last_updated: new Date(booking.last_updated),
      })
      .execute();
  }

  async update(
    booking: Booking,
    columns: Omit<BookingColumns, 'requester'>,
    db: Db = this.db,
  ): Promise<void> {
    await db
      .updateTable('ocpi_bookings')
      .set({
        booking_location_id: columns.bookingLocationId,
        evse_uid: columns.evseUid,
        period_start: columns.start,
        period_end: columns.end,
        status: booking.reservation_status,
        authorization_reference: booking.authorization_reference,
        data: JSON.stringify(booking),
        last_updated: new Date(booking.last_updated),
      })
      .where('id', '=', booking.id)
      .execute();
  }

  /** A page of bookings, oldest change first, optionally of some requesters only and changed in [from, to). */
  async list(query: {
    offset: number;
    limit: number;
    dateFrom?: Date;
    dateTo?: Date;
    requesters?: string[];
  }): Promise<{ items: Booking[]; total: number }> {
    let base = this.db.selectFrom('ocpi_bookings');
    if (query.requesters) {
      if (query.requesters.length === 0) return { items: [], total: 0 };
      base = base.where('requester', 'in', query.requesters);
    }
    if (query.dateFrom) base = base.where('last_updated', '>=', query.dateFrom);
    if (query.dateTo) base = base.where('last_updated', '<', query.dateTo);
    const count = await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .select('data')
      .orderBy('last_updated')
      .orderBy('id')
      .offset(query.offset)
      .limit(query.limit)
      .execute();
    return { items: rows.map((r) => r.data), total: Number(count.n) };
  }
}
