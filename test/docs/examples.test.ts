import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as bodies from '../../examples/command-bodies.ts';
import { startCpo } from '../../examples/cpo.ts';
import { DRIVER_TOKEN, LOCATION } from '../../examples/demo-site.ts';
import { chargeOnce, startEmsp } from '../../examples/emsp.ts';
import { gettingStarted } from '../../examples/getting-started.ts';
import { parseObject } from '../../src/index.ts';
import { STORES } from '../support/stores.ts';

/*
 * The examples the docs show, run as they are against real nodes on loopback (port 0): what
 * they print is what the docs say they print.
 */

/** What the examples print, line by line, instead of the test's output. */
let printed: string[] = [];
beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.join(' '));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the examples of the docs', () => {
  // Two nodes, each opening a PGlite database: seconds each on a busy machine.
  it('getting-started: the eMSP registers with the CPO and receives its Location', {
    timeout: 120_000,
  }, async () => {
    const run = await gettingStarted();
    try {
      expect(run.cpoAtEmsp.version).toBe('2.3.0');
      expect(run.location).toMatchObject({ id: LOCATION.id, country_code: 'NL', party_id: 'CPO' });
      expect(printed).toEqual([
        'the eMSP registered with the CPO over OCPI 2.3.0',
        'the eMSP received Location LOC-1 with 2 EVSEs',
      ]);
    } finally {
      await run.close();
    }
  });

  it.each(Object.entries(bodies))('command-bodies: %s is a valid OCPI 2.3.0 request', (name, body) => {
    const object = { startSession: 'StartSession', stopSession: 'StopSession', reserveNow: 'ReserveNow' }[
      name
    ];
    const parsed = parseObject('2.3.0', object ?? 'UnlockConnector', body);
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });
});

describe.each(STORES)('the full CPO and eMSP examples, on %s', (_name, store) => {
  it('START_SESSION to a priced CDR; the CPO decides on what its checks let through', {
    timeout: 120_000,
  }, async () => {
    const cpo = await startCpo({ port: 0, store: store() });
    const emsp = await startEmsp({ port: 0, store: store() });
    try {
      const partner = await emsp.ocpi.registerWith(
        cpo.ocpi.versionsUrl(),
        await cpo.ocpi.createRegistrationToken(),
      );
      await emsp.ocpi.tokens.put(DRIVER_TOKEN);
      const { session, cdr } = await chargeOnce(emsp, partner.id, DRIVER_TOKEN, {
        location_id: 'LOC-1',
        evse_uid: 'E1',
      });
      expect(session).toMatchObject({ status: 'ACTIVE', location_id: 'LOC-1', evse_uid: 'E1' });
      // 0.35 EUR per kWh before 21% VAT, whole kWh.
      const kwh = Number(cdr.total_energy);
      expect(kwh).toBeGreaterThanOrEqual(2);
      expect(cdr.total_cost).toEqual({
        before_taxes: Math.round(kwh * 35) / 100,
        taxes: [{ name: 'VAT', percentage: 21, amount: Math.round(kwh * 35 * 21) / 10_000 }],
      });
      expect(printed.slice(0, 3)).toEqual([
        'START_SESSION: CommandResponse ACCEPTED (timeout 60 s)',
        'START_SESSION: CommandResult ACCEPTED',
        `Session ${session.id}: ACTIVE`,
      ]);
      expect(printed[3]).toBe('STOP_SESSION: CommandResponse ACCEPTED, CommandResult ACCEPTED');

      // The example's decide: a blocked contract, no EVSE named, reservations.
      const blocked = await emsp.ocpi.commands.startSession(partner.id, {
        token: { ...DRIVER_TOKEN, contract_id: 'DE-MSP-C66666-6' },
        location_id: 'LOC-1',
        evse_uid: 'E2',
      });
      expect(blocked.response).toMatchObject({
        result: 'REJECTED',
        message: [{ language: 'en', text: 'this contract is blocked' }],
      });
      const anywhere = await emsp.ocpi.commands.startSession(partner.id, {
        token: DRIVER_TOKEN,
        location_id: 'LOC-1',
      });
      expect(anywhere.response.result).toBe('REJECTED');
      const reserve = await emsp.ocpi.commands.reserveNow(partner.id, {
        token: DRIVER_TOKEN,
        expiry_date: '2099-01-01T00:00:00Z',
        reservation_id: 'RES-1',
        location_id: 'LOC-1',
      });
      expect(reserve.response.result).toBe('NOT_SUPPORTED');
      // And the gateway: unlocking is not among what its chargers do.
      const unlock = await emsp.ocpi.commands.unlockConnector(partner.id, {
        location_id: 'LOC-1',
        evse_uid: 'E2',
        connector_id: '1',
      });
      expect(unlock.response.result).toBe('ACCEPTED');
      expect(await unlock.result).toMatchObject({ result: 'NOT_SUPPORTED', source: 'partner' });
    } finally {
      await Promise.all([emsp.close(), cpo.close()]);
    }
  });
});
