import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ActiveChargingProfile, ChargingProfile } from '../../src/model/v230/chargingprofiles.ts';
import type { ChargerSimulator201, SimulatedTransaction201 } from '../../src/ocpp/simulator-201.ts';
import { driverToken, ocppSuite, stillTime } from '../support/ocpp.ts';
import { simulator201 } from '../support/ocpp-201.ts';
import { eventually } from '../support/pair.ts';
import { STORES } from '../support/stores.ts';

const PROFILE: ChargingProfile = {
  charging_rate_unit: 'W',
  charging_profile_period: [
    { start_period: 1800, limit: 11000 },
    { start_period: 0, limit: 6000 },
  ],
};
const firstLimit = (active: ActiveChargingProfile | undefined) =>
  active?.charging_profile.charging_profile_period?.[0]?.limit;

describe.each(STORES)('OCPI ChargingProfiles over OCPP 2.0.1, on %s', (_name, store) => {
  let sim: ChargerSimulator201;
  const pair = ocppSuite(store, { commands: { timeoutSeconds: 5 } }, () => sim);

  const profiles = () => pair.emsp.ocpi.chargingProfiles;
  const lastCall = (action: string) => sim.calls.filter((c) => c.action === action).at(-1);
  /** Starts a session on E2 (EVSE 2) remotely; gives its OCPI id and the charger's transaction. */
  async function charging(uid: string): Promise<{ sessionId: string; tx: SimulatedTransaction201 }> {
    const started = once(sim, 'transaction-started');
    const sent = await pair.emsp.ocpi.commands.startSession(pair.cpoAtEmsp, {
      token: driverToken(uid, { type: 'APP_USER' }),
      location_id: 'LOC1',
      evse_uid: 'E2',
    });
    expect(await sent.result).toMatchObject({ result: 'ACCEPTED' });
    const [tx] = (await started) as [SimulatedTransaction201];
    const session = await eventually(async () => {
      const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
      return items.find((s) => s.cdr_token.uid === uid && s.status === 'ACTIVE');
    });
    return { sessionId: session.id, tx };
  }
  const activeAtEmsp = (sessionId: string, limit: number) =>
    eventually(async () => {
      const active = await profiles().active(pair.cpoAtEmsp, sessionId);
      return firstLimit(active) === limit ? active : undefined;
    });

  it('SET is a SetChargingProfile (TxProfile of the transactionId), GET a GetCompositeSchedule, CLEAR a ClearChargingProfile', async () => {
    // Hourly readings (none come on their own in the test): a 6 kW limit gives 6 kWh a reading.
    // The charger's time stands still: the composite schedule it plans from its now keeps the
    // periods of the profile set, though a second passes between SET and GET on a slow machine.
    sim = simulator201(pair.cpo, {
      clock: stillTime(),
      meterIntervalSeconds: 3600,
      whPerReading: 22_000,
    });
    await sim.start();
    const { sessionId, tx } = await charging('APP-PROFILE-201-1');

    const set = await profiles().set(pair.cpoAtEmsp, sessionId, PROFILE);
    expect(await set.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    const setParams = lastCall('SetChargingProfile')?.params;
    expect(setParams).toEqual({
      evseId: 2,
      chargingProfile: {
        id: expect.any(Number),
        stackLevel: 0,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        transactionId: tx.transactionId,
        chargingSchedule: [
          {
            id: expect.any(Number),
            chargingRateUnit: 'W',
            chargingSchedulePeriod: [
              { startPeriod: 0, limit: 6000 },
              { startPeriod: 1800, limit: 11000 },
            ],
          },
        ],
      },
    });
    const profileId = (setParams as { chargingProfile: { id: number } }).chargingProfile.id;
    // The composite schedule of the next 900 s became the eMSP's active profile.
    const pushed = await activeAtEmsp(sessionId, 6000);
    expect(pushed.charging_profile).toEqual({
      charging_rate_unit: 'W',
      duration: 900,
      charging_profile_period: [{ start_period: 0, limit: 6000 }],
    });
    expect(lastCall('GetCompositeSchedule')?.params).toEqual({ duration: 900, evseId: 2 });
    // The charger applies the limit to what it meters.
    expect(await sim.meterValues(2)).toBe(tx.meterStartWh + 6000);

    const got = await profiles().get(pair.cpoAtEmsp, sessionId, 3600);
    const result = await got.result;
    expect(result).toMatchObject({ result: 'ACCEPTED', source: 'partner' });
    expect(lastCall('GetCompositeSchedule')?.params).toEqual({ duration: 3600, evseId: 2 });
    expect(result.source === 'partner' && result.profile?.charging_profile).toEqual({
      charging_rate_unit: 'W',
      duration: 3600,
      charging_profile_period: [
        { start_period: 0, limit: 6000 },
        { start_period: 1800, limit: 11000 },
      ],
    });

    const cleared = await profiles().clear(pair.cpoAtEmsp, sessionId);
    expect(await cleared.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    expect(lastCall('ClearChargingProfile')?.params).toEqual({
      chargingProfileId: profileId,
      chargingProfileCriteria: { evseId: 2, chargingProfilePurpose: 'TxProfile' },
    });
    // No profile: the charger's maximum.
    await activeAtEmsp(sessionId, 22_000);
    // Nothing left to clear: OCPP's Unknown is OCPI's UNKNOWN.
    expect(await (await profiles().clear(pair.cpoAtEmsp, sessionId)).result).toEqual({
      result: 'UNKNOWN',
      source: 'partner',
    });
    await sim.stopTransaction(2);
  });

  it('amperes and an absolute start carry over; a charger answering Rejected: REJECTED', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    const { sessionId } = await charging('APP-PROFILE-201-2');
    const amps: ChargingProfile = {
      start_date_time: '2030-01-01T00:00:00Z',
      duration: 7200,
      charging_rate_unit: 'A',
      min_charging_rate: 6,
      charging_profile_period: [{ start_period: 0, limit: 16.25 }],
    };
    expect(await (await profiles().set(pair.cpoAtEmsp, sessionId, amps)).result).toMatchObject({
      result: 'ACCEPTED',
    });
    expect(lastCall('SetChargingProfile')?.params).toMatchObject({
      chargingProfile: {
        chargingProfileKind: 'Absolute',
        chargingSchedule: [
          {
            chargingRateUnit: 'A',
            startSchedule: '2030-01-01T00:00:00Z',
            duration: 7200,
            minChargingRate: 6,
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.2 }],
          },
        ],
      },
    });
    sim.script('SetChargingProfile', 'Rejected');
    expect(await (await profiles().set(pair.cpoAtEmsp, sessionId, PROFILE)).result).toEqual({
      result: 'REJECTED',
      source: 'partner',
    });
    sim.script('GetCompositeSchedule', 'Rejected');
    expect(await (await profiles().get(pair.cpoAtEmsp, sessionId, 900)).result).toMatchObject({
      result: 'REJECTED',
    });
    // A status 2.0.1 does not have (ocpp-rpc refuses to send it): a CALLERROR, REJECTED.
    sim.script('ClearChargingProfile', 'NotSupported');
    expect(await (await profiles().clear(pair.cpoAtEmsp, sessionId)).result).toEqual({
      result: 'REJECTED',
      source: 'partner',
    });
    await sim.stopTransaction(2);
  });

  it('a session whose charger went offline: REJECTED at once; one that stopped: REJECTED, nothing sent', async () => {
    sim = simulator201(pair.cpo);
    await sim.start();
    const first = await charging('APP-PROFILE-201-3');
    await sim.stopTransaction(first.tx.evseId);
    await eventually(async () => {
      const { items } = await pair.emsp.ocpi.sessions.listReceived(pair.cpoAtEmsp);
      return items.find((s) => s.id === first.sessionId && s.status === 'COMPLETED');
    });
    const before = sim.calls.length;
    expect(await (await profiles().set(pair.cpoAtEmsp, first.sessionId, PROFILE)).result).toMatchObject({
      result: 'REJECTED',
    });
    expect(sim.calls.length).toBe(before);

    const second = await charging('APP-PROFILE-201-4');
    await sim.stop(true);
    await eventually(async () => !(await pair.cpo.ocpi.chargers.get('CP-1'))?.online);
    const started = Date.now();
    expect(await (await profiles().set(pair.cpoAtEmsp, second.sessionId, PROFILE)).result).toEqual({
      result: 'REJECTED',
      source: 'partner',
    });
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
