import type { ColumnType } from 'kysely';
import type { Booking } from '../model/v230/bookings.ts';

/** What a booking last showed its EVSE as (see BookedEvseStatus). */
export type EvseShown = '' | 'RESERVED' | 'RELEASED';

/** One of our Bookings (CPO side): the Booking and the columns its checks query. */
export interface BookingTable {
  /** Booking.id, ours. */
  id: string;
  /** Our party that owns it, upper case. */
  country_code: string;
  party_id: string;
  booking_location_id: string;
  /** The booked EVSE's uid; '' when the BookingLocation as a whole is the booked unit. */
  evse_uid: string;
  period_start: ColumnType<Date, Date, Date>;
  period_end: ColumnType<Date, Date, Date>;
  /** Booking.reservation_status. */
  status: string;
  /** The requesting party, 'CC*PID' upper case. */
  requester: string;
  request_id: string;
  authorization_reference: string;
  /** Written as the JSON of a validated Booking (canonical 2.3.0 shape). */
  data: ColumnType<Booking, string, string>;
  last_updated: ColumnType<Date, Date, Date>;
  /** What the booking last showed its EVSE as: '' not yet, 'RESERVED', 'RELEASED' (migration 014). */
  evse_shown: ColumnType<EvseShown, EvseShown | undefined, EvseShown>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface BookingTables {
  ocpi_bookings: BookingTable;
}
