import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/index.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { call } from '../support/nodes.ts';
import { EMSP_PARTY, startPair, tokenOf } from '../support/pair.ts';
import {
  PROFILE,
  PROFILE_CASES,
  type ProfilePair,
  simulatedChargers,
  startProfilePair,
} from '../support/profile-pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';
import { memoryStore } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

describe.each(PROFILE_CASES)('ChargingProfiles, CPO side, over OCPI %s on %s', (version, _store, store) => {
  const { clock, sim, gateway } = simulatedChargers();
  let pair: ProfilePair;
  let session: string;

  beforeAll(async () => {
    pair = await startProfilePair(version, store, clock, gateway, {}, ['OK', 'REJECT']);
    session = await pair.startCharging('OK');
  }, 60_000);
  afterAll(async () => {
    sim.close();
    await pair?.close();
  });

  /** The one body that reached a response_url. */
  const resultAt = async (url: string) => {
    await waitFor(() => pair.catcher.at(url).length > 0, { what: `a result at ${url}` });
    const caught = pair.catcher.at(url);
    expect(caught).toHaveLength(1);
    expect(caught[0]?.method).toBe('POST');
    return caught[0]?.body;
  };
  const answered = (reply: { body: { data?: unknown; status_code?: number } }) => {
    expect(reply.body.status_code).toBe(1000);
    return reply.body.data;
  };

  it('PUT, GET, DELETE: each answered ACCEPTED with the timeout, the result follows on its response_url', async () => {
    const setUrl = pair.catcher.url('set');
    const set = await pair.ask(() => pair.put(session, { charging_profile: PROFILE, response_url: setUrl }));
    expect(answered(set)).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(await resultAt(setUrl)).toEqual({ result: 'ACCEPTED' });
    expect(gateway.seen.at(-1)).toMatchObject({
      type: 'SET_CHARGING_PROFILE',
      sessionId: session,
      profile: PROFILE,
    });

    const getUrl = pair.catcher.url('get');
    const get = await pair.ask(() =>
      pair.get(session, `duration=3600&response_url=${encodeURIComponent(getUrl)}`),
    );
    expect(answered(get)).toEqual({ result: 'ACCEPTED', timeout: 30 });
    const active = (await resultAt(getUrl)) as { result: string; profile: Record<string, unknown> };
    expect(active.result).toBe('ACCEPTED');
    // The profile set, as the charger plans it from now (the session started less than a second ago).
    expect(active.profile.charging_profile).toEqual({ ...PROFILE, duration: 3600 });
    expect(Date.parse(String(active.profile.start_date_time))).toBeLessThanOrEqual(clock.now());

    const clearUrl = pair.catcher.url('clear');
    const clear = await pair.ask(() => pair.del(session, `response_url=${encodeURIComponent(clearUrl)}`));
    expect(answered(clear)).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(await resultAt(clearUrl)).toEqual({ result: 'ACCEPTED' });
    // Nothing left to clear: the charger finds no profile.
    const againUrl = pair.catcher.url('clear');
    await pair.ask(() => pair.del(session, `response_url=${encodeURIComponent(againUrl)}`));
    expect(await resultAt(againUrl)).toEqual({ result: 'UNKNOWN' });

    // Without a profile the active one is the EVSE's maximum.
    const maxUrl = pair.catcher.url('get');
    await pair.ask(() => pair.get(session, `duration=600&response_url=${encodeURIComponent(maxUrl)}`));
    expect(await resultAt(maxUrl)).toMatchObject({
      result: 'ACCEPTED',
      profile: {
        charging_profile: {
          charging_rate_unit: 'W',
          duration: 600,
          charging_profile_period: [{ start_period: 0, limit: 22000 }],
        },
      },
    });
    // Results carry the routing headers, to the eMSP party of the session.
    expect(pair.catcher.at(maxUrl)[0]?.headers).toMatchObject({
      'ocpi-from-party-id': 'CPO',
      'ocpi-to-country-code': 'DE',
      'ocpi-to-party-id': 'MSP',
    });
  });

  it('the charger rejecting: the REJECTED result reaches the response_url', async () => {
    const rejecting = await pair.startCharging('REJECT');
    sim.setBehaviour('REJECT', 'reject');
    const url = pair.catcher.url('set');
    expect(
      answered(await pair.ask(() => pair.put(rejecting, { charging_profile: PROFILE, response_url: url }))),
    ).toMatchObject({
      result: 'ACCEPTED',
    });
    expect(await resultAt(url)).toEqual({ result: 'REJECTED' });
  });

  it('the same PUT again on the same response_url: answered alike, executed once', async () => {
    const url = pair.catcher.url('set');
    const before = gateway.seen.length;
    const body = { charging_profile: PROFILE, response_url: url };
    const [a, b] = await Promise.all([pair.ask(() => pair.put(session, body)), pair.put(session, body)]);
    expect(answered(a)).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(answered(b)).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(await resultAt(url)).toEqual({ result: 'ACCEPTED' });
    expect(gateway.seen.length).toBe(before + 1);
  });

  it('UNKNOWN_SESSION for a session that is not ours; nothing reaches a charger', async () => {
    const before = gateway.seen.length;
    const url = pair.catcher.url('set');
    const reply = await pair.put('no-such-session', { charging_profile: PROFILE, response_url: url });
    expect(answered(reply)).toEqual({ result: 'UNKNOWN_SESSION', timeout: 30 });
    const get = await pair.get('no-such-session', `duration=60&response_url=${encodeURIComponent(url)}`);
    expect(answered(get)).toMatchObject({ result: 'UNKNOWN_SESSION' });
    expect(gateway.seen.length).toBe(before);
  });

  it("REJECTED for another eMSP's session, and for a session that is over", async () => {
    const sessionJson = exampleJson('2.3.0', 'session_example_1_simple_start.json') as Record<
      string,
      unknown
    >;
    const other = {
      ...sessionJson,
      country_code: 'NL',
      party_id: 'CPO',
      id: 'OTHER-EMSP',
      status: 'ACTIVE',
      cdr_token: { ...(sessionJson.cdr_token as object), country_code: 'FR', party_id: 'XYZ' },
    };
    await pair.cpo.ocpi.sessions.put(other, '2.3.0');
    await pair.cpo.ocpi.sessions.put(
      {
        ...sessionJson,
        country_code: 'NL',
        party_id: 'CPO',
        id: 'OVER',
        status: 'COMPLETED',
        cdr_token: { ...(sessionJson.cdr_token as object), country_code: 'DE', party_id: 'MSP' },
      },
      '2.3.0',
    );
    const before = gateway.seen.length;
    for (const id of ['OTHER-EMSP', 'OVER']) {
      const url = pair.catcher.url('set');
      const reply = await pair.put(id, { charging_profile: PROFILE, response_url: url });
      expect(answered(reply), id).toEqual({ result: 'REJECTED', timeout: 30 });
      const clear = await pair.del(id, `response_url=${encodeURIComponent(url)}`);
      expect(answered(clear), id).toMatchObject({ result: 'REJECTED' });
    }
    expect(gateway.seen.length).toBe(before);
  });

  it.each([
    ['PUT without response_url', 'put', { charging_profile: PROFILE }, /response_url: is required/],
    [
      'PUT with a bad charging_rate_unit',
      'put',
      { charging_profile: { ...PROFILE, charging_rate_unit: 'kW' }, response_url: 'R' },
      /charging_rate_unit/,
    ],
    [
      'PUT with a negative limit',
      'put',
      {
        charging_profile: { ...PROFILE, charging_profile_period: [{ start_period: 0, limit: -1 }] },
        response_url: 'R',
      },
      /charging_profile_period\[0\]\.limit/,
    ],
    [
      'PUT with an ftp response_url',
      'put',
      { charging_profile: PROFILE, response_url: 'ftp://127.0.0.1/x' },
      /response_url: scheme ftp/,
    ],
    ['GET without duration', 'get', 'response_url=R', /duration/],
    ['GET with a fractional duration', 'get', 'duration=1.5&response_url=R', /duration/],
    ['GET with duration 0', 'get', 'duration=0&response_url=R', /duration/],
    ['GET without response_url', 'get', 'duration=60', /response_url/],
    ['DELETE without response_url', 'del', '', /response_url/],
    [
      'DELETE with a response_url that is no URL',
      'del',
      'response_url=nope',
      /response_url: not a valid URL/,
    ],
  ] as const)(
    '%s: OCPI 2001 naming the field, nothing stored or asked',
    async (_what, method, input, message) => {
      const before = gateway.seen.length;
      const rows = await pair.cpo.ocpi.store.db.selectFrom('ocpi_commands').select('id').execute();
      const url = pair.catcher.url();
      const reply =
        method === 'put'
          ? await pair.put(session, JSON.parse(JSON.stringify(input).replace('"R"', `"${url}"`)))
          : method === 'get'
            ? await pair.get(session, String(input).replace('=R', `=${encodeURIComponent(url)}`))
            : await pair.del(session, String(input));
      expect(reply.status).toBe(200);
      expect(reply.body.status_code).toBe(2001);
      expect(reply.body.status_message).toMatch(message);
      expect(gateway.seen.length).toBe(before);
      expect(await pair.cpo.ocpi.store.db.selectFrom('ocpi_commands').select('id').execute()).toHaveLength(
        rows.length,
      );
    },
  );
});

describe('ChargingProfiles, CPO side, edges', () => {
  it('NOT_SUPPORTED when the charger gateway has no profile operation', async () => {
    const clock = new ManualClock();
    const plain = { execute: () => {} };
    const pair = await startProfilePair('2.2.1', memoryStore, clock, plain);
    try {
      const sessionJson = exampleJson('2.3.0', 'session_example_1_simple_start.json') as Record<
        string,
        unknown
      >;
      await pair.cpo.ocpi.sessions.put(
        {
          ...sessionJson,
          country_code: 'NL',
          party_id: 'CPO',
          id: 'S1',
          status: 'ACTIVE',
          cdr_token: { ...(sessionJson.cdr_token as object), country_code: 'DE', party_id: 'MSP' },
        },
        '2.3.0',
      );
      const reply = await pair.put('S1', { charging_profile: PROFILE, response_url: pair.catcher.url() });
      expect(reply.body.data).toEqual({ result: 'NOT_SUPPORTED', timeout: 30 });
      expect(await pair.cpo.ocpi.store.db.selectFrom('ocpi_commands').select('id').execute()).toEqual([]);
    } finally {
      await pair.close();
    }
  });

  it('2.1.1 does not announce chargingprofiles, nor serve it', async () => {
    const pair = await startPair('2.1.1');
    try {
      const details = await pair.emsp.ocpi.partner(pair.cpoAtEmsp);
      expect(details?.endpoints.map((e) => e.identifier)).not.toContain('chargingprofiles');
      const reply = await call(
        `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '2.1.1')}/receiver/chargingprofiles/S1`,
        { method: 'PUT', body: {}, token: await tokenOf(pair.emsp, pair.cpoAtEmsp), raw: true },
      );
      expect(reply.status).toBe(404);
    } finally {
      await pair.close();
    }
  });

  it.each(['2.2.1', '2.3.0'] as const)(
    'the OpenAPI document of %s has the receiver routes',
    async (version) => {
      const doc = await openApiDocument(version);
      const path = doc.paths[`/${version}/receiver/chargingprofiles/{session_id}`];
      expect(path?.put?.requestBody?.content['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/SetChargingProfile',
      });
      const query = (op: NonNullable<typeof path>['get']) =>
        (op?.parameters ?? []).flatMap((p) => ('in' in p && p.in === 'query' && 'name' in p ? [p.name] : []));
      expect(query(path?.get).sort()).toEqual(['duration', 'response_url']);
      expect(query(path?.delete)).toEqual(['response_url']);
      expect(JSON.stringify(path?.get?.responses['200'])).toContain('ChargingProfileResponse');
    },
  );

  it('the eMSP party is not enough to be a CPO: an eMSP-only node has no receiver', async () => {
    const pair = await startPair('2.2.1');
    try {
      const details = await pair.cpo.ocpi.partner(pair.emspAtCpo);
      const profiles = details?.endpoints.filter((e) => e.identifier === 'chargingprofiles');
      expect(profiles?.map((e) => e.role)).toEqual(['SENDER']);
      expect(EMSP_PARTY.role).toBe('EMSP');
    } finally {
      await pair.close();
    }
  });
});
