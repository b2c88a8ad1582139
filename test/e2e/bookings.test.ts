import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '../../src/model/v230/bookings.ts';
import { OcpiError } from '../../src/transport/errors.ts';
import { at, bookingLocation, bookingRequest } from '../support/bookings.ts';
import { call, startNode } from '../support/nodes.ts';
import { eventually, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

/** The Bookings lifecycle between a CPO and an eMSP over real HTTP, on both stores. */
describe.each(STORES)('bookings end to end (%s)', (_name, store) => {
  let pair: Pair;
  const pushed: Booking[] = [];
  let senderUrl: string;

  beforeAll(async () => {
    pair = await startPair('2.3.0', {}, store);
    pair.emsp.ocpi.events.on('received', (e: { module: string; object: Booking }) => {
      if (e.module === 'bookings') pushed.push(e.object);
    });
    senderUrl = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '')}2.3.0/sender/bookings`;
  });
  afterAll(() => pair.close());

  const lastPush = (requestId: string) => pushed.filter((b) => b.request_id === requestId).at(-1);

  it('publishes BookingLocations to the eMSP, which can also sync them', async () => {
    await pair.cpo.ocpi.bookings.locations.put(bookingLocation());
    const ref = { countryCode: 'NL', partyId: 'CPO', id: 'BL1' };
    const received = await eventually(() => pair.emsp.ocpi.bookings.locations.received(pair.cpoAtEmsp, ref));
    expect(received.calendars?.[0]?.id).toBe('CAL1');
    const progress = await pair.emsp.ocpi.bookings.locations.sync(pair.cpoAtEmsp);
    expect(progress).toMatchObject({ received: 1, skipped: 0 });
  });

  it('books, changes and cancels, each change pushed to the eMSP', async () => {
    const booking = await pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest('R1'));
    expect(booking).toMatchObject({ reservation_status: 'RESERVED', request_id: 'R1', location_id: 'LOC1' });
    expect(booking.booking_requests[0]?.request_status).toBe('ACCEPTED');
    await eventually(async () => lastPush('R1')?.reservation_status === 'RESERVED');

    const changed = await pair.emsp.ocpi.bookings.change(
      pair.cpoAtEmsp,
      bookingRequest('R1', '12:00', '13:00'),
    );
    expect(changed.id).toBe(booking.id);
    expect(changed.period.start_date_time).toBe(at('12:00'));
    expect(changed.booking_requests).toHaveLength(2);
    await eventually(async () => lastPush('R1')?.booking_requests.length === 2);

    const canceled = await pair.emsp.ocpi.bookings.cancelRequest(pair.cpoAtEmsp, 'R1', 'TRAFFIC');
    expect(canceled).toMatchObject({
      reservation_status: 'CANCELED',
      canceled: { cancellation_reason: 'TRAFFIC', who_canceled: 'EMSP' },
    });
    await eventually(async () => lastPush('R1')?.reservation_status === 'CANCELED');
    const copy = await pair.emsp.ocpi.bookings.received(pair.cpoAtEmsp, 'R1');
    expect(copy?.reservation_status).toBe('CANCELED');
  });

  it('refuses a double booking of the EVSE, and frees the slot of a canceled one', async () => {
    const first = await pair.emsp.ocpi.bookings.request(
      pair.cpoAtEmsp,
      bookingRequest('R2', '14:00', '15:00'),
    );
    const refused = pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest('R3', '14:30', '15:30'));
    await expect(refused).rejects.toMatchObject({
      statusCode: 2000,
      message: expect.stringMatching(/already booked/),
    });
    // R1 was canceled: its 12:00-13:00 slot is free again.
    await pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest('R4', '12:00', '13:00'));
    const cpoCancel = await pair.cpo.ocpi.bookings.cancel(first.id, 'BROKEN_CHARGER');
    expect(cpoCancel.canceled).toEqual({ cancellation_reason: 'BROKEN_CHARGER', who_canceled: 'CPO' });
    await eventually(async () => lastPush('R2')?.canceled?.who_canceled === 'CPO');
  });

  it('refuses a period in the past, outside the calendar, or against the terms, storing nothing', async () => {
    const cases: Array<[ReturnType<typeof bookingRequest>, RegExp]> = [
      [
        bookingRequest('P1', '10:00', '11:00', {
          period: { start_date_time: '2020-01-01T10:00:00Z', end_date_time: '2020-01-01T11:00:00Z' },
        }),
        /past/,
      ],
      [bookingRequest('P2', '11:00', '10:00'), /after start/],
      [bookingRequest('P3', '19:00', '21:00'), /available timeslot/],
      [bookingRequest('P4', '08:00', '08:05'), /min_booking_duration/],
      [bookingRequest('P5', '08:00', '13:00'), /max_booking_duration/],
      [bookingRequest('P6', '08:00', '09:00', { location_id: 'OTHER' }), /location_id/],
      // The calendar's timeslot_increment is 15 minutes, counted from the timeslot's 08:00.
      [bookingRequest('P7', '10:05', '11:05'), /period: .*timeslot_increment of 15/],
      [bookingRequest('P8', '10:00', '10:50'), /period: .*timeslot_increment of 15/],
    ];
    for (const [request, problem] of cases) {
      const refused = pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, request);
      await expect(refused).rejects.toMatchObject({
        statusCode: 2001,
        message: expect.stringMatching(problem),
      });
    }
    const rows = await pair.cpo.ocpi.store.db
      .selectFrom('ocpi_bookings')
      .select('request_id')
      .where('request_id', 'like', 'P%')
      .execute();
    expect(rows).toEqual([]);
  });

  it('answers 2003 (HTTP 404) for an unknown BookingLocation', async () => {
    const token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    const reply = await call(senderUrl, {
      method: 'POST',
      token,
      body: bookingRequest('U1', '10:00', '11:00', { booking_location_id: 'NOPE' }),
    });
    expect(reply.status).toBe(404);
    expect(reply.body.status_code).toBe(2003);
  });

  it('keeps bookings apart per eMSP: another one can neither see nor change them', async () => {
    const other = await startNode({
      parties: [{ countryCode: 'FR', partyId: 'OTH', role: 'EMSP', businessDetails: { name: 'Other' } }],
      store: store(),
    });
    try {
      const partner = await other.ocpi.registerWith(
        pair.cpo.ocpi.versionsUrl(),
        await pair.cpo.ocpi.createRegistrationToken(),
      );
      const token = await tokenOf(other, partner.id);
      const list = await call(senderUrl, { token });
      expect(list.body.data).toEqual([]);
      const asOther = await call(senderUrl, {
        method: 'POST',
        token,
        body: bookingRequest('R4', '16:00', '17:00'),
      });
      expect(asOther.body.status_code).toBe(2001);
      expect(String(asOther.body.status_message)).toMatch(/not a party of the calling platform/);
      const cancel = bookingRequest('R4', '12:00', '13:00', {
        country_code: 'FR',
        party_id: 'OTH',
        canceled: { cancellation_reason: 'TRAFFIC', who_canceled: 'EMSP' },
      });
      const canceled = await call(senderUrl, { method: 'POST', token, body: cancel });
      expect(canceled.body.status_code).toBe(2001);
      const mine = await pair.cpo.ocpi.store.db
        .selectFrom('ocpi_bookings')
        .select('status')
        .where('request_id', '=', 'R4')
        .executeTakeFirstOrThrow();
      expect(mine.status).toBe('RESERVED');
      const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
      const own = await call(senderUrl, { token: emspToken });
      expect((own.body.data as Booking[]).map((b) => b.request_id).sort()).toEqual(['R1', 'R2', 'R4']);
    } finally {
      await other.close();
    }
  });

  it('gives one booking to two concurrent requests for one slot', async () => {
    const requests = ['C1', 'C2', 'C3', 'C4'].map((id) =>
      pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest(id, '18:00', '19:00')),
    );
    const results = await Promise.allSettled(requests);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(OcpiError);
    const rows = await pair.cpo.ocpi.store.db
      .selectFrom('ocpi_bookings')
      .select('request_id')
      .where('request_id', 'in', ['C1', 'C2', 'C3', 'C4'])
      .execute();
    expect(rows).toHaveLength(1);
  });
});
