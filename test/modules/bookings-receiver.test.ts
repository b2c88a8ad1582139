import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Booking, BookingLocation } from '../../src/model/v230/bookings.ts';
import { EXAMPLE_EXCEPTIONS } from '../model/spec-example-exceptions.ts';
import { bookingLocation, bookingRequest } from '../support/bookings.ts';
import { call, startNode } from '../support/nodes.ts';
import { type Pair, startPair, tokenOf } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { STORES } from '../support/stores.ts';

/**
 * The eMSP's Bookings receiver, called as the CPO calls it: BookingLocations, their
 * Calendars and Bookings, PUT, PATCH and GET; bad input refused naming the field; and
 * every Bookings spec example the spec got right.
 */
describe.each(STORES)('bookings receiver (%s)', (_name, store) => {
  let pair: Pair;
  let base: string;
  let token: string;
  const booking = {
    id: 'B1',
    country_code: 'NL',
    party_id: 'CPO',
    request_id: 'R9',
    location_id: 'LOC1',
    booking_tokens: [],
    tariff_ids: ['T1'],
    period: { start_date_time: '2030-06-01T10:00:00Z', end_date_time: '2030-06-01T11:00:00Z' },
    reservation_status: 'RESERVED',
    access_information: [],
    authorization_reference: 'AUTH-R9',
    booking_terms: {
      supported_access_methods: ['TOKEN'],
      change_until_minutes: 60,
      cancel_until_minutes: 30,
    },
    booking_requests: [
      {
        request_status: 'ACCEPTED',
        booking_request: bookingRequest('R9'),
        request_received: '2030-05-01T10:00:00Z',
      },
    ],
    last_updated: '2030-05-01T10:00:00Z',
  };

  beforeAll(async () => {
    pair = await startPair('2.3.0', {}, store);
    base = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, '')}2.3.0/receiver/bookings`;
    token = await tokenOf(pair.cpo, pair.emspAtCpo);
  });
  afterAll(() => pair.close());

  const put = (path: string, body: unknown, as = token) =>
    call(`${base}${path}`, { method: 'PUT', token: as, body });
  const patch = (path: string, body: unknown, as = token) =>
    call(`${base}${path}`, { method: 'PATCH', token: as, body });
  const get = (path: string, as = token) => call(`${base}${path}`, { token: as });

  it('takes a BookingLocation and its Calendars; a Calendar write moves the parent last_updated', async () => {
    const location = bookingLocation();
    expect((await put('/NL/CPO/booking_locations/BL1', location)).body.status_code).toBe(1000);
    expect((await get('/NL/CPO/booking_locations/BL1')).body.data).toEqual(location);
    const calendar = { ...location.calendars?.[0], id: 'CAL2', last_updated: '2030-02-01T00:00:00Z' };
    expect((await put('/NL/CPO/booking_locations/BL1/CAL2', calendar)).body.status_code).toBe(1000);
    expect((await get('/NL/CPO/booking_locations/BL1/CAL2')).body.data).toEqual(calendar);
    const after = (await get('/NL/CPO/booking_locations/BL1')).body.data as BookingLocation;
    expect(after.last_updated).toBe('2030-02-01T00:00:00Z');
    const changed = await patch('/NL/CPO/booking_locations/BL1/CAL1', {
      timeslot_increment: 30,
      last_updated: '2030-03-01T00:00:00Z',
    });
    expect(changed.body.status_code).toBe(1000);
    const parent = (await get('/NL/CPO/booking_locations/BL1')).body.data as BookingLocation;
    expect(parent.last_updated).toBe('2030-03-01T00:00:00Z');
    expect(parent.calendars?.find((c) => c.id === 'CAL1')?.timeslot_increment).toBe(30);
  });

  it('takes a Booking under its request_id, and PATCHes of it (spec examples included)', async () => {
    expect((await put('/NL/CPO/R9', booking)).body.status_code).toBe(1000);
    expect((await get('/NL/CPO/R9')).body.data).toEqual(booking);
    const status = exampleJson('2.3.0-bookings', 'booking_patch_example_status_update.json');
    const later = { ...(status as object), last_updated: '2030-05-02T00:00:00Z' };
    expect((await patch('/NL/CPO/R9', later)).body.status_code).toBe(1000);
    // booking_patch_example_evse_uid.json names a field Booking has not (evse_uid lives in
    // booking_option): ignored, the rest (last_updated) applied.
    const evse = { ...(exampleJson('2.3.0-bookings', 'booking_patch_example_evse_uid.json') as object) };
    expect(
      (await patch('/NL/CPO/R9', { ...evse, last_updated: '2030-05-03T00:00:00Z' })).body.status_code,
    ).toBe(1000);
    const stored = (await get('/NL/CPO/R9')).body.data as Booking;
    expect(stored.last_updated).toBe('2030-05-03T00:00:00Z');
    expect(Value.Check(Booking, stored)).toBe(true);
  });

  it('refuses bad input with 2001 naming the field, storing nothing', async () => {
    const { location_id: _dropped, ...noLocation } = bookingLocation('BL2');
    const refused = await put('/NL/CPO/booking_locations/BL2', noLocation);
    expect(refused.body.status_code).toBe(2001);
    expect(String(refused.body.status_message)).toMatch(/location_id/);
    expect((await get('/NL/CPO/booking_locations/BL2')).status).toBe(404);
    const badStatus = await patch('/NL/CPO/R9', {
      reservation_status: 'MAYBE',
      last_updated: '2030-06-01T00:00:00Z',
    });
    expect(badStatus.body.status_code).toBe(2001);
    expect(String(badStatus.body.status_message)).toMatch(/reservation_status/);
    const otherId = await put('/NL/CPO/R10', booking);
    expect(otherId.body.status_code).toBe(2001);
    expect(String(otherId.body.status_message)).toMatch(/request_id/);
    const notCaller = await put('/BE/XXX/booking_locations/BL1', {
      ...bookingLocation(),
      country_code: 'BE',
      party_id: 'XXX',
    });
    expect(notCaller.body.status_code).toBe(2001);
    expect((await get('/NL/CPO/R10')).status).toBe(404);
  });

  it('lets no other CPO read or PATCH a Booking it did not push', async () => {
    const other = await startNode({
      parties: [{ countryCode: 'BE', partyId: 'CP2', role: 'CPO', businessDetails: { name: 'Other CPO' } }],
      versions: ['2.3.0'],
      store: store(),
    });
    try {
      await pair.emsp.ocpi.createRegistrationToken('other-cpo-token');
      const partner = await other.ocpi.registerWith(pair.emsp.ocpi.versionsUrl(), 'other-cpo-token');
      const otherToken = await tokenOf(other, partner.id);
      expect((await get('/NL/CPO/R9', otherToken)).status).toBe(404);
      const foreign = await patch(
        '/NL/CPO/R9',
        { reservation_status: 'CANCELED', last_updated: '2031-01-01T00:00:00Z' },
        otherToken,
      );
      expect(foreign.body.status_code).toBe(2001);
      const unknown = await patch(
        '/BE/CP2/R9',
        { reservation_status: 'CANCELED', last_updated: '2031-01-01T00:00:00Z' },
        otherToken,
      );
      expect(unknown.body.status_code).toBe(2000);
      expect(((await get('/NL/CPO/R9')).body.data as Booking).reservation_status).toBe('RESERVED');
    } finally {
      await other.close();
    }
  });

  it('refuses the spec examples the spec got wrong, as spec-example-exceptions.ts says', async () => {
    const broken: Array<[string, string]> = [
      ['booking_location_example.json', '/NL/IHO/booking_locations/12345'],
      ['booking_example.json', '/NL/INF12/RE1222'],
    ];
    for (const [file, path] of broken) {
      expect(EXAMPLE_EXCEPTIONS[file]).toBeDefined();
      const reply = await put(path, exampleJson('2.3.0-bookings', file));
      expect(reply.body.status_code).toBe(2001);
    }
    // A Calendar PATCH whose timeslot keys carry a trailing space: its timeslots lack their
    // times, and the Calendar they would make is refused.
    const calendar = exampleJson('2.3.0-bookings', 'booking_location_patch_example_calendar.json');
    expect((await patch('/NL/CPO/booking_locations/BL1/CAL1', calendar)).body.status_code).toBe(2001);
    // A terms PATCH without the terms' required fields: PATCH replaces a nested object whole.
    const terms = exampleJson('2.3.0-bookings', 'booking_location_patch_example_terms.json');
    const refused = { ...(terms as object), last_updated: '2031-01-01T00:00:00Z' };
    expect((await patch('/NL/CPO/booking_locations/BL1', refused)).body.status_code).toBe(2001);
  });

  it("sends only objects its strict schemas accept from the CPO's sender", async () => {
    await pair.cpo.ocpi.bookings.locations.put(bookingLocation());
    await pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest('S1'));
    const cpoBase = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '')}2.3.0/sender/bookings`;
    const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    const locations = await call(`${cpoBase}/booking_locations?timeslot_from=2030-06-01T09:00:00Z`, {
      token: emspToken,
    });
    expect((locations.body.data as unknown[]).every((l) => Value.Check(BookingLocation, l))).toBe(true);
    expect(locations.body.data).toHaveLength(1);
    const none = await call(`${cpoBase}/booking_locations?timeslot_from=2030-07-01T00:00:00Z`, {
      token: emspToken,
    });
    expect(none.body.data).toEqual([]);
    const bookings = await call(cpoBase, { token: emspToken });
    expect((bookings.body.data as unknown[]).every((b) => Value.Check(Booking, b))).toBe(true);
    const calendar = await call(`${cpoBase}/booking_locations/BL1/CAL1`, { token: emspToken });
    expect(calendar.body.data).toMatchObject({ id: 'CAL1' });
    const missing = await call(`${cpoBase}/booking_locations/NOPE`, { token: emspToken });
    expect([missing.status, missing.body.status_code]).toEqual([404, 2003]);
  });
});
