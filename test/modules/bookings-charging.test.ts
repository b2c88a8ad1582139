import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChargerGateway } from '../../src/modules/commands/gateway.ts';
import { at, bookingLocation, bookingRequest } from '../support/bookings.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { evse, location } from '../support/objects.ts';
import { eventually, type Pair, startPair } from '../support/pair.ts';

/** A charger that takes every command. */
const gateway: ChargerGateway = {
  execute: (command, report) => report.outcome(command.commandId, 'ACCEPTED'),
};

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
 * or authorization_reference, which fulfils the booking (pushed to the eMSP).
 */
describe('START_SESSION on a booked EVSE', () => {
  let pair: Pair;
  const clock = new ManualClock(Date.parse(at('09:00')));

  beforeAll(async () => {
    pair = await startPair('2.3.0', { cpo: { clock, commands: { gateway } } });
    const loc = location('LOC1', 1);
    await pair.cpo.ocpi.locations.put(
      JSON.parse(
        JSON.stringify({
          ...loc,
          evses: [{ ...evse('E1'), capabilities: ['REMOTE_START_STOP_CAPABLE'] }],
        }),
      ),
      '2.3.0',
    );
    await pair.cpo.ocpi.bookings.locations.put(bookingLocation());
    await pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest('CH1', '10:00', '11:00'));
    await pair.emsp.ocpi.bookings.request(pair.cpoAtEmsp, bookingRequest('CH2', '12:00', '13:00'));
  });
  afterAll(() => pair.close());

  const start = (uid: string, authorizationReference?: string) =>
    pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: token(uid) as Parameters<typeof pair.emsp.ocpi.commands.startSession>[1]['token'],
      location_id: 'LOC1',
      evse_uid: 'E1',
      ...(authorizationReference ? { authorization_reference: authorizationReference } : {}),
    });

  it('lets anyone start the EVSE outside a booked slot', async () => {
    const sent = await start('SOMEONE');
    expect(sent.response.result).toBe('ACCEPTED');
  });

  it("refuses another driver during the slot, and takes the booking's own token, fulfilling it", async () => {
    await clock.advance(75 * 60_000); // 10:15
    const other = await start('SOMEONE');
    expect(other.response.result).toBe('REJECTED');
    const own = await start('TOK1');
    expect(own.response.result).toBe('ACCEPTED');
    const fulfilled = await eventually(async () => {
      const copy = await pair.emsp.ocpi.bookings.received(pair.cpoAtEmsp, 'CH1');
      return copy?.reservation_status === 'FULFILLED' ? copy : undefined;
    });
    expect(fulfilled.request_id).toBe('CH1');
  });

  it("takes the booking's authorization_reference too", async () => {
    await clock.advance(2 * 60 * 60_000); // 12:15
    const own = await start('ANOTHER-CARD', 'AUTH-CH2');
    expect(own.response.result).toBe('ACCEPTED');
    await eventually(async () => {
      const copy = await pair.emsp.ocpi.bookings.received(pair.cpoAtEmsp, 'CH2');
      return copy?.reservation_status === 'FULFILLED' || undefined;
    });
  });
});
