import type { Booking, BookingLocation, BookingRequest, BookingTerms } from '../../model/v230/bookings.ts';
import { OcpiError } from '../../transport/errors.ts';

const MINUTE = 60_000;

/** What a request books once checked: the unit (EVSE, or '' for the whole BookingLocation) and the period. */
export interface BookedSlot {
  evseUid: string;
  start: Date;
  end: Date;
}

/** An EVSE uid as the booked unit: '#NA' (not yet assigned) and absent mean none. */
function unitOf(evseUid: string | undefined): string {
  return evseUid && evseUid !== '#NA' ? evseUid : '';
}

/**
 * Checks a new or changed request against the BookingLocation, at `now` (ms): the
 * location, the period (after its start, not in the past, inside an available timeslot of
 * one of the calendars) and the durations the terms allow. Throws OCPI 2001 naming the
 * field; gives the slot to check for overlaps.
 */
export function checkRequest(request: BookingRequest, location: BookingLocation, now: number): BookedSlot {
  if (request.location_id.toUpperCase() !== location.location_id.toUpperCase())
    throw OcpiError.invalid(
      `location_id: ${request.location_id} is not the Location of BookingLocation ${location.id} (${location.location_id})`,
    );
  const start = new Date(request.period.start_date_time);
  const end = new Date(request.period.end_date_time);
  if (end <= start) throw OcpiError.invalid('period: end_date_time must be after start_date_time');
  if (start.getTime() < now) throw OcpiError.invalid('period: start_date_time is in the past');
  checkDuration(end.getTime() - start.getTime(), location.booking_terms);
  checkTimeslot(location, start, end);
  const asked = unitOf(request.booking_option?.evse_uid);
  const offered = unitOf(location.booking_option?.evse_uid);
  if (asked && offered && asked.toUpperCase() !== offered.toUpperCase())
    throw OcpiError.invalid(
      `booking_option.evse_uid: ${asked} is not the EVSE BookingLocation ${location.id} offers (${offered})`,
    );
  return { evseUid: asked || offered, start, end };
}

/**
 * The period must lie inside an available timeslot of one of the calendars, and where that
 * calendar has a timeslot_increment, start on and last whole multiples of it (minutes),
 * counted from the timeslot's start. Throws 2001 naming `period`.
 */
function checkTimeslot(location: BookingLocation, start: Date, end: Date): void {
  const fits = (location.calendars ?? []).flatMap((c) =>
    new Date(c.begin_from) <= start && end <= new Date(c.end_before)
      ? c.available_timeslots
          .filter((t) => new Date(t.start_date_time) <= start && end <= new Date(t.end_date_time))
          .map((t) => ({ increment: c.timeslot_increment, from: Date.parse(t.start_date_time) }))
      : [],
  );
  if (fits.length === 0)
    throw OcpiError.invalid(`period: not inside an available timeslot of BookingLocation ${location.id}`);
  const aligned = (step: number | undefined, from: number) =>
    !step ||
    ((start.getTime() - from) % (step * MINUTE) === 0 &&
      (end.getTime() - start.getTime()) % (step * MINUTE) === 0);
  if (!fits.some((f) => aligned(f.increment, f.from))) {
    const step = fits[0]?.increment;
    throw OcpiError.invalid(
      `period: must start on and last whole multiples of the timeslot_increment of ${step} minutes, counted from the timeslot's start`,
    );
  }
}

function checkDuration(ms: number, terms: BookingTerms | undefined): void {
  const minutes = ms / MINUTE;
  if (terms?.min_booking_duration !== undefined && minutes < terms.min_booking_duration)
    throw OcpiError.invalid(
      `period: ${minutes} minutes is shorter than the min_booking_duration of ${terms.min_booking_duration}`,
    );
  if (terms?.max_booking_duration !== undefined && minutes > terms.max_booking_duration)
    throw OcpiError.invalid(
      `period: ${minutes} minutes is longer than the max_booking_duration of ${terms.max_booking_duration}`,
    );
}

/**
 * Whether a booking may still be changed (or, with `cancel`, canceled) at `now`, by its
 * accepted BookingTerms: it must be active, change_not_allowed must not be set (changes
 * only), and `now` must be at least change_until_minutes (cancel_until_minutes) before
 * its start. Throws OCPI 2001 naming the reason.
 */
export function checkChangeAllowed(booking: Booking, now: number, cancel: boolean): void {
  const { reservation_status: status, booking_terms: terms } = booking;
  if (status !== 'RESERVED' && status !== 'PENDING')
    throw OcpiError.invalid(`request_id: booking ${booking.request_id} is ${status} and cannot be changed`);
  if (!cancel && terms.change_not_allowed)
    throw OcpiError.invalid('booking_terms: change_not_allowed: this booking cannot be changed');
  const until = cancel ? terms.cancel_until_minutes : terms.change_until_minutes;
  const deadline = new Date(booking.period.start_date_time).getTime() - until * MINUTE;
  if (now > deadline)
    throw OcpiError.invalid(
      `booking_terms: ${cancel ? 'cancel_until_minutes' : 'change_until_minutes'} is ${until}: ` +
        `too late to ${cancel ? 'cancel' : 'change'} this booking`,
    );
}

/** The refusal of a slot that an active booking already holds. */
export function slotTaken(locationId: string, slot: BookedSlot): OcpiError {
  const unit = slot.evseUid ? `EVSE ${slot.evseUid}` : `BookingLocation ${locationId}`;
  return new OcpiError(
    2000,
    `period: ${unit} is already booked between ${slot.start.toISOString()} and ${slot.end.toISOString()}`,
  );
}
