import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../src/delivery/outbox.ts';
import type { OcpiVersion } from '../../src/index.ts';
import { call, startNode } from '../support/nodes.ts';
import { eventually, MATRIX, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { blockValue, type ExampleFolder, exampleJson, jsonBlocks211 } from '../support/spec-fixtures.ts';

type Json = Record<string, unknown>;
const example = (version: ExampleFolder, file: string): Json => exampleJson(version, file) as Json;

const EMSP = { countryCode: 'DE', partyId: 'MSP' };
const OTHER_PARTY = {
  countryCode: 'FR',
  partyId: 'OTH',
  role: 'EMSP' as const,
  businessDetails: { name: 'Other Drive Co' },
};
const FAST = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };

/** A charging period of minute `i`. */
const period = (i: number): Json => ({
  start_date_time: `2030-01-01T10:${String(i).padStart(2, '0')}:00Z`,
  dimensions: [{ type: 'ENERGY', volume: i + 0.5 }],
});

/** A Session of the CPO NL*CPO (canonical 2.3.0 shape) for a token of `emsp`. */
function session(id: string, emsp: { countryCode: string; partyId: string }, periods: Json[] = []): Json {
  const base = example('2.3.0', 'session_example_1_simple_start.json');
  return {
    ...base,
    country_code: 'NL',
    party_id: 'CPO',
    id,
    cdr_token: {
      ...(base.cdr_token as Json),
      country_code: emsp.countryCode,
      party_id: emsp.partyId,
    },
    ...(periods.length > 0 ? { charging_periods: periods } : {}),
    last_updated: '2030-01-01T10:00:00Z',
  };
}

const versionBase = (node: FastifyInstance, version: string) =>
  node.ocpi.versionsUrl().replace(/versions$/, version);

/** A second eMSP node registered with the pair's CPO. */
async function startOtherEmsp(pair: Pair) {
  const node = await startNode({ parties: [OTHER_PARTY], delivery: FAST });
  const known = new Set((await pair.cpo.ocpi.partners()).map((p) => p.id));
  const cpoAtOther = (
    await node.ocpi.registerWith(pair.cpo.ocpi.versionsUrl(), await pair.cpo.ocpi.createRegistrationToken())
  ).id;
  const atCpo = (await pair.cpo.ocpi.partners()).find((p) => !known.has(p.id));
  if (!atCpo) throw new Error('the second eMSP did not register');
  return { node, cpoAtOther, otherAtCpo: atCpo.id };
}

describe.each(MATRIX)('Sessions over OCPI %s on %s', (version, _store, storeOptions) => {
  let pair: Pair;
  let other: Awaited<ReturnType<typeof startOtherEmsp>>;
  const sent: OutboxEntry[] = [];
  const preferences: Json[] = [];
  const hasPatch = version !== '2.1.1';

  beforeAll(async () => {
    pair = await startPair(
      version,
      {
        cpo: {
          chargingPreferences: (s, p, partner) => {
            preferences.push({ session: s.id, profile: p.profile_type, partner: partner.id });
            return p.profile_type === 'FAST' ? 'ACCEPTED' : 'PROFILE_TYPE_NOT_SUPPORTED';
          },
        },
      },
      storeOptions,
    );
    other = await startOtherEmsp(pair);
    pair.cpo.ocpi.delivery.on('delivered', (e) => sent.push(e.entry));
  });
  afterAll(async () => {
    await other?.node.close();
    await pair?.close();
  });

  const ref = (id: string) => ({ countryCode: 'NL', partyId: 'CPO', id });
  const drained = () =>
    eventually(async () => ((await pair.cpo.ocpi.delivery.pending()) === 0 ? true : undefined));

  it('a Session put by the CPO arrives at the eMSP, and PATCHed charging periods are appended', async () => {
    // The Location of the sessions: what a 2.1.1 Session embeds.
    const location = example('2.3.0', 'location_example.json');
    await pair.cpo.ocpi.locations.put({ ...location, country_code: 'NL', party_id: 'CPO' }, '2.3.0');
    await pair.cpo.ocpi.sessions.put(session('S1', EMSP, [period(0)]), '2.3.0');
    const first = await eventually(() => pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, ref('S1')));
    expect(first.charging_periods).toEqual([period(0)]);
    expect(first.cdr_token).toMatchObject({ country_code: 'DE', party_id: 'MSP' });

    // New periods only, with a field that changes and one that does not.
    const after1 = await pair.cpo.ocpi.sessions.patch(ref('S1'), [], {
      kwh: 1.5,
      status: 'PENDING',
      charging_periods: [period(1)],
      last_updated: '2030-01-01T10:01:00Z',
    });
    expect(after1.charging_periods).toEqual([period(0), period(1)]);
    await eventually(async () => {
      const s = await pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, ref('S1'));
      return (s?.charging_periods as unknown[] | undefined)?.length === 2 ? s : undefined;
    });
    // The whole list with a new period at its end: only that one is new.
    await pair.cpo.ocpi.sessions.patch(ref('S1'), [], {
      status: 'ACTIVE',
      charging_periods: [period(0), period(1), period(2)],
      last_updated: '2030-01-01T10:02:00Z',
    });
    const got = await eventually(async () => {
      const s = await pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, ref('S1'));
      return (s?.charging_periods as unknown[] | undefined)?.length === 3 ? s : undefined;
    });
    expect(got).toMatchObject({
      kwh: 1.5,
      status: 'ACTIVE',
      last_updated: '2030-01-01T10:02:00Z',
      charging_periods: [period(0), period(1), period(2)],
    });
    const fields: Record<string, unknown> = got;
    const { x_v211: embedded, cdr_token: token, ...canonical } = fields;
    const { cdr_token: ownToken, ...own } = (await pair.cpo.ocpi.sessions.get('S1')) ?? {};
    expect(own).toEqual(canonical);
    // 2.1.1 names the token by auth_id (= contract_id) alone: its uid and type are lost (LOSSY.md).
    expect(token).toEqual(
      hasPatch ? ownToken : { ...(ownToken as Json), uid: (ownToken as Json).contract_id, type: 'OTHER' },
    );
    if (!hasPatch) {
      // 2.1.1 embeds the Location, reduced to the session's EVSE and connector.
      expect((embedded as Json).location).toMatchObject({
        id: 'LOC1',
        name: location.name,
        address: location.address,
      });
      const evses = ((embedded as Json).location as Json).evses as Json[];
      expect(evses.map((e) => e.uid)).toEqual(['3256']);
      expect(evses[0]?.connectors).toMatchObject([{ id: '1' }]);
    } else {
      expect(embedded).toBeUndefined();
    }

    await drained();
    const toEmsp = sent.filter((e) => e.url.endsWith('/NL/CPO/S1'));
    expect(toEmsp.map((e) => e.partnerId)).toEqual([pair.emspAtCpo, pair.emspAtCpo, pair.emspAtCpo]);
    if (hasPatch) {
      // 2.2+: PATCH with what changed (+ last_updated), the charging periods as new ones only.
      expect(toEmsp.map((e) => e.method)).toEqual(['PUT', 'PATCH', 'PATCH']);
      expect(toEmsp[1]?.body).toEqual({
        kwh: 1.5,
        charging_periods: [period(1)],
        last_updated: '2030-01-01T10:01:00Z',
      });
      expect(toEmsp[2]?.body).toEqual({
        status: 'ACTIVE',
        charging_periods: [period(2)],
        last_updated: '2030-01-01T10:02:00Z',
      });
    } else {
      // 2.1.1: the whole Session, PUT.
      expect(toEmsp.map((e) => e.method)).toEqual(['PUT', 'PUT', 'PUT']);
      const last = toEmsp[2]?.body as Json | undefined;
      expect(last?.charging_periods).toHaveLength(3);
      expect(last?.auth_id).toBe((session('x', EMSP).cdr_token as Json).contract_id);
    }
  });

  it("a Session for another eMSP's token is neither pushed to nor listed for this eMSP", async () => {
    await pair.cpo.ocpi.sessions.put(session('S-OTHER', OTHER_PARTY, [period(5)]), '2.3.0');
    const theirs = await eventually(() =>
      other.node.ocpi.sessions.received(other.cpoAtOther, ref('S-OTHER')),
    );
    expect(theirs.cdr_token).toMatchObject({ country_code: 'FR', party_id: 'OTH' });
    await pair.cpo.ocpi.sessions.patch(ref('S-OTHER'), [], {
      charging_periods: [period(6)],
      last_updated: '2030-01-01T11:00:00Z',
    });
    await eventually(async () => {
      const s = await other.node.ocpi.sessions.received(other.cpoAtOther, ref('S-OTHER'));
      return (s?.charging_periods as unknown[] | undefined)?.length === 2 ? s : undefined;
    });
    await drained();
    expect(await pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, ref('S-OTHER'))).toBeUndefined();
    expect(await other.node.ocpi.sessions.received(other.cpoAtOther, ref('S1'))).toBeUndefined();
    const forOther = sent.filter((e) => e.url.includes('S-OTHER'));
    expect(forOther.length).toBe(2);
    expect(forOther.every((e) => e.partnerId === other.otherAtCpo)).toBe(true);
    if (hasPatch)
      expect(forOther[0]?.headers).toMatchObject({
        'OCPI-to-country-code': 'FR',
        'OCPI-to-party-id': 'OTH',
      });

    // The sender's list: each partner sees the sessions of its own tokens only.
    const url = `${versionBase(pair.cpo, version)}/sender/sessions`;
    const ids = async (token: string, query = '?date_from=2020-01-01T00:00:00Z') => {
      const reply = await call(`${url}${query}`, { token });
      expect(reply.body.status_code).toBe(1000);
      const data = reply.body.data as Json[];
      if (!query.includes('offset')) expect(reply.headers.get('x-total-count')).toBe(String(data.length));
      return data.map((s) => s.id);
    };
    const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    const otherToken = await tokenOf(other.node, other.cpoAtOther);
    expect(await ids(emspToken)).toEqual(['S1']);
    expect(await ids(otherToken)).toEqual(['S-OTHER']);
    // date_from is required by 2.1.1 and 2.2.1; a partner that leaves it out is served anyway.
    expect(await ids(emspToken, '')).toEqual(['S1']);
    expect(await ids(emspToken, '?date_from=2030-01-01T10:02:00Z')).toEqual(['S1']);
    expect(await ids(emspToken, '?date_from=2030-01-01T10:02:01Z')).toEqual([]);
    expect(await ids(otherToken, '?date_to=2030-01-01T11:00:00Z')).toEqual([]);
    expect(await ids(otherToken, '?offset=1')).toEqual([]);

    // Pulling gives the same view.
    const pulled = await pair.emsp.ocpi.sync(pair.cpoAtEmsp, 'sessions');
    expect(pulled).toMatchObject({ received: 1, skipped: 0, total: 1 });
  });

  it.runIf(hasPatch)('takes charging preferences for a session of the caller only', async () => {
    const url = `${versionBase(pair.cpo, version)}/sender/sessions`;
    const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    const put = (id: string, body: unknown, token = emspToken) =>
      call(`${url}/${id}/charging_preferences`, { method: 'PUT', token, body });
    const fast = await put('S1', { profile_type: 'FAST', departure_time: '2030-01-01T18:00:00Z' });
    expect(fast.status).toBe(200);
    expect(fast.body).toMatchObject({ status_code: 1000, data: 'ACCEPTED' });
    expect((await put('S1', { profile_type: 'GREEN' })).body.data).toBe('PROFILE_TYPE_NOT_SUPPORTED');
    expect(preferences).toEqual([
      { session: 'S1', profile: 'FAST', partner: pair.emspAtCpo },
      { session: 'S1', profile: 'GREEN', partner: pair.emspAtCpo },
    ]);
    for (const id of ['NOPE', 'S-OTHER']) {
      const unknown = await put(id, { profile_type: 'FAST' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.status_code).toBe(2001);
    }
    const bad = await put('S1', { profile_type: 'FASTEST' });
    expect(bad.body.status_code).toBe(2001);
    expect(bad.body.status_message).toMatch(/\/profile_type: must be one of/);
    expect(preferences).toHaveLength(2);
  });

  it('refuses a Session of another CPO party, and Sessions are never deleted', async () => {
    await expect(
      pair.cpo.ocpi.sessions.put({ ...session('S-X', EMSP), party_id: 'XXX' }, '2.3.0'),
    ).rejects.toMatchObject({ statusCode: 2001 });
    await expect(pair.cpo.ocpi.sessions.delete(ref('S1'))).rejects.toMatchObject({ httpStatus: 405 });
    await expect(
      pair.cpo.ocpi.sessions.patch(ref('NOPE'), [], { kwh: 1, last_updated: '2030-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({ statusCode: 2001 });
  });
});

/** The 2.1.1 example Sessions (the json blocks of mod_sessions.md): 1 is a PATCH body, 2 and 3 Sessions. */
const blocks211 = () => jsonBlocks211('mod_sessions.md').map((b) => blockValue(b) as Json);

describe.each(['2.1.1', '2.2.1', '2.3.0'] as OcpiVersion[])(
  'the eMSP Sessions receiver over OCPI %s, as the CPO sees it',
  (version) => {
    let pair: Pair;
    let token: string;
    let url: string;
    const v211 = version === '2.1.1';

    beforeAll(async () => {
      pair = await startPair(version);
      token = await tokenOf(pair.cpo, pair.emspAtCpo);
      url = `${versionBase(pair.emsp, version)}/receiver/sessions`;
    });
    afterAll(() => pair?.close());

    const owned = (s: Json): Json => (v211 ? s : { ...s, country_code: 'NL', party_id: 'CPO' });
    const examples = (): Array<[string, Json]> =>
      v211
        ? blocks211()
            .slice(1)
            .map((s, i) => [`mod_sessions.md #${i + 2}`, s])
        : ['session_example_1_simple_start.json', 'session_example_2_short_finished.json'].map((f) => [
            f,
            owned(example(version, f)),
          ]);
    const finished = (): Json => (examples()[1] as [string, Json])[1];
    const put = (id: string, body: unknown) => call(`${url}/NL/CPO/${id}`, { method: 'PUT', token, body });
    const patch = (id: string, body: unknown) =>
      call(`${url}/NL/CPO/${id}`, { method: 'PATCH', token, body });
    const get = async (id: string) => (await call(`${url}/NL/CPO/${id}`, { token })).body.data as Json;

    it('accepts every spec example Session and reads it back equal', async () => {
      const cases = examples();
      expect(cases).toHaveLength(2);
      // Each under an id of its own: they share one, and the older would not be applied.
      for (const [i, [name, example]] of cases.entries()) {
        const s = { ...example, id: `EX-${i + 1}` };
        const reply = await put(s.id, s);
        expect(reply.body, name).toMatchObject({ status_code: 1000 });
        expect(await get(s.id), name).toEqual(s);
      }
      const stored = await pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, {
        countryCode: 'NL',
        partyId: 'CPO',
        id: 'EX-1',
      });
      // 2.1.1 names the token by auth_id only: it is taken to be a token of ours.
      expect(stored?.cdr_token).toMatchObject(v211 ? { country_code: 'DE', party_id: 'MSP' } : {});
    });

    it('appends the charging periods a PATCH brings; a PUT replaces them all', async () => {
      const s: Json = { ...finished(), id: 'S-APPEND' };
      await put('S-APPEND', s);
      const periods = s.charging_periods as Json[];
      const added = v211
        ? { charging_periods: [period(9)] }
        : example(version, 'session_patch_example_charging_period.json');
      const reply = await patch('S-APPEND', added);
      expect(reply.body.status_code).toBe(1000);
      let got = await get('S-APPEND');
      expect(got.charging_periods).toEqual([...periods, ...(added.charging_periods as Json[])]);
      if (!v211) expect(got).toMatchObject({ kwh: added.kwh, total_cost: added.total_cost });

      // Dated after the PATCH above (the spec's examples are not in order): an older one is ignored.
      const cost: Json = {
        ...(v211 ? (blocks211()[0] as Json) : example(version, 'session_patch_example_total_cost.json')),
        last_updated: '2030-01-01T00:00:00Z',
      };
      expect((await patch('S-APPEND', cost)).body.status_code).toBe(1000);
      got = await get('S-APPEND');
      expect(got.total_cost).toEqual(cost.total_cost);
      expect(got.charging_periods).toHaveLength(periods.length + 1);

      // An empty list adds nothing; a list that repeats the stored periods adds only its tail.
      const stamp = { last_updated: '2031-01-01T00:00:00Z' };
      await patch('S-APPEND', { charging_periods: [], ...stamp });
      expect((await get('S-APPEND')).charging_periods).toHaveLength(periods.length + 1);
      const whole = [...(got.charging_periods as Json[]), period(10)];
      await patch('S-APPEND', { charging_periods: whole, ...stamp });
      expect((await get('S-APPEND')).charging_periods).toEqual(whole);

      const { charging_periods: _, ...periodless } = s;
      const withoutPeriods = { ...periodless, last_updated: '2032-01-01T00:00:00Z' };
      expect((await put('S-APPEND', withoutPeriods)).body.status_code).toBe(1000);
      expect(await get('S-APPEND')).toEqual(withoutPeriods);
    });

    it('refuses broken Sessions with 2001 naming the field, and stores nothing', async () => {
      const bad: Json = { ...finished(), id: 'S-BAD' };
      const { kwh: _, ...noKwh } = bad;
      const reply = await put('S-BAD', noKwh);
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/\/kwh: is required/);
      const badStatus = await put('S-BAD', { ...finished(), id: 'S-BAD', status: 'SLEEPING' });
      expect(badStatus.body.status_message).toMatch(/\/status: must be one of/);
      const missing = await call(`${url}/NL/CPO/S-BAD`, { token });
      expect(missing.status).toBe(404);
      expect(missing.body.status_code).toBe(2001);
      const unknown = await patch('S-BAD', { kwh: 2, last_updated: '2031-01-01T00:00:00Z' });
      expect(unknown.body.status_code).toBe(2001);
    });

    it('refuses a PATCH without last_updated from 2.2 on, and a Session under another party', async () => {
      await put('S-P', { ...finished(), id: 'S-P' });
      const noDate = await patch('S-P', { kwh: 99 });
      if (v211) {
        // 2.1.1 does not require last_updated in a PATCH.
        expect(noDate.body.status_code).toBe(1000);
      } else {
        expect(noDate.body.status_code).toBe(2001);
        expect(noDate.body.status_message).toMatch(/last_updated: is required/);
        expect((await get('S-P')).kwh).toBe(finished().kwh);
      }
      const foreign = { ...finished(), id: 'S-F', ...(v211 ? {} : { country_code: 'FR', party_id: 'XYZ' }) };
      const reply = await call(`${url}/FR/XYZ/S-F`, { method: 'PUT', token, body: foreign });
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(/FR\*XYZ is not a party this platform registered/);
      expect((await call(`${url}/FR/XYZ/S-F`, { token })).status).toBe(404);
      const mismatch = await put('S-OTHER-ID', { ...finished(), id: 'S-F' });
      expect(mismatch.body.status_message).toMatch(/id: "S-F" in the body differs from "S-OTHER-ID"/);
      if (!v211) {
        const party = await put('S-F', { ...finished(), id: 'S-F', party_id: 'ABC' });
        expect(party.body.status_message).toMatch(/party_id: "ABC" in the body differs from "CPO"/);
      }
      expect((await call(`${url}/NL/CPO/S-F`, { token })).status).toBe(404);
    });

    it('answers charging preferences NOT_POSSIBLE by default (2.2+), and an unknown session 2001/404', async () => {
      const prefs = `${versionBase(pair.cpo, version)}/sender/sessions`;
      const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
      await pair.cpo.ocpi.sessions.put(session('S-PREF', EMSP), '2.3.0');
      const reply = await call(`${prefs}/S-PREF/charging_preferences`, {
        method: 'PUT',
        token: emspToken,
        body: { profile_type: 'CHEAP', energy_need: 20 },
      });
      if (v211) {
        expect(reply.status).toBe(404);
        return;
      }
      expect(reply.body).toMatchObject({ status_code: 1000, data: 'NOT_POSSIBLE' });
      const unknown = await call(`${prefs}/NOPE/charging_preferences`, {
        method: 'PUT',
        token: emspToken,
        body: { profile_type: 'CHEAP' },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.status_code).toBe(2001);
    });
  },
);

describe('Sessions between two eMSP parties on one platform', () => {
  it('a platform hosting two eMSP parties gets the Sessions of both, and lists both', async () => {
    const second = {
      countryCode: 'DE',
      partyId: 'MS2',
      role: 'EMSP' as const,
      businessDetails: { name: 'B' },
    };
    const pair = await startPair('2.2.1', {
      emsp: { parties: [{ ...EMSP, role: 'EMSP', businessDetails: { name: 'Drive Co' } }, second] },
    });
    try {
      await pair.cpo.ocpi.sessions.put(session('A', EMSP), '2.3.0');
      await pair.cpo.ocpi.sessions.put(session('B', second), '2.3.0');
      const ref = (id: string) => ({ countryCode: 'NL', partyId: 'CPO', id });
      await eventually(() => pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, ref('A')));
      await eventually(() => pair.emsp.ocpi.sessions.received(pair.cpoAtEmsp, ref('B')));
      const token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
      const list = await call(`${versionBase(pair.cpo, '2.2.1')}/sender/sessions`, { token });
      expect((list.body.data as Json[]).map((s) => s.id)).toEqual(['A', 'B']);
    } finally {
      await pair.close();
    }
  });
});
