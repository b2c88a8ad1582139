/** What a START_SESSION on an EVSE meets of the bookings (see BookingGuard.checkStart). */
export type StartVerdict =
  /** No active booking holds the EVSE now. */
  | { kind: 'free' }
  /** The booking's own token or authorization_reference: allowed, and it fulfils the booking. */
  | { kind: 'own'; bookingId: string }
  /** Booked by someone else now: refused. */
  | { kind: 'booked'; message: string };

/**
 * The face Bookings shows Commands (CPO side): a booked EVSE may be started during its
 * slot only with the booking's token or authorization_reference, which fulfils it.
 */
export interface BookingGuard {
  checkStart(start: {
    locationId: string;
    evseUid?: string;
    tokenUid: string;
    authorizationReference?: string;
  }): Promise<StartVerdict>;
  /** A session of the booking's driver started: the booking is FULFILLED and the eMSP told. */
  fulfil(bookingId: string): Promise<unknown>;
}
