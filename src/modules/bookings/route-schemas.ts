import { Type } from '@sinclair/typebox';
import { schemaOf } from '../../model/objects.ts';
import { DATE_TIME_PATTERN } from '../../model/primitives.ts';
import { enveloped, PAGE_HEADERS, PageQuery } from '../../transport/route-schemas.ts';
import { idParam } from '../objects/route-schemas.ts';

/* The routes of the Bookings sender interface (CPO), version 2.3.0. */

const V = '2.3.0';
const tag = 'bookings';

const DateTimeText = (description: string) =>
  Type.String({ pattern: `^$|${DATE_TIME_PATTERN}`, description, ocpiType: 'DateTime' });

const pageAnswer = { 200: { description: 'The envelope; `data` holds the page', headers: PAGE_HEADERS } };

/** GET {bookings}: the bookings the caller's parties requested, a page at a time. */
export const listBookingsSchema = {
  querystring: PageQuery,
  response: { 200: enveloped(Type.Array(schemaOf(V, 'Booking'))) },
  openapi: {
    operationId: 'senderListBooking',
    summary: "Our Bookings requested by the caller's parties, a page at a time",
    tag,
    responses: pageAnswer,
  },
};

/** POST {bookings}: a BookingRequest in, the Booking out. */
export const postBookingSchema = {
  response: { 200: enveloped(schemaOf(V, 'Booking')) },
  openapi: {
    operationId: 'senderPostBookingRequest',
    summary:
      'Requests a booking; the same request_id again changes it, `canceled` cancels it. Answers the Booking: RESERVED when accepted, PENDING when the CPO decides later, REJECTED when it declines',
    tag,
    body: { schema: schemaOf(V, 'BookingRequest'), required: true },
  },
};

/** GET {bookings}/booking_locations: our BookingLocations, a page at a time, optionally with a timeslot in a range. */
export const listBookingLocationsSchema = {
  querystring: Type.Object({
    ...PageQuery.properties,
    timeslot_from: Type.Optional(
      DateTimeText('Only BookingLocations with a timeslot ending after this time'),
    ),
    timeslot_to: Type.Optional(
      DateTimeText('Only BookingLocations with a timeslot starting before this time'),
    ),
  }),
  response: { 200: enveloped(Type.Array(schemaOf(V, 'BookingLocation'))) },
  openapi: {
    operationId: 'senderListBookingLocation',
    summary: 'Our BookingLocations, a page at a time',
    tag,
    responses: pageAnswer,
  },
};

const locationParams = { booking_location_id: idParam(V, { objectName: 'BookingLocation', idField: 'id' }) };

/** GET {bookings}/booking_locations/{booking_location_id}. */
export const getBookingLocationSchema = {
  params: Type.Object(locationParams),
  response: { 200: enveloped(schemaOf(V, 'BookingLocation')) },
  openapi: { operationId: 'senderGetBookingLocation', summary: 'One of our BookingLocations', tag },
};

/** GET {bookings}/booking_locations/{booking_location_id}/{calendar_id}. */
export const getCalendarSchema = {
  params: Type.Object({
    ...locationParams,
    calendar_id: idParam(V, { objectName: 'Calendar', idField: 'id' }),
  }),
  response: { 200: enveloped(schemaOf(V, 'Calendar')) },
  openapi: { operationId: 'senderGetCalendar', summary: 'One Calendar of one of our BookingLocations', tag },
};
