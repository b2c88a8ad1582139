import { parseObject } from '../../model/objects.ts';
import { Booking, BookingRequest } from '../../model/v230/bookings.ts';
import { compileValidator, type ParseResult, type Validator } from '../../model/validate.ts';

/*
 * Bookings JSON read the liberal way (parseObject: nulls dropped, unknown fields ignored,
 * DateTime with or without Z), then typed by the 2.3.0 schema's own validator: the
 * canonical shape of 2.3.0 is the 2.3.0 shape, so the second check always passes for what
 * the first accepted, and gives the static type without a cast.
 */

const requestValidator = compileValidator(BookingRequest);
const bookingValidator = compileValidator(Booking);

function typed<T>(objectName: string, validator: Validator<T>, json: unknown): ParseResult<T> {
  const parsed = parseObject('2.3.0', objectName, json);
  return parsed.ok ? validator(parsed.value) : parsed;
}

/** A BookingRequest, checked and typed. */
export const parseBookingRequest = (json: unknown): ParseResult<BookingRequest> =>
  typed('BookingRequest', requestValidator, json);

/** A Booking, checked and typed. */
export const parseBooking = (json: unknown): ParseResult<Booking> => typed('Booking', bookingValidator, json);
