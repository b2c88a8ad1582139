import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDateTime } from '../../model/datetime.ts';
import { renderObject } from '../../model/objects.ts';
import type { BookingLocation } from '../../model/v230/bookings.ts';
import type { OcpiNode } from '../../node.ts';
import { versionUrl } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { type PageRequest, readPageRequest, setPageHeaders } from '../../transport/pagination.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import type { CpoBookings } from './cpo-bookings.ts';
import {
  getBookingLocationSchema,
  getCalendarSchema,
  listBookingLocationsSchema,
  listBookingsSchema,
  postBookingSchema,
} from './route-schemas.ts';

const V = '2.3.0';

function partnerOf(request: FastifyRequest): Partner {
  const caller = request.ocpi.caller;
  if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
  return caller.partner;
}

function readTime(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date = parseDateTime(value);
  if (!date) throw OcpiError.invalid(`${name}: not a DateTime: ${JSON.stringify(value.slice(0, 40))}`);
  return date;
}

/** Whether a BookingLocation has a calendar timeslot in [from, to) (either end open). */
function hasTimeslotIn(location: BookingLocation, from: Date | undefined, to: Date | undefined): boolean {
  return (location.calendars ?? []).some((c) =>
    c.available_timeslots.some(
      (t) =>
        (from === undefined || new Date(t.end_date_time) > from) &&
        (to === undefined || new Date(t.start_date_time) < to),
    ),
  );
}

const unknown = (what: string) =>
  new OcpiError('OCPI_ERR_UNKNOWN_LOCATION', `unknown ${what}`, {
    statusCode: OcpiStatus.UNKNOWN_LOCATION,
    httpStatus: 404,
  });

/**
 * The Bookings sender interface (CPO): GET and POST of Bookings, GET of BookingLocations
 * (a page, one, or one of its Calendars).
 */
export function bookingsSenderRoutes(app: FastifyInstance, node: OcpiNode, cpo: CpoBookings): void {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = () => `${versionUrl(node, V)}/sender/bookings`;
  const locations = node.services.booking_locations;

  routes.get('/', { schema: listBookingsSchema }, async (request, reply) => {
    const page = readPageRequest(request.query, node.paging);
    const result = await cpo.list(partnerOf(request), page);
    setPageHeaders(reply, request, base(), page, result.total, node.paging.maxLimit);
    return envelope(result.items.map((b) => renderObject(V, 'Booking', b)));
  });

  routes.post('/', { schema: postBookingSchema }, async (request) =>
    envelope(renderObject(V, 'Booking', await cpo.request(partnerOf(request), request.body))),
  );

  routes.get('/booking_locations', { schema: listBookingLocationsSchema }, async (request, reply) => {
    const page = readPageRequest(request.query, node.paging);
    const from = readTime(request.query.timeslot_from, 'timeslot_from');
    const to = readTime(request.query.timeslot_to, 'timeslot_to');
    const { items, total } = from || to ? await filtered(page, from, to) : await locations.listOwn(page);
    setPageHeaders(reply, request, `${base()}/booking_locations`, page, total, node.paging.maxLimit);
    return envelope(items.map((l) => renderObject(V, 'BookingLocation', l)));
  });

  /**
   * A page of the BookingLocations with a timeslot in range. The filter reads calendars
   * inside each object, so it runs here over all our BookingLocations of the date range:
   * a CPO has few of them.
   */
  async function filtered(page: PageRequest, from: Date | undefined, to: Date | undefined) {
    const matching: BookingLocation[] = [];
    for (let offset = 0; ; offset += 1000) {
      const dates = {
        ...(page.dateFrom ? { dateFrom: page.dateFrom } : {}),
        ...(page.dateTo ? { dateTo: page.dateTo } : {}),
      };
      const { items } = await locations.listOwn({ ...dates, offset, limit: 1000 });
      matching.push(...items.filter((l) => hasTimeslotIn(l, from, to)));
      if (items.length < 1000) break;
    }
    return { items: matching.slice(page.offset, page.offset + page.limit), total: matching.length };
  }

  routes.get(
    '/booking_locations/:booking_location_id',
    { schema: getBookingLocationSchema },
    async (request) => {
      const found = await locations.getOwn(request.params.booking_location_id);
      if (!found) throw unknown(`BookingLocation ${request.params.booking_location_id}`);
      return envelope(renderObject(V, 'BookingLocation', found));
    },
  );

  routes.get(
    '/booking_locations/:booking_location_id/:calendar_id',
    { schema: getCalendarSchema },
    async (request) => {
      const { booking_location_id: id, calendar_id: calendarId } = request.params;
      const calendar = (await locations.getOwn(id))?.calendars?.find((c) => c.id === calendarId);
      if (!calendar) throw unknown(`Calendar ${calendarId} of BookingLocation ${id}`);
      return envelope(renderObject(V, 'Calendar', calendar));
    },
  );
}
