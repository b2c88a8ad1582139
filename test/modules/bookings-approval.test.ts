import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking, BookingRequest } from '../../src/model/v230/bookings.ts';
import type { BookingDecision } from '../../src/modules/bookings/service.ts';
import { bookingLocation, bookingRequest } from '../support/bookings.ts';
import { eventually, type Pair, startPair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

/**
 * The approval hook decides new booking requests: PENDING (decided later with accept() or
 * reject(), holding its slot meanwhile) or REJECTED (answered and stored). And the eMSP
 * API: cancelRequest() and received() take a CPO party 'CC*PID' as well as a partner id.
 */
describe.each(STORES)('booking approval (%s)', (_name, store) => {
  let pair: Pair;
  const pushed: Booking[] = [];
  const asked: string[] = [];
  const approve = async (
    request: BookingRequest,
    context: { partnerId: string },
  ): Promise<BookingDecision> => {
    asked.push(request.request_id);
    expect(context.partnerId).toBeTruthy();
    if (request.request_id.startsWith('PEND')) return 'PENDING';
    if (request.request_id.startsWith('REJ')) return 'REJECTED';
    if (request.request_id === 'BOOM') throw new Error('the approval service is down');
    return 'RESERVED';
  };

  beforeAll(async () => {
    pair = await startPair('2.3.0', { cpo: { bookings: { approve } } }, store);
    pair.emsp.ocpi.events.on('received', (e: { module: string; object: Booking }) => {
      if (e.module === 'bookings') pushed.push(e.object);
    });
    await pair.cpo.ocpi.bookings.locations.put(bookingLocation());
  });
  afterAll(() => pair.close());

  const lastPush = (requestId: string) => pushed.filter((b) => b.request_id === requestId).at(-1);
  const request = (id: string, from: string, to: string) =>
    pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest(id, from, to));
  const stored = (requestId: string) =>
    pair.cpo.ocpi.store.db
      .selectFrom('ocpi_bookings')
      .select('status')
      .where('request_id', '=', requestId)
      .executeTakeFirst();

  it('answers PENDING, holds the slot, and accept() makes it RESERVED, pushed to the eMSP', async () => {
    const pending = await request('PEND1', '10:00', '11:00');
    expect(pending.reservation_status).toBe('PENDING');
    expect(pending.booking_requests[0]?.request_status).toBe('PENDING');
    await expect(request('OTHER1', '10:30', '11:30')).rejects.toMatchObject({ statusCode: 2000 });

    const accepted = await pair.cpo.ocpi.bookings.accept(pending.id);
    expect(accepted.reservation_status).toBe('RESERVED');
    expect(accepted.booking_requests.map((r) => r.request_status)).toEqual(['ACCEPTED']);
    await eventually(async () => lastPush('PEND1')?.reservation_status === 'RESERVED');
    await expect(pair.cpo.ocpi.bookings.accept(pending.id)).rejects.toMatchObject({
      statusCode: 2001,
      message: expect.stringMatching(/not PENDING/),
    });
  });

  it('reject() makes a PENDING booking REJECTED (request DECLINED), pushed, and frees its slot', async () => {
    const pending = await request('PEND2', '12:00', '13:00');
    const rejected = await pair.cpo.ocpi.bookings.reject(pending.id);
    expect(rejected).toMatchObject({ reservation_status: 'REJECTED' });
    expect(rejected.booking_requests[0]?.request_status).toBe('DECLINED');
    await eventually(async () => lastPush('PEND2')?.reservation_status === 'REJECTED');
    const again = await request('OK2', '12:00', '13:00');
    expect(again.reservation_status).toBe('RESERVED');
  });

  it('answers REJECTED (request DECLINED) when the hook says so, and stores it as final', async () => {
    const rejected = await request('REJ1', '14:00', '15:00');
    expect(rejected.reservation_status).toBe('REJECTED');
    expect(rejected.booking_requests[0]?.request_status).toBe('DECLINED');
    expect((await stored('REJ1'))?.status).toBe('REJECTED');
    // A rejected booking holds no slot, and cannot be changed.
    expect((await request('OK3', '14:00', '15:00')).reservation_status).toBe('RESERVED');
    await expect(request('REJ1', '16:00', '17:00')).rejects.toMatchObject({
      statusCode: 2001,
      message: expect.stringMatching(/REJECTED and cannot be changed/),
    });
  });

  it('refuses bad input before asking the hook, and answers 3000 storing nothing when the hook fails', async () => {
    const before = asked.length;
    await expect(request('BAD1', '19:00', '21:00')).rejects.toMatchObject({ statusCode: 2001 });
    expect(asked.length).toBe(before);
    await expect(request('BOOM', '16:00', '17:00')).rejects.toMatchObject({ statusCode: 3000 });
    expect(await stored('BOOM')).toBeUndefined();
  });

  it('accept() and reject() of an unknown booking say so', async () => {
    await expect(pair.cpo.ocpi.bookings.accept('nope')).rejects.toMatchObject({
      code: 'OCPI_ERR_UNKNOWN_OBJECT',
    });
  });

  it("cancels at a CPO named by its party 'CC*PID', as request() does", async () => {
    const booking = await pair.emsp.ocpi.bookings.request(
      'NL*CPO',
      bookingRequest('PARTY1', '17:00', '18:00'),
    );
    expect(booking.reservation_status).toBe('RESERVED');
    expect((await pair.emsp.ocpi.bookings.received('NL*CPO', 'PARTY1'))?.id).toBe(booking.id);
    const canceled = await pair.emsp.ocpi.bookings.cancelRequest('NL*CPO', 'PARTY1', 'TRAFFIC');
    expect(canceled).toMatchObject({ reservation_status: 'CANCELED', canceled: { who_canceled: 'EMSP' } });
    await expect(pair.emsp.ocpi.bookings.cancelRequest('FR*XXX', 'PARTY1', 'TRAFFIC')).rejects.toMatchObject({
      code: 'OCPI_ERR_UNKNOWN_PARTNER',
    });
  });
});
