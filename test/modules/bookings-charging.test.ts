import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargerCommand, ChargerGateway } from '../../src/modules/commands/gateway.ts';
import { at, bookingLocation, bookingRequest } from '../support/bookings.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { evse, location } from '../support/objects.ts';
import { eventually, type Pair, startPair } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const TOKEN = {
  country_code: 'DE',
  party_id: 'MSP',
  type: 'RFID',
  contract_id: 'DE-MSP-C1',
  issuer: 'Drive Co',
};
const token = (uid: string) => ({
  ...TOKEN,
  uid,
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: '2030-01-01T00:00:00Z',
});

/**
 * Booking and charging: during its slot a booked EVSE starts only for the booking's token
 * or authorization_reference; the booking is FULFILLED (pushed to the eMSP) when the
 * charger reports that session started, and stays RESERVED when the charger refuses.
 */
describe.each(STORES)('START_SESSION on a booked EVSE (%s)', (_name, store) => {
  let pair: Pair;
  const clock = new ManualClock(Date.parse(at('09:00')));
  /** What the charger does with the next START_SESSION: start charging, or refuse. */
  let charger: 'start' | 'refuse' = 'start';
  const seen: ChargerCommand[] = [];
  let sessions = 0;
  const gateway: ChargerGateway = {
    execute: (command, report) => {
      seen.push(command);
      if (command.type !== 'START_SESSION' || charger === 'refuse')
        return report.outcome(command.commandId, 'REJECTED', 'the charger says no');
      report.outcome(command.commandId, 'ACCEPTED');
      report.sessionStarted({
        sessionId: `S${++sessions}`,
        commandId: command.commandId,
        locationId: command.locationId,
        // Without an EVSE in the command the charger picks one: E1, the booked one.
        evseUid: command.evseUid ?? 'E1',
        connectorId: '1',
        kwh: 0,
        at: new Date(clock.now()),
      });
    },
  };
  const ids = new Map<string, string>();

  beforeAll(async () => {
    pair = await startPair('2.3.0', { cpo: { clock, commands: { gateway } } }, store);
    const remote = (uid: string) => ({ ...evse(uid), capabilities: ['REMOTE_START_STOP_CAPABLE'] });
    await pair.cpo.ocpi.locations.put(
      JSON.parse(JSON.stringify({ ...location('LOC1', 2), evses: [remote('E1'), remote('E2')] })),
      '2.3.0',
    );
    await pair.cpo.ocpi.bookings.locations.put(bookingLocation());
    for (const [id, from, to] of [
      ['CH1', '10:00', '11:00'],
      ['CH2', '12:00', '13:00'],
      ['CH3', '14:00', '15:00'],
    ] as const) {
      const booking = await pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest(id, from, to));
      ids.set(id, booking.id);
    }
  });
  afterAll(() => pair.close());

  const start = (
    uid: string,
    options: { authorizationReference?: string; evseUid?: string | null; locationId?: string } = {},
  ) =>
    pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: token(uid) as Parameters<typeof pair.emsp.ocpi.commands.startSession>[1]['token'],
      location_id: options.locationId ?? 'LOC1',
      ...(options.evseUid === null ? {} : { evse_uid: options.evseUid ?? 'E1' }),
      ...(options.authorizationReference ? { authorization_reference: options.authorizationReference } : {}),
    });
  const statusAtCpo = async (requestId: string) =>
    (await pair.cpo.ocpi.bookings.get(ids.get(requestId) ?? ''))?.reservation_status;
  const fulfilledAtEmsp = (requestId: string) =>
    eventually(async () => {
      const copy = await pair.emsp.ocpi.bookings.received(pair.cpoAtEmsp, requestId);
      return copy?.reservation_status === 'FULFILLED' ? copy : undefined;
    });

  it('lets anyone start the EVSE outside a booked slot', async () => {
    const sent = await start('SOMEONE');
    expect(sent.response.result).toBe('ACCEPTED');
  });

  it('refuses another driver during the slot; a start the charger refuses leaves the booking RESERVED', async () => {
    await clock.advance(75 * 60_000); // 10:15
    const other = await start('SOMEONE');
    expect(other.response.result).toBe('REJECTED');
    expect(other.response.message?.[0]?.text).toMatch(/booked by another driver/);

    charger = 'refuse';
    const refused = await start('TOK1');
    expect(refused.response.result).toBe('ACCEPTED');
    expect((await refused.result).result).toBe('REJECTED');
    expect(await statusAtCpo('CH1')).toBe('RESERVED');
  });

  it("is FULFILLED when the charger starts the session of the booking's own token", async () => {
    charger = 'start';
    const own = await start('TOK1');
    expect(own.response.result).toBe('ACCEPTED');
    const fulfilled = await fulfilledAtEmsp('CH1');
    expect(fulfilled.request_id).toBe('CH1');
    expect(await statusAtCpo('CH1')).toBe('FULFILLED');
  });

  it("takes the booking's authorization_reference too", async () => {
    await clock.advance(2 * 60 * 60_000); // 12:15
    const own = await start('ANOTHER-CARD', { authorizationReference: 'AUTH-CH2' });
    expect(own.response.result).toBe('ACCEPTED');
    await fulfilledAtEmsp('CH2');
  });

  it('without an EVSE, refuses other drivers while the Location has a booked slot, and takes the own one', async () => {
    await clock.advance(2 * 60 * 60_000); // 14:15
    const other = await start('SOMEONE', { evseUid: null });
    expect(other.response.result).toBe('REJECTED');
    expect(other.response.message?.[0]?.text).toMatch(/name a free evse_uid/);
    // Naming the free EVSE works.
    const named = await start('SOMEONE', { evseUid: 'E2' });
    expect(named.response.result).toBe('ACCEPTED');
    expect(await statusAtCpo('CH3')).toBe('RESERVED');

    const own = await start('TOK1', { evseUid: null });
    expect(own.response.result).toBe('ACCEPTED');
    await fulfilledAtEmsp('CH3');
  });

  // The bookings are read while the checks run: their failure must not outlive a refusal.
  it('answers what the checks refuse though the bookings cannot be read; what they accept fails', async () => {
    const db = pair.cpo.ocpi.store.db;
    const executed = seen.length;
    await sql`alter table ocpi_bookings rename to ocpi_bookings_away`.execute(db);
    try {
      const nowhere = await start('TOK1', { locationId: 'NOWHERE' });
      expect(nowhere.response.message?.[0]?.text).toMatch(/unknown location NOWHERE/);
      // The CPO could not answer (a server error): the eMSP's client reports it REJECTED.
      expect((await start('TOK1')).response).toEqual({ result: 'REJECTED' });
    } finally {
      await sql`alter table ocpi_bookings_away rename to ocpi_bookings`.execute(db);
    }
    expect(seen).toHaveLength(executed);
  });
});
