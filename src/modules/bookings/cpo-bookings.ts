import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { enqueue } from '../../delivery/outbox.ts';
import { formatDateTime } from '../../model/datetime.ts';
import type {
  Booking,
  BookingLocation,
  BookingRequest,
  CanceledReason,
  ReservationStatus,
} from '../../model/v230/bookings.ts';
import { describeIssues } from '../../model/validate.ts';
import type { OcpiNode } from '../../node.ts';
import { isPartnerParty } from '../../partners/registry.ts';
import type { Partner } from '../../partners/types.ts';
import { BookingRepository } from '../../store/booking-repository.ts';
import type { Database } from '../../store/schema.ts';
import { errorCode, OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import type { Publisher, WholePushes } from '../objects/publisher.ts';
import { partyKey } from '../objects/spec.ts';
import {
  canceledBooking,
  changedBooking,
  decidedBooking,
  newBooking,
  requesterOf,
} from './booking-object.ts';
import { type BookedSlot, checkChangeAllowed, checkRequest, slotTaken } from './checks.ts';
import { parseBookingRequest } from './read.ts';
import type { BookingApprover, BookingDecision } from './service.ts';

type Db = Kysely<Database>;

/** Told of every committed change to one of our bookings (the charging side listens). */
export type BookingListener = (booking: Booking) => void;

/**
 * Our Bookings (CPO side): requests, changes and cancellations from eMSPs checked and
 * stored, every change pushed (PUT of the whole Booking) to the eMSP that requested it.
 *
 * No double booking, also between instances sharing PostgreSQL: a request is checked and
 * stored in one transaction holding an advisory transaction lock on its BookingLocation,
 * so requests for one BookingLocation are decided one at a time.
 */
export class CpoBookings {
  readonly repo: BookingRepository;
  private readonly listeners = new Set<BookingListener>();

  constructor(
    private readonly node: OcpiNode,
    private readonly publisher: Publisher<'bookings'>,
    private readonly wake: () => void,
    private readonly approve?: BookingApprover,
  ) {
    this.repo = new BookingRepository(node.store.db);
  }

  /** Listens to every committed change of a booking; returns the unsubscribe. */
  onChange(listener: BookingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The bookings a partner's parties requested, a page at a time. */
  list(partner: Partner, page: { offset: number; limit: number; dateFrom?: Date; dateTo?: Date }) {
    return this.repo.list({ ...page, requesters: partner.parties.map(partyKey) });
  }

  /** One of our bookings by its id. */
  async get(bookingId: string): Promise<Booking | undefined> {
    return (await this.repo.byId(bookingId))?.data;
  }

  /**
   * A BookingRequest POSTed by a partner: a new booking, a change of the booking with
   * the same request_id, or (with `canceled`) its cancellation. Answers the Booking as it
   * now is; refusals throw, and store nothing.
   */
  async request(partner: Partner, body: unknown): Promise<Booking> {
    const parsed = parseBookingRequest(body);
    if (!parsed.ok) throw OcpiError.invalid(`invalid BookingRequest: ${describeIssues(parsed.errors)}`);
    const request = parsed.value;
    if (!isPartnerParty(partner, request.country_code, request.party_id))
      throw OcpiError.invalid(
        `country_code/party_id: ${request.country_code}*${request.party_id} is not a party of the calling platform`,
      );
    const requester = `${request.country_code}*${request.party_id}`.toUpperCase();
    const location = await this.node.services.booking_locations.getOwn(request.booking_location_id);
    if (!location)
      throw new OcpiError(
        'OCPI_ERR_UNKNOWN_LOCATION',
        `unknown BookingLocation ${request.booking_location_id}`,
        {
          statusCode: OcpiStatus.UNKNOWN_LOCATION,
          httpStatus: 404,
        },
      );
    const now = this.node.clock.now();
    const stamp = formatDateTime(new Date(now));
    const stored = await this.repo.byRequest(requester, request.request_id);
    const candidate =
      stored?.data ??
      newBooking(
        randomUUID(),
        request,
        location,
        { evseUid: '', start: new Date(now), end: new Date(now) },
        stamp,
      );
    // A new booking is decided by the approval hook first (outside the lock: it may be slow).
    const decision =
      stored || request.canceled ? 'RESERVED' : await this.decide(partner, request, location, now);
    const pushes = await this.publisher.stageWholePush(candidate);
    const written = await this.transaction(location.id, pushes, async (trx) => {
      const existing = (await this.repo.byRequest(requester, request.request_id, trx))?.data;
      if (request.canceled) {
        if (!existing) throw OcpiError.invalid(`request_id: no booking ${request.request_id} to cancel`);
        checkChangeAllowed(existing, now, true);
        // Who canceled is the requester, an eMSP: never what the body says.
        const canceled = {
          cancellation_reason: request.canceled.cancellation_reason,
          who_canceled: 'EMSP' as const,
        };
        return this.save(canceledBooking(existing, canceled, stamp, request), trx);
      }
      if (
        existing &&
        existing.booking_requests[0]?.booking_request.booking_location_id !== request.booking_location_id
      )
        throw OcpiError.invalid('booking_location_id: a booking cannot move to another BookingLocation');
      if (existing) checkChangeAllowed(existing, now, false);
      const slot = checkRequest(request, location, now);
      const unit = { bookingLocationId: location.id, evseUid: slot.evseUid };
      if (!existing && decision === 'REJECTED') {
        const rejected = newBooking(candidate.id, request, location, slot, stamp, 'REJECTED');
        await this.repo.insert(rejected, { ...unit, start: slot.start, end: slot.end, requester }, trx);
        return rejected;
      }
      if ((await this.repo.overlapping(unit, slot.start, slot.end, existing?.id, trx)).length > 0)
        throw slotTaken(location.id, slot);
      const columns = { ...unit, start: slot.start, end: slot.end };
      if (existing) {
        const changed = changedBooking(existing, request, slot, stamp);
        await this.repo.update(changed, columns, trx);
        return changed;
      }
      const booking = newBooking(candidate.id, request, location, slot, stamp, decision);
      await this.repo.insert(booking, { ...columns, requester }, trx);
      return booking;
    });
    return written;
  }

  /**
   * What the approval hook says of a new request that passed the input checks (default
   * RESERVED). A hook that fails answers 3000 and stores nothing.
   */
  private async decide(
    partner: Partner,
    request: BookingRequest,
    location: BookingLocation,
    now: number,
  ): Promise<BookingDecision> {
    if (!this.approve) return 'RESERVED';
    const slot: BookedSlot = checkRequest(request, location, now);
    let decision: unknown;
    try {
      decision = await this.approve(request, {
        partnerId: partner.id,
        bookingLocation: location,
        period: { start: slot.start, end: slot.end },
        ...(slot.evseUid ? { evseUid: slot.evseUid } : {}),
      });
    } catch (err) {
      if (err instanceof OcpiError) throw err;
      this.node.log.error({ err, request: request.request_id }, 'the booking approval hook failed');
      throw new OcpiError(OcpiStatus.SERVER_ERROR, 'the booking could not be decided now; try again');
    }
    if (decision === 'RESERVED' || decision === 'PENDING' || decision === 'REJECTED') return decision;
    this.node.log.error(
      { decision },
      'the booking approval hook answered neither RESERVED, PENDING nor REJECTED',
    );
    throw new OcpiError(OcpiStatus.SERVER_ERROR, 'the booking could not be decided now; try again');
  }

  /** Cancels one of our bookings from the CPO side (who_canceled CPO); pushed to the eMSP. */
  async cancel(bookingId: string, reason: CanceledReason): Promise<Booking> {
    const found = await this.known(bookingId);
    const canceled = await this.move(bookingId, ['RESERVED', 'PENDING'], (b, stamp) =>
      canceledBooking(b, { cancellation_reason: reason, who_canceled: 'CPO' }, stamp),
    );
    if (!canceled) throw OcpiError.invalid(`booking ${bookingId} is ${found.status}: not cancelable`);
    return canceled;
  }

  /** A PENDING booking accepted (RESERVED, its request ACCEPTED); pushed to the eMSP. */
  async accept(bookingId: string): Promise<Booking> {
    return this.decidePending(bookingId, 'RESERVED');
  }

  /** A PENDING booking rejected (REJECTED, its request DECLINED); pushed to the eMSP. */
  async reject(bookingId: string): Promise<Booking> {
    return this.decidePending(bookingId, 'REJECTED');
  }

  private async decidePending(bookingId: string, to: 'RESERVED' | 'REJECTED'): Promise<Booking> {
    const found = await this.known(bookingId);
    const decided = await this.move(bookingId, ['PENDING'], (b, stamp) => decidedBooking(b, to, stamp));
    if (!decided)
      throw OcpiError.invalid(`booking ${bookingId} is ${found.status}, not PENDING: nothing to decide`);
    return decided;
  }

  /** A booking used by a session: FULFILLED (if still RESERVED), pushed to the eMSP. */
  fulfil(bookingId: string): Promise<Booking | undefined> {
    return this.move(bookingId, ['RESERVED'], (b, stamp) => ({
      ...b,
      reservation_status: 'FULFILLED',
      last_updated: stamp,
    }));
  }

  /** A booking nobody used within its noshow_timeout: NO_SHOW (if still RESERVED), pushed to the eMSP. */
  noShow(bookingId: string): Promise<Booking | undefined> {
    return this.move(bookingId, ['RESERVED'], (b, stamp) => ({
      ...b,
      reservation_status: 'NO_SHOW',
      last_updated: stamp,
    }));
  }

  private async known(bookingId: string) {
    const found = await this.repo.byId(bookingId);
    if (!found) throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown booking ${bookingId}`);
    return found;
  }

  /**
   * Moves a booking from one of the statuses `from` to what `make` gives, with a
   * conditional UPDATE (WHERE status = the one read): of two instances making the same
   * move, one writes and pushes, the other gets undefined. Undefined too when the booking
   * is unknown or in another status.
   */
  private async move(
    bookingId: string,
    from: string[],
    make: (booking: Booking, stamp: string) => Booking,
  ): Promise<Booking | undefined> {
    const found = await this.repo.byId(bookingId);
    if (!found || !from.includes(found.status)) return undefined;
    const pushes = await this.publisher.stageWholePush(found.data);
    const stamp = formatDateTime(new Date(this.node.clock.now()));
    return this.transaction(found.booking_location_id, pushes, async (trx) => {
      const booking = (await this.repo.byId(bookingId, trx))?.data;
      const status: ReservationStatus | undefined = booking?.reservation_status;
      if (!booking || !status || !from.includes(status)) return undefined;
      const next = make(booking, stamp);
      return (await this.repo.transition(next, status, trx)) ? next : undefined;
    });
  }

  /** Stores a changed booking (its period and unit unchanged). */
  private async save(booking: Booking, trx: Db): Promise<Booking> {
    const row = await this.repo.byId(booking.id, trx);
    if (!row) throw OcpiError.invalid(`unknown booking ${booking.id}`);
    await this.repo.update(
      booking,
      {
        bookingLocationId: row.booking_location_id,
        evseUid: row.evse_uid,
        start: row.period_start,
        end: row.period_end,
      },
      trx,
    );
    return booking;
  }

  /**
   * Runs `work` in a transaction holding the lock of a BookingLocation, enqueues the push
   * of the booking it gives to the eMSP that requested it, wakes the delivery worker and
   * tells the listeners. A request_id taken by a racing request is refused (2001).
   */
  private async transaction<T extends Booking | undefined>(
    bookingLocationId: string,
    pushes: WholePushes<Booking>,
    work: (trx: Db) => Promise<T>,
  ): Promise<T> {
    let result: T;
    try {
      result = await this.node.store.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`ocpi_bookings:${bookingLocationId}`}))`.execute(
          trx,
        );
        const booking = await work(trx);
        if (booking) for (const m of pushes.messages(booking)) await enqueue(trx, m);
        return booking;
      });
    } catch (err) {
      if (errorCode(err) === '23505') throw OcpiError.invalid('request_id: already used for another booking');
      throw err;
    }
    this.wake();
    if (result) for (const listener of this.listeners) listener(result);
    return result;
  }
}

export { requesterOf };
