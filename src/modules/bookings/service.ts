import type { BookingLocation, BookingRequest } from '../../model/v230/bookings.ts';

/** What a START_SESSION meets of the bookings (see BookingGuard.checkStart). */
export type StartVerdict =
  /** No active booking holds the EVSE (or, without an EVSE, the Location) now. */
  | { kind: 'free' }
  /** The booking's own token or authorization_reference: allowed; its session will fulfil it. */
  | { kind: 'own'; bookingId: string }
  /** Booked by someone else now: refused. */
  | { kind: 'booked'; message: string };

/** Who started (or asks to start) a session, and where. */
export interface StartRequest {
  locationId: string;
  evseUid?: string;
  tokenUid: string;
  authorizationReference?: string;
}

/**
 * The face Bookings shows Commands (CPO side): a booked EVSE may be started during its
 * slot only with the booking's token or authorization_reference; the booking is FULFILLED
 * when the charger reports that session started.
 */
export interface BookingGuard {
  checkStart(start: StartRequest): Promise<StartVerdict>;
  /**
   * The charger reported a session started (of a START_SESSION with this token and
   * authorization_reference, on this EVSE, at `at`): the booking it uses is FULFILLED and
   * the eMSP told. Resolves with the fulfilled booking's id, if any.
   */
  sessionStarted(start: StartRequest & { evseUid: string; at: Date }): Promise<string | undefined>;
}

/** How a new booking request is answered: booked now, decided later, or refused (stored). */
export type BookingDecision = 'RESERVED' | 'PENDING' | 'REJECTED';

/** What the approval hook is told besides the request (the request passed every input check). */
export interface BookingApprovalContext {
  /** The partner that asked. */
  partnerId: string;
  bookingLocation: BookingLocation;
  period: { start: Date; end: Date };
  /** The booked EVSE, when the request or the BookingLocation names one. */
  evseUid?: string;
}

/**
 * Decides new booking requests (CPO): RESERVED (the default without a hook), PENDING (then
 * app.ocpi.bookings.accept()/reject() decide) or REJECTED. Changes and cancellations of a
 * booking are not asked.
 */
export type BookingApprover = (
  request: BookingRequest,
  context: BookingApprovalContext,
) => BookingDecision | Promise<BookingDecision>;
