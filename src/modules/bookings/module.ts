import type { OcpiModule, OcpiNode } from '../../node.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { objectReceiverRoutes } from '../objects/module.ts';
import type { ObjectModuleSpec } from '../objects/spec.ts';
import { requesterOf } from './booking-object.ts';
import type { CpoBookings } from './cpo-bookings.ts';
import { bookingsSenderRoutes } from './sender.ts';

/*
 * The Bookings module (OCPI 2.3.0 Bookings package), module id `bookings`, 2.3.0 only.
 *
 * - A node with a CPO party offers the SENDER `sender/bookings`: GET / (the Bookings its
 *   own parties requested, paginated), POST / (a BookingRequest in, the Booking out),
 *   GET /booking_locations (paginated; `timeslot_from`/`timeslot_to` keep those with a
 *   calendar timeslot in range), GET /booking_locations/{id}[/{calendar_id}].
 * - A node with an EMSP party offers the RECEIVER `receiver/bookings`, built from the
 *   objects kit: PUT|PATCH|GET /{cc}/{pid}/booking_locations/{id}[/{calendar_id}] and
 *   PUT|PATCH|GET /{cc}/{pid}/{request_id}. A Calendar PUT/PATCH also sets its parent's
 *   last_updated (the kit does so for every child level).
 *
 * Decisions:
 * - The eMSP's Booking URL is keyed by Booking.request_id, as the spec's parameter table
 *   says (`booking_request_id`); its structure line says booking_id. We follow the table.
 * - A POST with the same request_id by the same requesting party changes the booking
 *   (a BookingRequestStatus is appended); a POST whose request has `canceled` cancels it.
 *   The BookingTerms' change_until_minutes, cancel_until_minutes and change_not_allowed
 *   are enforced (OCPI 2001). The requesting party is the authenticated partner: the
 *   request's country_code/party_id must be one of its parties (else 2001). who_canceled
 *   is EMSP for a request, CPO for app.ocpi.bookings.cancel(): never read from the body.
 *   The eMSP cancels with app.ocpi.bookings.cancelRequest() (a partner id or 'CC*PID').
 * - Checks (2001 naming the field, nothing stored): location_id must be the
 *   BookingLocation's; end after start; not in the past (node.clock); inside an
 *   available timeslot of one of its calendars; min/max_booking_duration. An unknown
 *   BookingLocation is 2003 (HTTP 404).
 * - No double booking: a request may not overlap an active (PENDING/RESERVED) booking of
 *   the same unit: the EVSE the request or BookingLocation names, else the BookingLocation
 *   as one bookable unit (policy.ad_hoc counts unbooked chargers, not bookable capacity,
 *   so it is not read as capacity). Refused with OCPI 2000. Checked and stored in one
 *   transaction holding an advisory lock on the BookingLocation (also between instances).
 * - The period must also start on and last whole multiples of its calendar's
 *   timeslot_increment (minutes), counted from the start of the timeslot it lies in (2001
 *   naming `period`).
 * - Approval: options.bookings.approve(request, context) decides each NEW request that
 *   passed the checks above (changes and cancellations are not asked): RESERVED (the
 *   default without a hook: request_status ACCEPTED), PENDING (request_status PENDING;
 *   app.ocpi.bookings.accept()/reject() decide later, pushed; a PENDING booking holds its
 *   slot) or REJECTED (request_status DECLINED). A REJECTED booking is answered AND stored,
 *   as a final state the eMSP can GET, and its request_id stays taken; this differs from
 *   the refusals of bad input (2001/2003, slot taken 2000), which store nothing. A hook
 *   that throws answers 3000 and stores nothing. A slot taken is checked after the hook.
 * - FULFILLED when the charger reports the session started (SessionTracker's
 *   sessionStarted, through CpoCommands), not when the START_SESSION is accepted: a start
 *   the charger refuses leaves the booking RESERVED. The booking is found by the
 *   START_SESSION's token uid or authorization_reference, on the session's EVSE (or a
 *   booking of the whole BookingLocation), active at the reported start. Sessions started
 *   locally (no command) carry no token we know: they fulfil nothing.
 * - A START_SESSION without evse_uid: the charger picks the EVSE, possibly a booked one,
 *   so while an active booking of that Location holds its slot only the booking's own
 *   driver may start that way; others are REJECTED ("name a free evse_uid"). See
 *   booking-guard.ts.
 * - NO_SHOW: a RESERVED booking whose slot started noshow_timeout minutes ago becomes
 *   NO_SHOW (pushed; its EVSE AVAILABLE again). No timeout if unspecified. PENDING
 *   bookings are not timed out. See no-show.ts.
 * - Timers (NO_SHOW, the EVSE's RESERVED/AVAILABLE) run on node.clock on every instance
 *   and are set again from the store on start. Each transition is a conditional UPDATE
 *   (status = 'RESERVED'; evse_shown, migration 014) in the transaction that enqueues its
 *   push, so of several instances exactly one pushes. An instance learns of a booking
 *   another instance made at its next start; the one that made it runs its timers.
 * - Events on app.ocpi.events: `booking-no-show` { bookingId, booking? } and
 *   `booking-evse-status` { bookingId, evseUid, status, written } after each timer.
 * - Every change of a Booking is pushed (PUT of the whole Booking, through the outbox) to
 *   the eMSP that requested it: {url}/{cpo cc}/{cpo pid}/{request_id}. BookingLocations
 *   are pushed to every partner that receives bookings: {url}/{cc}/{pid}/booking_locations/{id}.
 * - Storage: our BookingLocations in ocpi_objects (module `booking_locations`); our
 *   Bookings in ocpi_bookings (migration 012); received copies in ocpi_objects per partner.
 */

export const bookingLocationsSpec: ObjectModuleSpec<'booking_locations'> = {
  id: 'booking_locations',
  objectName: 'BookingLocation',
  idField: 'id',
  idParam: 'booking_location_id',
  ownerRole: 'CPO',
  receiverRoles: ['EMSP'],
  children: [{ objectName: 'Calendar', arrayField: 'calendars', idField: 'id' }],
  unknownStatus: OcpiStatus.UNKNOWN_LOCATION,
  patch: () => true,
  delete: false,
  senderGetOne: true,
  endpoint: { module: 'bookings', segment: 'booking_locations' },
};

export const bookingsSpec: ObjectModuleSpec<'bookings'> = {
  id: 'bookings',
  objectName: 'Booking',
  idField: 'request_id',
  ownerRole: 'CPO',
  receiverRoles: ['EMSP'],
  children: [],
  unknownStatus: OcpiStatus.CLIENT_ERROR,
  patch: () => true,
  delete: false,
  senderGetOne: false,
  audience: (booking) => {
    const requests = booking.booking_requests;
    if (!Array.isArray(requests)) return undefined;
    const first = requests[0];
    const request =
      first && typeof first === 'object' && !Array.isArray(first) ? first.booking_request : undefined;
    if (!request || typeof request !== 'object' || Array.isArray(request)) return undefined;
    return `${String(request.country_code)}*${String(request.party_id)}`;
  },
  pushTo: 'audience',
};

function plays(node: OcpiNode, role: 'CPO' | 'EMSP'): boolean {
  return node.parties.some((p) => p.role === role);
}

/** The Bookings module, mounted with the CPO side it serves. */
export function bookingsModule(cpo: CpoBookings): OcpiModule {
  return {
    id: 'bookings',
    versions: ['2.3.0'],
    endpoints: (_version, node) => [
      ...(plays(node, 'CPO')
        ? [{ identifier: 'bookings', role: 'SENDER' as const, path: 'sender/bookings' }]
        : []),
      ...(plays(node, 'EMSP')
        ? [{ identifier: 'bookings', role: 'RECEIVER' as const, path: 'receiver/bookings' }]
        : []),
    ],
    async routes(app, version, node) {
      if (plays(node, 'CPO'))
        await app.register(async (scope) => bookingsSenderRoutes(scope, node, cpo), {
          prefix: '/sender/bookings',
        });
      if (plays(node, 'EMSP'))
        await app.register(
          async (scope) => {
            objectReceiverRoutes(scope, version, bookingLocationsSpec, node);
            objectReceiverRoutes(scope, version, bookingsSpec, node);
          },
          { prefix: '/receiver/bookings' },
        );
    },
  };
}

export { requesterOf };
