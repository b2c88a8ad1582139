import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Token } from '../../src/model/v230/tokens.ts';
import { CPO, EMSP_A, EMSP_B, FAST, startHub, type TestHub } from '../support/hub.ts';
import { startNode } from '../support/nodes.ts';
import { type Json, location } from '../support/objects.ts';
import { PROFILE, simulatedChargers } from '../support/profile-pair.ts';
import { STORES } from '../support/stores.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

const tokenOfA: Token = {
  country_code: 'DE',
  party_id: 'MSA',
  uid: 'A1',
  type: 'RFID',
  contract_id: 'DE-MSA-CA1',
  issuer: 'A',
  valid: true,
  whitelist: 'ALLOWED',
  last_updated: '2030-01-01T00:00:00Z',
};

const CASES = (['2.2.1', '2.3.0'] as const).flatMap((version) =>
  STORES.map(([name, store]) => [version, name, store] as const),
);

/*
 * Two eMSPs reach a CPO only through a hub: eMSP A sets, gets and clears the profile of its
 * session, addressing the CPO as 'NL*CPO'; the hub relays each request's response_url, so
 * the results come back through it to A, and the CPO's ActiveChargingProfile pushes go to
 * A alone. All nodes share one manual clock; the simulated chargers answer when it moves.
 */
describe.each(CASES)('ChargingProfiles through a hub, OCPI %s on %s', (version, _store, store) => {
  const { clock, sim, gateway } = simulatedChargers();
  let cpo: FastifyInstance;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let hub: TestHub;
  let sessionId: string;

  beforeAll(async () => {
    const node = (party: typeof CPO | typeof EMSP_A, extra = {}) =>
      startNode({ versions: [version], parties: [party], delivery: FAST, store: store(), clock, ...extra });
    cpo = await node(CPO, { commands: { gateway, timeoutSeconds: 30 } });
    a = await node(EMSP_A);
    b = await node(EMSP_B);
    hub = await startHub(version, [
      { name: 'cpo', app: cpo, parties: [CPO] },
      { name: 'a', app: a, parties: [EMSP_A] },
      { name: 'b', app: b, parties: [EMSP_B] },
    ]);
    for (const name of ['cpo', 'a', 'b']) await hub.report(name, 'CONNECTED');
    const loc = location('LOC1', 1);
    for (const e of loc.evses as Json[]) e.capabilities = ['REMOTE_START_STOP_CAPABLE'];
    await cpo.ocpi.locations.put(loc, '2.3.0');

    // A starts charging through the hub; the charger answers when the clock moves.
    const started = await a.ocpi.commands.startSession('NL*CPO', {
      token: tokenOfA,
      location_id: 'LOC1',
      evse_uid: 'E1',
    });
    expect(started.response.result).toBe('ACCEPTED');
    await waitFor(() => gateway.commands.length > 0, { what: 'START_SESSION at the charger' });
    await clock.advance(20);
    // Its CommandResult back at A through the hub, before the tests count what the hub relays.
    expect(await started.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    await waitFor(async () => (await cpo.ocpi.sessions.list({ limit: 10 })).items.length > 0);
    sessionId = String((await cpo.ocpi.sessions.list({ limit: 10 })).items[0]?.id);
  }, 60_000);
  afterAll(async () => {
    sim.close();
    // Nothing in flight through the hub when it goes: the nodes first, the hub last.
    if (cpo) await deliverySettled(cpo.ocpi.delivery);
    await Promise.all([cpo?.close(), a?.close(), b?.close()]);
    await hub?.close();
  });

  /** Sends a request; once an ACCEPTED one reached the charger, moves the clock so that it answers. */
  async function answered<T extends { response: { result: string } }>(send: () => Promise<T>): Promise<T> {
    const before = gateway.seen.length;
    const sent = await send();
    if (sent.response.result !== 'ACCEPTED') return sent;
    await waitFor(() => gateway.seen.length > before, { what: 'the request at the charger' });
    await clock.advance(20);
    return sent;
  }
  const forwardsOf = (module: string, role: string) =>
    hub.forwards.filter((f) => f.path.startsWith(`/m/${module}/${role}/`));
  const results = () => hub.forwards.filter((f) => f.path.startsWith('/r/'));
  const toA = { 'ocpi-to-country-code': 'DE', 'ocpi-to-party-id': 'MSA' };

  it('A sets, gets and clears the profile of its session at NL*CPO; each result comes back to A through the hub', async () => {
    const before = results().length;
    const set = await answered(() => a.ocpi.chargingProfiles.set('NL*CPO', sessionId, PROFILE));
    expect(set.response).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(await set.result).toEqual({ result: 'ACCEPTED', source: 'partner' });
    const put = forwardsOf('chargingprofiles', 'RECEIVER').at(-1);
    expect(put).toMatchObject({ from: 'a', to: 'cpo', method: 'PUT' });
    expect(put?.headers).toMatchObject({ 'ocpi-from-party-id': 'MSA', 'ocpi-to-party-id': 'CPO' });
    expect(put?.body).toMatchObject({ response_url: expect.stringMatching(new RegExp(`^${hub.base}/r/`)) });

    const got = await answered(() => a.ocpi.chargingProfiles.get('NL*CPO', sessionId, 900));
    const result = await got.result;
    expect(result.source === 'partner' && result.profile?.charging_profile.charging_profile_period).toEqual([
      { start_period: 0, limit: 6000 },
    ]);
    const cleared = await answered(() => a.ocpi.chargingProfiles.clear('NL*CPO', sessionId));
    expect(await cleared.result).toEqual({ result: 'ACCEPTED', source: 'partner' });

    // The GET and DELETE carried their response_url in the query; the hub relayed it too.
    const queries = forwardsOf('chargingprofiles', 'RECEIVER').slice(-2);
    expect(queries.map((f) => f.method)).toEqual(['GET', 'DELETE']);
    const mine = results().slice(before);
    expect(mine).toHaveLength(3);
    for (const r of mine) {
      expect(r).toMatchObject({ from: 'cpo', to: 'a' });
      expect(r.headers).toMatchObject({
        ...toA,
        'ocpi-from-country-code': 'NL',
        'ocpi-from-party-id': 'CPO',
      });
    }
    const stored = await cpo.ocpi.store.db
      .selectFrom('ocpi_commands')
      .select(['command', 'request', 'partner_id'])
      .where('direction', '=', 'received')
      .where('command', '!=', 'START_SESSION')
      .orderBy('created_at')
      .execute();
    // Attributed to A behind the hub (the profile side keeps the acting party in its request).
    expect(stored.map((r) => [r.command, JSON.parse(r.request).party, r.partner_id])).toEqual(
      ['SET_CHARGING_PROFILE', 'GET_ACTIVE_CHARGING_PROFILE', 'CLEAR_PROFILE'].map((c) => [
        c,
        { country_code: 'DE', party_id: 'MSA' },
        hub.hubIdAt('cpo'),
      ]),
    );
  });

  it('the ActiveChargingProfile pushes go to A alone, addressed to A', async () => {
    gateway.report?.activeProfileChanged(sessionId, {
      start_date_time: new Date(clock.now()).toISOString(),
      charging_profile: {
        charging_rate_unit: 'W',
        charging_profile_period: [{ start_period: 0, limit: 4000 }],
      },
    });
    await waitFor(
      async () =>
        (await a.ocpi.chargingProfiles.active(hub.hubIdAt('a'), sessionId))?.charging_profile
          .charging_profile_period?.[0]?.limit === 4000,
      { what: "the charger's own change at A" },
    );
    const pushes = forwardsOf('chargingprofiles', 'SENDER');
    // After the SET, the CLEAR, and the charger's own change.
    expect(pushes.length).toBe(3);
    for (const p of pushes) {
      expect(p).toMatchObject({
        from: 'cpo',
        to: 'a',
        method: 'PUT',
        path: expect.stringContaining(sessionId),
      });
      expect(p.headers).toMatchObject(toA);
    }
    expect(await b.ocpi.chargingProfiles.active(hub.hubIdAt('b'), sessionId)).toBeUndefined();
    // A reads it as it set it: addressing the CPO by its party, as well as by the hub's id.
    const byParty = await a.ocpi.chargingProfiles.active('NL*CPO', sessionId);
    expect(byParty?.charging_profile.charging_profile_period).toEqual([{ start_period: 0, limit: 4000 }]);
    expect(await b.ocpi.chargingProfiles.active('NL*CPO', sessionId)).toBeUndefined();
  });

  it("B's request on A's session is REJECTED at once, and nothing reaches the charger", async () => {
    const before = gateway.seen.length;
    const sent = await b.ocpi.chargingProfiles.set('NL*CPO', sessionId, PROFILE);
    expect(sent.response.result).toBe('REJECTED');
    expect(await sent.result).toEqual({ result: 'REJECTED', source: 'response' });
    const cleared = await b.ocpi.chargingProfiles.clear('NL*CPO', sessionId);
    expect(cleared.response.result).toBe('REJECTED');
    expect(gateway.seen.length).toBe(before);
    // B did not become a setter: the next change still goes to A alone.
    gateway.report?.activeProfileChanged(sessionId, {
      start_date_time: new Date(clock.now()).toISOString(),
      charging_profile: {
        charging_rate_unit: 'W',
        charging_profile_period: [{ start_period: 0, limit: 5000 }],
      },
    });
    await waitFor(
      async () =>
        (await a.ocpi.chargingProfiles.active('NL*CPO', sessionId))?.charging_profile
          .charging_profile_period?.[0]?.limit === 5000,
      { what: 'the next change at A' },
    );
    expect(forwardsOf('chargingprofiles', 'SENDER').map((f) => f.to)).toEqual(['a', 'a', 'a', 'a']);
    expect(await b.ocpi.chargingProfiles.active('NL*CPO', sessionId)).toBeUndefined();
  });
});
