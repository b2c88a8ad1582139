import type { Booking, BookingRequest, CanceledReason } from '../model/v230/bookings.ts';
import { CpoBookings } from '../modules/bookings/cpo-bookings.ts';
import { EmspBookings } from '../modules/bookings/emsp-bookings.ts';
import { BookedEvseStatus } from '../modules/bookings/evse-status.ts';
import { bookingLocationsSpec, bookingsModule, bookingsSpec } from '../modules/bookings/module.ts';
import { type PullOptions, type PullProgress, syncFromPartner } from '../modules/objects/client.ts';
import { Publisher } from '../modules/objects/publisher.ts';
import type { OcpiModule, OcpiNode } from '../node.ts';
import type { Commands } from './commands.ts';
import type { Publishers } from './modules.ts';

/** Both sides of the Bookings module, and the module that mounts them. */
export interface Bookings {
  cpo: CpoBookings;
  /** Booked EVSEs shown RESERVED during their slots (CPO); resumed on start. */
  evseStatus: BookedEvseStatus;
  emsp: EmspBookings;
  module: OcpiModule;
}

/**
 * The Bookings module: our Bookings pushed to the eMSP that requested each (waking the
 * worker), and the START_SESSION check of booked EVSEs.
 */
export function wireBookings(
  node: OcpiNode,
  wake: () => void,
  commands: Commands,
  publishers: Publishers,
): Bookings {
  const cpo = new CpoBookings(node, new Publisher(node, bookingsSpec, wake), wake);
  const evseStatus = new BookedEvseStatus(node, cpo.repo, publishers.locations);
  cpo.onChange((booking) => evseStatus.schedule(booking));
  // A booked EVSE starts only for its booking's driver during the slot, which fulfils it.
  commands.cpo.handleBookings(cpo);
  return { cpo, evseStatus, emsp: new EmspBookings(node), module: bookingsModule(cpo) };
}

/** What `app.ocpi.bookings` offers (see OcpiApi.bookings). */
export interface BookingsApi {
  /** eMSP: POSTs a BookingRequest to a CPO (partner id, or 'CC*PID'); resolves with the Booking. */
  request(partner: string, request: BookingRequest): Promise<Booking>;
  /** eMSP: changes a booking: a request with the same request_id. */
  change(partner: string, request: BookingRequest): Promise<Booking>;
  /** CPO: cancels one of our bookings (who_canceled CPO); the eMSP is told. */
  cancel(bookingId: string, reason: CanceledReason): Promise<Booking>;
  /** eMSP: cancels a booking of ours at a CPO partner (who_canceled EMSP). */
  cancel(partner: string, requestId: string, reason: CanceledReason): Promise<Booking>;
  /** eMSP: our copy of a booking at a CPO partner, by our request_id. */
  received(partnerId: string, requestId: string): Promise<Booking | undefined>;
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
  function cancel(bookingId: string, reason: CanceledReason): Promise<Booking>;
  function cancel(partner: string, requestId: string, reason: CanceledReason): Promise<Booking>;
  function cancel(first: string, second: string, third?: CanceledReason): Promise<Booking> {
    if (third === undefined) return bookings.cpo.cancel(first, second as CanceledReason);
    return bookings.emsp.cancel(first, second, third);
  }
  return {
    request: (partner, request) => bookings.emsp.request(partner, request),
    change: (partner, request) => bookings.emsp.request(partner, request),
    cancel,
    received: (partnerId, requestId) => bookings.emsp.received(partnerId, requestId),
    get: (bookingId) => bookings.cpo.get(bookingId),
    locations: Object.assign(locations, {
      sync: (partnerId: string, options?: PullOptions) =>
        syncFromPartner(node, partnerId, bookingLocationsSpec, options),
    }),
  };
}
