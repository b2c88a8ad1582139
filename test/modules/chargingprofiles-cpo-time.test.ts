import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROFILE,
  PROFILE_CASES,
  type ProfilePair,
  simulatedChargers,
  startProfilePair,
} from '../support/profile-pair.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

const TIMEOUT_MS = 30_000;
/** The slow charger answers this long after the CPO gave up. */
const LATE_MS = 500;
const TICK_MS = 60_000;

/*
 * Timeouts, the rate limit and the power of a profiled session, on a manual clock shared by
 * both nodes and the chargers: time moves only when the test moves it.
 */
describe.each(PROFILE_CASES)(
  'ChargingProfiles, CPO side, in time, over OCPI %s on %s',
  (version, _store, store) => {
    const { clock, sim, gateway } = simulatedChargers({ tickMs: TICK_MS, slowMs: TIMEOUT_MS + LATE_MS });
    const warnings = new EventEmitter<{ line: [{ msg?: string; command?: string }] }>();
    let pair: ProfilePair;

    beforeAll(async () => {
      const logger = pino(
        { level: 'warn' },
        { write: (line: string) => warnings.emit('line', JSON.parse(line)) },
      );
      pair = await startProfilePair(
        version,
        store,
        clock,
        gateway,
        { logger, chargingProfiles: { rateLimit: { requests: 3, windowSeconds: 60 } } },
        ['SILENT', 'SLOW', 'OFTEN', 'OTHER', 'LIMITED', 'FREE'],
      );
    }, 60_000);
    afterAll(async () => {
      sim.close();
      await pair?.close();
    });

    const rows = (status: 'done' | 'timed_out') =>
      pair.cpo.ocpi.store.db
        .selectFrom('ocpi_commands')
        .select(['id', 'result'])
        .where('command', '=', 'SET_CHARGING_PROFILE')
        .where('status', '=', status)
        .execute();
    const subscribers = (sessionId: string) =>
      pair.cpo.ocpi.store.db
        .selectFrom('ocpi_profile_subscribers')
        .select('partner_id')
        .where('session_id', '=', sessionId)
        .execute();

    it('a charger that never answers: one REJECTED result when the timeout is up, no setter recorded', async () => {
      const session = await pair.startCharging('SILENT');
      sim.setBehaviour('SILENT', 'silent');
      const url = pair.catcher.url('silent');
      const before = gateway.seen.length;
      const reply = await pair.put(session, { charging_profile: PROFILE, response_url: url });
      expect(reply.body.data).toEqual({ result: 'ACCEPTED', timeout: 30 });
      await waitFor(() => gateway.seen.length > before);
      await clock.advance(TIMEOUT_MS - 1);
      await deliverySettled(pair.cpo.ocpi.delivery);
      expect(pair.catcher.at(url)).toEqual([]);
      await clock.advance(1);
      await waitFor(() => pair.catcher.at(url).length > 0);
      await deliverySettled(pair.cpo.ocpi.delivery);
      expect(pair.catcher.at(url).map((c) => c.body)).toEqual([{ result: 'REJECTED' }]);
      expect(await rows('timed_out')).toMatchObject([{ result: 'REJECTED' }]);
      expect(await subscribers(session)).toEqual([]);
    });

    it("a charger's answer after the timeout is logged as late and not sent", async () => {
      const session = await pair.startCharging('SLOW');
      sim.setBehaviour('SLOW', 'slow');
      const url = pair.catcher.url('slow');
      const before = gateway.seen.length;
      await pair.put(session, { charging_profile: PROFILE, response_url: url });
      await waitFor(() => gateway.seen.length > before);
      await clock.advance(TIMEOUT_MS);
      await waitFor(() => pair.catcher.at(url).length > 0);
      const late = new Promise<void>((resolve) => {
        const listen = (line: { msg?: string }) => {
          if (!/late, after its timeout/.test(line.msg ?? '')) return;
          warnings.off('line', listen);
          resolve();
        };
        warnings.on('line', listen);
      });
      await clock.advance(LATE_MS);
      await late;
      await deliverySettled(pair.cpo.ocpi.delivery);
      expect(pair.catcher.at(url).map((c) => c.body)).toEqual([{ result: 'REJECTED' }]);
      // The charger took the profile late, but the partner was told REJECTED: it is no setter.
      expect(await subscribers(session)).toEqual([]);
      expect((await pair.cpo.ocpi.delivery.listPending()).filter((e) => e.kind === 'profile-result')).toEqual(
        [],
      );
    });

    it('TOO_OFTEN over the rate limit of a session, ACCEPTED again once the window moved', async () => {
      const session = await pair.startCharging('OFTEN');
      const get = () =>
        pair.ask(() => pair.get(session, `duration=60&response_url=${pair.catcher.url('often')}`));
      for (let i = 0; i < 3; i++) expect((await get()).body.data).toMatchObject({ result: 'ACCEPTED' });
      const before = gateway.seen.length;
      expect((await get()).body.data).toEqual({ result: 'TOO_OFTEN', timeout: 30 });
      expect((await get()).body.data).toMatchObject({ result: 'TOO_OFTEN' });
      expect(gateway.seen.length).toBe(before);
      // Another session is not limited by this one.
      const other = await pair.startCharging('OTHER');
      expect(
        (await pair.ask(() => pair.get(other, `duration=60&response_url=${pair.catcher.url('other')}`))).body
          .data,
      ).toMatchObject({ result: 'ACCEPTED' });
      await clock.advance(60_000);
      expect((await get()).body.data).toMatchObject({ result: 'ACCEPTED' });
    });

    it('power follows the limit: energy after ten ticks with a 6 kW profile and without one', {
      timeout: 90_000,
    }, async () => {
      const limited = await pair.startCharging('LIMITED');
      const free = await pair.startCharging('FREE');
      // A 6 kW limit (then 11 kW after 30 minutes).
      const url = pair.catcher.url('limit');
      await pair.ask(() => pair.put(limited, { charging_profile: PROFILE, response_url: url }));
      await waitFor(() => pair.catcher.at(url).length > 0);
      expect(pair.catcher.at(url)[0]?.body).toEqual({ result: 'ACCEPTED' });
      for (let i = 0; i < 10; i++) await clock.advance(TICK_MS);
      const kwh = async (id: string) => Number((await pair.cpo.ocpi.sessions.get(id))?.kwh);
      // 6 kW for 10 minutes is 1 kWh; without a profile, 0.5 kWh a tick (5 kWh). Under CI
      // load the unprofiled session has shown 9 of its 10 readings (4.5): the comparison
      // below holds either way; why a reading goes missing is open (see the closing note).
      await waitFor(async () => (await kwh(limited)) === 1 && (await kwh(free)) >= 4.5, {
        what: 'the meter values of both sessions',
        timeoutMs: 30_000,
      }).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${await kwh(limited)} and ${await kwh(free)} kWh`);
      });
      expect(await kwh(limited)).toBeLessThan((await kwh(free)) / 4);
      // 16 A on 3 phases at 230 V is 11.04 kW: 0.184 kWh a minute.
      const amps = pair.catcher.url('amps');
      await pair.ask(() =>
        pair.put(limited, {
          charging_profile: {
            charging_rate_unit: 'A',
            charging_profile_period: [{ start_period: 0, limit: 16 }],
          },
          response_url: amps,
        }),
      );
      await waitFor(() => pair.catcher.at(amps).length > 0);
      for (let i = 0; i < 5; i++) await clock.advance(TICK_MS);
      await waitFor(async () => (await kwh(limited)) === 1.92, {
        what: '5 more minutes at 16 A',
        timeoutMs: 30_000,
      });
    });
  },
);
