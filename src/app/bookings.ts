import type { Booking, BookingRequest, CanceledReason } from '../model/v230/bookings.ts';
import { BookingStarts } from '../modules/bookings/booking-guard.ts';
import { CpoBookings } from '../modules/bookings/cpo-bookings.ts';
import { EmspBookings } from '../modules/bookings/emsp-bookings.ts';
import { BookedEvseStatus } from '../modules/bookings/evse-status.ts';
import { bookingLocationsSpec, bookingsModule, bookingsSpec } from '../modules/bookings/module.ts';
import { NoShowTimers } from '../modules/bookings/no-show.ts';
import { type PullOptions, type PullProgress, syncFromPartner } from '../modules/objects/client.ts';
import { Publisher } from '../modules/objects/publisher.ts';
import type { OcpiModule, OcpiNode } from '../node.ts';
import type { Commands } from './commands.ts';
import type { Publishers } from './modules.ts';
import type { OcpiAppOptions } from './options.ts';

/** Both sides of the Bookings module, and the module that mounts them. */
export interface Bookings {
  cpo: CpoBookings;
  /** Booked EVSEs shown RESERVED during their slots (CPO); resumed on start. */
  evseStatus: BookedEvseStatus;
  /** RESERVED bookings nobody used within their noshow_timeout become NO_SHOW (CPO); resumed on start. */
  noShows: NoShowTimers;
  emsp: EmspBookings;
  module: OcpiModule;
}

/**
 * The Bookings module: our Bookings pushed to the eMSP that requested each (waking the
 * worker), new requests decided by the approval hook, the START_SESSION check of booked
 * EVSEs and the fulfilment by the session the charger starts, booked EVSEs' status, and
 * no-shows.
 */
export function wireBookings(
  node: OcpiNode,
  wake: () => void,
  commands: Commands,
  publishers: Publishers,
  options: OcpiAppOptions['bookings'],
): Bookings {
  const cpo = new CpoBookings(node, new Publisher(node, bookingsSpec, wake), wake, options?.approve);
  const evseStatus = new BookedEvseStatus(node, cpo.repo, publishers.locations, wake);
  const noShows = new NoShowTimers(node, cpo);
  cpo.onChange((booking) => {
    evseStatus.schedule(booking);
    noShows.schedule(booking);
  });
  // A booked EVSE starts only for its booking's driver during the slot; the session fulfils it.
  commands.cpo.handleBookings(new BookingStarts(node, cpo));
  return { cpo, evseStatus, noShows, emsp: new EmspBookings(node), module: bookingsModule(cpo) };
}

/** What `app.ocpi.bookings` offers (see OcpiApi.bookings). */
export interface BookingsApi {
  /** eMSP: POSTs a BookingRequest to a CPO (partner id, or 'CC*PID'); resolves with the Booking. */
  request(to: string, request: BookingRequest): Promise<Booking>;
  /** eMSP: changes a booking: a request with the same request_id. */
  change(to: string, request: BookingRequest): Promise<Booking>;
  /** eMSP: cancels a booking of ours at a CPO (partner id, or 'CC*PID'; who_canceled EMSP). */
  cancelRequest(to: string, requestId: string, reason: CanceledReason): Promise<Booking>;
  /** eMSP: our copy of a booking at a CPO (partner id, or 'CC*PID'), by our request_id. */
  received(from: string, requestId: string): Promise<Booking | undefined>;
  /** CPO: cancels one of our bookings (who_canceled CPO); the eMSP is told. */
  cancel(bookingId: string, reason: CanceledReason): Promise<Booking>;
  /** CPO: accepts a PENDING booking (RESERVED, its request ACCEPTED); the eMSP is told. */
  accept(bookingId: string): Promise<Booking>;
  /** CPO: rejects a PENDING booking (REJECTED, its request DECLINED); the eMSP is told. */
  reject(bookingId: string): Promise<Booking>;
  /** CPO: one of our bookings by its id. */
  get(bookingId: string): Promise<Booking | undefined>;
  /**
   * CPO: our BookingLocations (put/patch publish them to every partner that receives
   * bookings); eMSP: `sync` pulls a CPO partner's, `received` reads them.
   */
  readonly locations: Publishers['booking_locations'] & {
    sync(partnerId: string, options?: PullOptions): Promise<PullProgress>;
  };
}

export function bookingsApi(node: OcpiNode, bookings: Bookings, publishers: Publishers): BookingsApi {
  const locations = publishers.booking_locations;
  return {
    request: (to, request) => bookings.emsp.request(to, request),
    change: (to, request) => bookings.emsp.request(to, request),
    cancelRequest: (to, requestId, reason) => bookings.emsp.cancel(to, requestId, reason),
    received: (from, requestId) => bookings.emsp.received(from, requestId),
    cancel: (bookingId, reason) => bookings.cpo.cancel(bookingId, reason),
    accept: (bookingId) => bookings.cpo.accept(bookingId),
    reject: (bookingId) => bookings.cpo.reject(bookingId),
    get: (bookingId) => bookings.cpo.get(bookingId),
    locations: Object.assign(locations, {
      sync: (partnerId: string, options?: PullOptions) =>
        syncFromPartner(node, partnerId, bookingLocationsSpec, options),
    }),
  };
}
