import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveChargingProfile, ChargingProfile } from '../../src/model/v230/chargingprofiles.ts';
import { startNode } from '../support/nodes.ts';
import { startPair } from '../support/pair.ts';
import {
  PROFILE,
  PROFILE_CASES,
  type ProfilePair,
  simulatedChargers,
  startProfilePair,
} from '../support/profile-pair.ts';
import { STORES } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

/** Without a profile the simulated chargers give 22 kWh an hour (their 22 kW maximum). */
const KWH_PER_HOUR = 22;
const HOUR = 3_600_000;
const LOW: ChargingProfile = {
  charging_rate_unit: 'W',
  charging_profile_period: [{ start_period: 0, limit: 3000 }],
};
const firstLimit = (active: ActiveChargingProfile | undefined) =>
  active?.charging_profile.charging_profile_period?.[0]?.limit;

/*
 * A real eMSP node sets, gets and clears the profile of its own session at a real CPO node
 * whose chargers are simulated, both on one manual clock; the chargers answer when it moves
 * 20 ms, and meter hourly.
 */
describe.each(PROFILE_CASES)('ChargingProfiles end to end, OCPI %s on %s', (version, _store, store) => {
  const { clock, sim, gateway } = simulatedChargers({ kwhPerTick: KWH_PER_HOUR });
  let pair: ProfilePair;
  /** A second eMSP registered with the same CPO. */
  let other: FastifyInstance;
  let cpoAtOther: string;

  beforeAll(async () => {
    pair = await startProfilePair(version, store, clock, gateway, {}, ['OK', 'LOW', 'FULL', 'QUIET']);
    other = await startNode({
      parties: [{ countryCode: 'FR', partyId: 'MSB', role: 'EMSP', businessDetails: { name: 'Other' } }],
      clock,
      store: store(),
    });
    cpoAtOther = (
      await other.ocpi.registerWith(
        pair.cpo.ocpi.versionsUrl(),
        await pair.cpo.ocpi.createRegistrationToken(),
      )
    ).id;
  }, 60_000);
  afterAll(async () => {
    sim.close();
    await Promise.all([pair?.close(), other?.close()]);
  });

  const profiles = () => pair.emsp.ocpi.chargingProfiles;
  /** Sends a request; once an ACCEPTED one reached the charger, moves the clock so that it answers. */
  async function answered<T extends { response: { result: string } }>(send: () => Promise<T>): Promise<T> {
    const before = gateway.seen.length;
    const sent = await send();
    if (sent.response.result !== 'ACCEPTED') return sent;
    await waitFor(() => gateway.seen.length > before, { what: 'the request at the charger' });
    await clock.advance(20);
    return sent;
  }
  /** The eMSP's latest ActiveChargingProfile of a session, once `limit` is its first limit. */
  async function activeWith(sessionId: string, limit: number): Promise<ActiveChargingProfile | undefined> {
    let active: ActiveChargingProfile | undefined;
    await waitFor(
      async () => {
        active = await profiles().active(pair.cpoAtEmsp, sessionId);
        return firstLimit(active) === limit;
      },
      { what: `an ActiveChargingProfile with limit ${limit} at the eMSP` },
    );
    return active;
  }
  const storedAtEmsp = (id: string) =>
    pair.emsp.ocpi.store.db
      .selectFrom('ocpi_commands')
      .select(['status', 'result'])
      .where('id', '=', id)
      .executeTakeFirst();

  it('sets, gets and clears a profile of its session; the active profile follows, the charger’s own change too', async () => {
    const sessionId = await pair.startCharging('OK');
    const set = await answered(() => profiles().set(pair.cpoAtEmsp, sessionId, PROFILE));
    expect(set.response).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(await set.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    expect(gateway.seen.at(-1)).toMatchObject({ type: 'SET_CHARGING_PROFILE', sessionId, profile: PROFILE });

    // The CPO pushed the new active profile (the charger reports 900 s ahead: the first
    // period only) to the setter's Sender interface.
    const pushed = await activeWith(sessionId, 6000);
    expect(pushed?.charging_profile).toEqual({
      charging_rate_unit: 'W',
      duration: 900,
      charging_profile_period: [{ start_period: 0, limit: 6000 }],
    });

    const got = await answered(() => profiles().get(pair.cpoAtEmsp, sessionId, 900));
    expect(got.response.result).toBe('ACCEPTED');
    const result = await got.result;
    expect(result).toMatchObject({ result: 'ACCEPTED', source: 'partner' });
    // Over the next 900 s only the first period is in force.
    expect(result.source === 'partner' && result.profile?.charging_profile).toEqual({
      charging_rate_unit: 'W',
      duration: 900,
      charging_profile_period: [{ start_period: 0, limit: 6000 }],
    });

    // The charger changes the limit on its own: the eMSP hears of it.
    gateway.report?.activeProfileChanged(sessionId, {
      start_date_time: new Date(clock.now()).toISOString(),
      charging_profile: {
        charging_rate_unit: 'W',
        charging_profile_period: [{ start_period: 0, limit: 4000 }],
      },
    });
    await activeWith(sessionId, 4000);

    const cleared = await answered(() => profiles().clear(pair.cpoAtEmsp, sessionId));
    expect(cleared.response.result).toBe('ACCEPTED');
    expect(await cleared.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    // Without a profile the charger's maximum applies, and the eMSP is told.
    await activeWith(sessionId, 22_000);
  });

  it('energy follows the limit in the Sessions the eMSP receives', async () => {
    const low = await pair.startCharging('LOW');
    const full = await pair.startCharging('FULL');
    const set = await answered(() => profiles().set(pair.cpoAtEmsp, low, LOW));
    expect(await set.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    await clock.advance(HOUR);
    const kwhAtEmsp = async (id: string) =>
      (await pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, { countryCode: 'NL', partyId: 'CPO', id }))
        ?.kwh;
    // An hour at 3 kW against an hour at the charger's 22 kW.
    await waitFor(async () => (await kwhAtEmsp(low)) === 3, { what: '3 kWh in the limited session' });
    await waitFor(async () => (await kwhAtEmsp(full)) === KWH_PER_HOUR, { what: '22 kWh in the other' });
  });

  it("refuses another eMSP's session at once, and nothing reaches the charger", async () => {
    const sessionId = (await pair.cpo.ocpi.sessions.list({ limit: 100 })).items[0]?.id ?? '';
    const before = gateway.seen.length;
    const sent = await other.ocpi.chargingProfiles.set(cpoAtOther, String(sessionId), PROFILE);
    expect(sent.response.result).toBe('REJECTED');
    expect(await sent.result).toEqual({ result: 'REJECTED', source: 'response' });
    expect(gateway.seen.length).toBe(before);
  });

  it('answers UNKNOWN_SESSION for a session the CPO does not have', async () => {
    const before = gateway.seen.length;
    const sent = await profiles().set(pair.cpoAtEmsp, 'NO-SUCH-SESSION', PROFILE);
    expect(sent.response.result).toBe('UNKNOWN_SESSION');
    expect(await sent.result).toEqual({ result: 'UNKNOWN_SESSION', source: 'response' });
    expect(gateway.seen.length).toBe(before);
  });

  it("a silent charger: the CPO's REJECTED after its timeout reaches the eMSP once, before the eMSP's own", async () => {
    const sessionId = await pair.startCharging('QUIET');
    sim.setBehaviour('QUIET', 'silent');
    const sent = await answered(() => profiles().set(pair.cpoAtEmsp, sessionId, PROFILE));
    expect(sent.response).toEqual({ result: 'ACCEPTED', timeout: 30 });
    let settled = false;
    void sent.result.then(() => {
      settled = true;
    });
    // Just before the CPO's timeout nothing has come.
    await clock.advance(29_000);
    expect(settled).toBe(false);
    // At it, the CPO sends REJECTED; the eMSP waits 5 s of grace beyond, so it is the CPO's.
    await clock.advance(1_000);
    expect(await sent.result).toEqual({ result: 'REJECTED', source: 'partner' });
    // Past the eMSP's own deadline nothing changes: no TIMEOUT, one result.
    await clock.advance(10_000);
    expect(await storedAtEmsp(sent.id)).toMatchObject({ result: 'REJECTED' });
    const results = await pair.cpo.ocpi.store.db
      .selectFrom('ocpi_commands')
      .select(['status', 'result'])
      .where('direction', '=', 'received')
      .where('command', '=', 'SET_CHARGING_PROFILE')
      .where('status', '=', 'timed_out')
      .execute();
    expect(results).toEqual([{ status: 'timed_out', result: 'REJECTED' }]);
  });
});

describe.each(STORES)('ChargingProfiles with a 2.1.1 partner, on %s', (_store, store) => {
  it('the eMSP refuses before sending anything', async () => {
    const pair = await startPair('2.1.1', {}, store);
    try {
      await expect(pair.emsp.ocpi.chargingProfiles.set(pair.cpoAtEmsp, 'S-1', PROFILE)).rejects.toMatchObject(
        { code: 'OCPI_ERR_UNSUPPORTED_VERSION' },
      );
      await expect(pair.emsp.ocpi.chargingProfiles.clear(pair.cpoAtEmsp, 'S-1')).rejects.toMatchObject({
        code: 'OCPI_ERR_UNSUPPORTED_VERSION',
      });
      const rows = await pair.emsp.ocpi.store.db.selectFrom('ocpi_commands').select('id').execute();
      expect(rows).toEqual([]);
    } finally {
      await pair.close();
    }
  }, 30_000);
});
