import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { enqueue } from '../../delivery/outbox.ts';
import { formatDateTime } from '../../model/datetime.ts';
import { parseObject } from '../../model/objects.ts';
import type { Booking, BookingRequest, CanceledReason } from '../../model/v230/bookings.ts';
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
import { canceledBooking, changedBooking, newBooking, requesterOf } from './booking-object.ts';
import { checkChangeAllowed, checkRequest, slotTaken } from './checks.ts';
import type { BookingGuard, StartVerdict } from './service.ts';

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
export class CpoBookings implements BookingGuard {
  readonly repo: BookingRepository;
  private readonly listeners = new Set<BookingListener>();

  constructor(
    private readonly node: OcpiNode,
    private readonly publisher: Publisher<'bookings'>,
    private readonly wake: () => void,
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
    const parsed = parseObject('2.3.0', 'BookingRequest', body);
    if (!parsed.ok) throw OcpiError.invalid(`invalid BookingRequest: ${describeIssues(parsed.errors)}`);
    // Checked by the schema just above: the canonical shape of 2.3.0 is the 2.3.0 shape.
    const request = parsed.value as BookingRequest;
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
      if ((await this.repo.overlapping(unit, slot.start, slot.end, existing?.id, trx)).length > 0)
        throw slotTaken(location.id, slot);
      const columns = { ...unit, start: slot.start, end: slot.end };
      if (existing) {
        const changed = changedBooking(existing, request, slot, stamp);
        await this.repo.update(changed, columns, trx);
        return changed;
      }
      const booking = newBooking(candidate.id, request, location, slot, stamp);
      await this.repo.insert(booking, { ...columns, requester }, trx);
      return booking;
    });
    return written;
  }

  /** Cancels one of our bookings from the CPO side (who_canceled CPO); pushed to the eMSP. */
  async cancel(bookingId: string, reason: CanceledReason): Promise<Booking> {
    const found = await this.repo.byId(bookingId);
    if (!found) throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown booking ${bookingId}`);
    const pushes = await this.publisher.stageWholePush(found.data);
    const stamp = formatDateTime(new Date(this.node.clock.now()));
    return this.transaction(found.booking_location_id, pushes, async (trx) => {
      const booking = (await this.repo.byId(bookingId, trx))?.data;
      if (!booking || (booking.reservation_status !== 'RESERVED' && booking.reservation_status !== 'PENDING'))
        throw OcpiError.invalid(
          `booking ${bookingId} is ${booking?.reservation_status ?? 'gone'}: not cancelable`,
        );
      return this.save(
        canceledBooking(booking, { cancellation_reason: reason, who_canceled: 'CPO' }, stamp),
        trx,
      );
    });
  }

  /**
   * A START_SESSION on an EVSE now (see service.ts): free, the booking's own token or
   * authorization_reference (token uids compare case-insensitively, as CiStrings), or
   * booked by another. Without an EVSE uid the command names no bookable unit: free.
   */
  async checkStart(start: {
    locationId: string;
    evseUid?: string;
    tokenUid: string;
    authorizationReference?: string;
  }): Promise<StartVerdict> {
    if (!start.evseUid) return { kind: 'free' };
    const rows = await this.repo.activeOnEvseAt(start.evseUid, new Date(this.node.clock.now()));
    const holding = rows
      .map((r) => r.data)
      .filter((b) => b.location_id.toUpperCase() === start.locationId.toUpperCase());
    if (holding.length === 0) return { kind: 'free' };
    const same = (a: string | undefined, b: string | undefined) =>
      a !== undefined && b !== undefined && a.toUpperCase() === b.toUpperCase();
    const own = holding.find(
      (b) =>
        same(b.authorization_reference, start.authorizationReference) ||
        (b.booking_tokens ?? []).some((t) => same(t.uid, start.tokenUid)),
    );
    if (own) return { kind: 'own', bookingId: own.id };
    return { kind: 'booked', message: `EVSE ${start.evseUid} is booked by another driver now` };
  }

  /** A booking used by a session (see service.ts): FULFILLED, pushed to the eMSP. */
  async fulfil(bookingId: string): Promise<Booking | undefined> {
    const found = await this.repo.byId(bookingId);
    if (!found) return undefined;
    const pushes = await this.publisher.stageWholePush(found.data);
    const stamp = formatDateTime(new Date(this.node.clock.now()));
    return this.transaction(found.booking_location_id, pushes, async (trx) => {
      const booking = (await this.repo.byId(bookingId, trx))?.data;
      if (booking?.reservation_status !== 'RESERVED') return booking;
      return this.save({ ...booking, reservation_status: 'FULFILLED', last_updated: stamp }, trx);
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
