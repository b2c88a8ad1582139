import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/index.ts';
import { call, startNode } from '../support/nodes.ts';
import { evse, inVersion, type Json, location, token } from '../support/objects.ts';
import { EMSP_PARTY, MATRIX, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { freshSchema, POSTGRES_ENV, POSTGRES_URL } from '../support/stores.ts';

const T = (second: number) => `2030-01-01T00:00:${String(second).padStart(2, '0')}Z`;
const evsesOf = (l: Json) => (l.evses ?? []) as Json[];

/*
 * The spec lets a receiver ignore data older than what it has: a PUT or PATCH whose
 * last_updated is older than the stored object's is acknowledged (1000) and not applied.
 */
describe.each(MATRIX)('stale writes to the receivers over OCPI %s on %s', (version, _store, storeOptions) => {
  const v211 = version === '2.1.1';
  let pair: Pair;
  let cpoToken: string;
  let locations: string;

  beforeAll(async () => {
    pair = await startPair(version, {}, storeOptions);
    cpoToken = await tokenOf(pair.cpo, pair.emspAtCpo);
    locations = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/locations/NL/CPO`;
  });
  afterAll(() => pair?.close());

  const send = async (method: string, url: string, body: Json) => {
    const reply = await call(url, { method, token: cpoToken, body });
    expect(reply.body.status_code, `${method} ${url}`).toBe(1000);
  };
  const get = async (url: string) => (await call(url, { token: cpoToken })).body.data as Json;
  const named = (id: string, name: string, at: string) =>
    inVersion(version, 'Location', { ...location(id, 2, T(0)), name, last_updated: at });

  it('keeps the newer Location when an older PUT arrives after it, and applies an equal one', async () => {
    const url = `${locations}/LOC-PUT`;
    await send('PUT', url, named('LOC-PUT', 'newer', T(20)));
    await send('PUT', url, named('LOC-PUT', 'older', T(10)));
    expect(await get(url)).toMatchObject({ name: 'newer', last_updated: T(20) });
    // The same time again is a re-send: applied.
    await send('PUT', url, named('LOC-PUT', 'again', T(20)));
    expect((await get(url)).name).toBe('again');
  });

  it('ignores a Location PATCH older than the Location', async () => {
    const url = `${locations}/LOC-PATCH`;
    await send('PUT', url, named('LOC-PATCH', 'newer', T(20)));
    await send('PATCH', url, { name: 'older', last_updated: T(10) });
    expect(await get(url)).toMatchObject({ name: 'newer', last_updated: T(20) });
    await send('PATCH', url, { name: 'newest', last_updated: T(30) });
    expect(await get(url)).toMatchObject({ name: 'newest', last_updated: T(30) });
  });

  it("compares an EVSE or Connector change with that EVSE's or Connector's own time", async () => {
    const url = `${locations}/LOC-TREE`;
    // Both EVSEs last changed at 0; the Location at 20.
    await send('PUT', url, named('LOC-TREE', 'tree', T(20)));
    await send('PATCH', `${url}/E1`, { status: 'CHARGING', last_updated: T(10) });
    await send('PATCH', `${url}/E1`, { status: 'BLOCKED', last_updated: T(5) });
    await send('PUT', `${url}/E2`, inVersion(version, 'EVSE', { ...evse('E2', T(8)), status: 'OUTOFORDER' }));
    const voltage = v211 ? 'voltage' : 'max_voltage';
    await send('PATCH', `${url}/E2/1`, { [voltage]: 400, last_updated: T(12) });
    await send('PATCH', `${url}/E2/1`, { [voltage]: 110, last_updated: T(11) });
    const stored = await get(url);
    const [e1, e2] = evsesOf(stored) as [Json, Json];
    // Newer than the EVSE's own time: applied, though older than the Location's.
    expect(e1).toMatchObject({ status: 'CHARGING', last_updated: T(10) });
    expect(e2).toMatchObject({ status: 'OUTOFORDER', last_updated: T(12) });
    expect((e2.connectors as Json[])[0]).toMatchObject({ last_updated: T(12) });
    expect((e2.connectors as Json[])[0]?.[voltage]).toBe(400);
    // A parent keeps the later of its own time and its child's.
    expect(stored.last_updated).toBe(T(20));
  });

  it.runIf(v211)(
    'applies a 2.1.1 PATCH without last_updated, dated now or kept at a later time',
    async () => {
      const url = `${locations}/LOC-211`;
      await send('PUT', url, named('LOC-211', 'first', '2020-01-01T00:00:00Z'));
      await send('PATCH', url, { name: 'undated' });
      const stored = await get(url);
      expect(stored.name).toBe('undated');
      expect(Date.parse(String(stored.last_updated))).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z'));
      // Stored with a time still to come: applied all the same, and its time does not go back.
      await send('PUT', url, named('LOC-211', 'future', T(20)));
      await send('PATCH', `${url}/E1`, { status: 'BLOCKED' });
      const later = await get(url);
      expect(evsesOf(later)[0]).toMatchObject({ status: 'BLOCKED' });
      expect(later.last_updated).toBe(T(20));
    },
  );

  it('keeps the newer Token when an older PUT arrives after it', async () => {
    const emspToken = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    const url = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/tokens/DE/MSP/TOK1`;
    const at = (valid: boolean, when: string) =>
      inVersion(version, 'Token', { ...token('TOK1'), valid, last_updated: when });
    for (const body of [at(false, T(20)), at(true, T(10))])
      expect((await call(url, { method: 'PUT', token: emspToken, body })).body.status_code).toBe(1000);
    expect((await call(url, { token: emspToken })).body.data).toMatchObject({ valid: false });
  });
});

/*
 * Two instances of one eMSP on the same PostgreSQL schema, behind one URL in real life:
 * whichever instance a push reaches, and in whatever order, the newest data wins.
 */
describe.skipIf(process.env[POSTGRES_ENV] === '0')('two eMSP instances on one PostgreSQL schema', () => {
  const version: OcpiVersion = '2.2.1';
  const schema = freshSchema();
  const store = () => ({ kind: 'postgres' as const, connectionString: POSTGRES_URL, schema, poolSize: 4 });
  let pair: Pair;
  let second: FastifyInstance;
  let cpoToken: string;
  let urls: [string, string];

  beforeAll(async () => {
    pair = await startPair(version, { emsp: { store: store() } });
    second = await startNode({ parties: [EMSP_PARTY], store: store() });
    cpoToken = await tokenOf(pair.cpo, pair.emspAtCpo);
    const receiver = (node: FastifyInstance) =>
      `${node.ocpi.versionsUrl().replace(/versions$/, version)}/receiver/locations/NL/CPO`;
    urls = [receiver(pair.emsp), receiver(second)];
  });
  afterAll(async () => {
    await second?.close();
    await pair?.close();
  });

  const send = async (method: string, url: string, body: Json) =>
    expect((await call(url, { method, token: cpoToken, body })).body.status_code).toBe(1000);
  const named = (id: string, name: string, at: string) =>
    inVersion(version, 'Location', { ...location(id, 2, T(0)), name, last_updated: at });

  it('the newest PUT wins whichever instance gets it, in whatever order', async () => {
    for (let round = 0; round < 20; round++) {
      const id = `LOC-R${round}`;
      const [toNewer, toOlder] = round % 2 === 0 ? urls : [urls[1], urls[0]];
      const newer = () => send('PUT', `${toNewer}/${id}`, named(id, 'newer', T(20)));
      const older = () => send('PUT', `${toOlder}/${id}`, named(id, 'older', T(10)));
      // Half the rounds the older one surely comes last; the other half they race.
      if (round % 4 < 2) {
        await newer();
        await older();
      } else await Promise.all([older(), newer()]);
      for (const url of urls) {
        const got = (await call(`${url}/${id}`, { token: cpoToken })).body.data as Json;
        expect(got, `round ${round}`).toMatchObject({ name: 'newer', last_updated: T(20) });
      }
    }
  });

  it('EVSE PATCHes to both instances at once are all kept, the newest per EVSE', async () => {
    const id = 'LOC-EVSES';
    await send('PUT', `${urls[0]}/${id}`, named(id, 'evses', T(1)));
    await Promise.all(
      [10, 11, 12, 13].flatMap((second, i) => [
        send('PATCH', `${urls[i % 2] as string}/${id}/E1`, { status: 'CHARGING', last_updated: T(second) }),
        send('PATCH', `${urls[(i + 1) % 2] as string}/${id}/E2`, {
          status: second === 13 ? 'BLOCKED' : 'RESERVED',
          last_updated: T(second),
        }),
      ]),
    );
    const got = (await call(`${urls[1]}/${id}`, { token: cpoToken })).body.data as Json;
    expect(evsesOf(got).map((e) => [e.uid, e.status, e.last_updated])).toEqual([
      ['E1', 'CHARGING', T(13)],
      ['E2', 'BLOCKED', T(13)],
    ]);
  });
});
