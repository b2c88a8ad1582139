import { formatDateTime } from '../../model/datetime.ts';
import type {
  Booking,
  BookingLocation,
  BookingRequest,
  BookingTerms,
  Cancellation,
  ReservationRequestStatus,
} from '../../model/v230/bookings.ts';
import type { BookedSlot } from './checks.ts';

/**
 * The terms a booking accepts when its BookingLocation names none (BookingTerms is optional
 * there, required in a Booking): open access, changes and cancellations until the start.
 */
export const DEFAULT_TERMS: BookingTerms = {
  supported_access_methods: ['OPEN'],
  change_until_minutes: 0,
  cancel_until_minutes: 0,
};

/** The fields a request sets on its booking (on creation, and again on each change). */
function requested(request: BookingRequest, slot: BookedSlot) {
  const option = request.booking_option;
  return {
    ...(option ? { booking_option: option } : {}),
    location_id: request.location_id,
    booking_tokens: request.tokens,
    access_information: request.access_information,
    authorization_reference: request.authorization_reference,
    period: {
      start_date_time: formatDateTime(slot.start),
      end_date_time: formatDateTime(slot.end),
    },
  };
}

/** What a new request's decision makes of the booking and of its request. */
const DECIDED = {
  RESERVED: 'ACCEPTED',
  PENDING: 'PENDING',
  REJECTED: 'DECLINED',
} as const satisfies Record<'RESERVED' | 'PENDING' | 'REJECTED', ReservationRequestStatus>;

/**
 * A new booking of a request as decided: RESERVED (request ACCEPTED, the default),
 * PENDING (request PENDING) or REJECTED (request DECLINED).
 */
export function newBooking(
  id: string,
  request: BookingRequest,
  location: BookingLocation,
  slot: BookedSlot,
  now: string,
  decision: keyof typeof DECIDED = 'RESERVED',
): Booking {
  const option = request.booking_option ?? location.booking_option;
  return {
    id,
    country_code: location.country_code,
    party_id: location.party_id,
    request_id: request.request_id,
    ...requested(request, slot),
    ...(option ? { booking_option: option } : {}),
    tariff_ids: location.tariff_ids,
    reservation_status: decision,
    booking_terms: location.booking_terms ?? DEFAULT_TERMS,
    booking_requests: [
      { request_status: DECIDED[decision], booking_request: request, request_received: now },
    ],
    last_updated: now,
  };
}

/** A booking changed by an accepted request: its new period and details, the request appended. */
export function changedBooking(
  booking: Booking,
  request: BookingRequest,
  slot: BookedSlot,
  now: string,
): Booking {
  return {
    ...booking,
    ...requested(request, slot),
    booking_requests: [
      ...booking.booking_requests,
      { request_status: 'ACCEPTED', booking_request: request, request_received: now },
    ],
    last_updated: now,
  };
}

/** A PENDING booking decided later: RESERVED (its last request ACCEPTED) or REJECTED (DECLINED). */
export function decidedBooking(booking: Booking, to: 'RESERVED' | 'REJECTED', now: string): Booking {
  const requests = booking.booking_requests.map((r, i, all) =>
    i === all.length - 1 ? { ...r, request_status: DECIDED[to] } : r,
  );
  const [first, ...rest] = requests;
  if (!first) return booking;
  return { ...booking, reservation_status: to, booking_requests: [first, ...rest], last_updated: now };
}

/** A booking canceled, by a request of the eMSP (appended) or by the CPO. */
export function canceledBooking(
  booking: Booking,
  canceled: Cancellation,
  now: string,
  request?: BookingRequest,
): Booking {
  return {
    ...booking,
    reservation_status: 'CANCELED',
    canceled,
    booking_requests: request
      ? [
          ...booking.booking_requests,
          { request_status: 'ACCEPTED', booking_request: request, request_received: now },
        ]
      : booking.booking_requests,
    last_updated: now,
  };
}

/** The party that requested a booking, 'CC*PID' upper case: its first request's. */
export function requesterOf(booking: Booking): string {
  const first = booking.booking_requests[0]?.booking_request;
  return first ? `${first.country_code}*${first.party_id}`.toUpperCase() : '';
}
