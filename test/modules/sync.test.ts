import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followableLink } from '../../src/modules/objects/client.ts';
import { startFakePartner } from '../support/fake-partner.ts';
import { call, startNode } from '../support/nodes.ts';
import { EMSP_PARTY, MATRIX, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { exampleJson } from '../support/spec-fixtures.ts';

const LOCATION = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;

function location(i: number): Record<string, unknown> {
  return {
    ...LOCATION,
    country_code: 'NL',
    party_id: 'CPO',
    id: `LOC${String(i).padStart(3, '0')}`,
    last_updated: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
  };
}

describe.each(MATRIX)('pull over OCPI %s on %s', (version, _store, storeOptions) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(version, { cpo: { paging: { maxLimit: 10 } } }, storeOptions);
    for (let i = 0; i < 25; i++) await pair.cpo.ocpi.locations.put(location(i), '2.3.0');
  });
  afterAll(() => pair.close());

  it('the eMSP pulls every Location through the pages', async () => {
    const pages: number[] = [];
    const result = await pair.emsp.ocpi.sync(pair.cpoAtEmsp, 'locations', {
      onPage: (p) => pages.push(p.received),
    });
    expect(result).toMatchObject({ pages: 3, received: 25, skipped: 0, total: 25 });
    expect(pages).toEqual([10, 20, 25]);
    const got = await pair.emsp.ocpi.locations.received(pair.cpoAtEmsp, {
      countryCode: 'NL',
      partyId: 'CPO',
      id: 'LOC024',
    });
    expect(got?.id).toBe('LOC024');
  });

  it('serves pages with Link, X-Total-Count and X-Limit, clamps the limit and filters by date', async () => {
    const token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    const url = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, version)}/sender/locations`;
    const first = await call(`${url}?limit=1000&date_from=2024-01-06T00:00:00Z`, { token });
    expect(first.headers.get('x-total-count')).toBe('20');
    expect(first.headers.get('x-limit')).toBe('10');
    const data = first.body.data as Array<{ id: string }>;
    expect(data.map((l) => l.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `LOC${String(i + 5).padStart(3, '0')}`),
    );
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] as string;
    expect(new URL(next).searchParams.get('date_from')).toBe('2024-01-06T00:00:00Z');
    const second = await call(next, { token });
    expect((second.body.data as Array<{ id: string }>)[0]?.id).toBe('LOC015');
    const bad = await call(`${url}?date_from=last-week`, { token });
    expect(bad.body).toMatchObject({ status_code: 2001 });
    expect(bad.body.status_message).toMatch(/date_from/);
    const one = await call(`${url}/LOC003`, { token });
    expect((one.body.data as { id: string }).id).toBe('LOC003');
    const evseUid = ((LOCATION.evses as Array<{ uid: string }>)[0] as { uid: string }).uid;
    expect((await call(`${url}/LOC003/${evseUid}`, { token })).body.data).toMatchObject({ uid: evseUid });
    const missing = await call(`${url}/NOPE`, { token });
    expect(missing.status).toBe(404);
    expect(missing.body.status_code).toBe(2003);
  });
});

describe('pulling from a sloppy partner', () => {
  it('copes with a wrong X-Total-Count, an empty last page and a Link that loops', async () => {
    const fake = Fastify();
    const page = (items: unknown[], next?: string) => ({
      data: items,
      status_code: 1000,
      timestamp: new Date().toISOString(),
      next,
    });
    let base = '';
    fake.get('/versions', async () => page([{ version: '2.2.1', url: `${base}/2.2.1` }]));
    fake.get('/2.2.1', async () => ({
      data: {
        version: '2.2.1',
        endpoints: [
          { identifier: 'credentials', role: 'SENDER', url: `${base}/credentials` },
          { identifier: 'locations', role: 'SENDER', url: `${base}/locations` },
        ],
      },
      status_code: 1000,
      timestamp: new Date().toISOString(),
    }));
    fake.post('/credentials', async (request) => ({
      data: {
        token: 'token-c',
        url: `${base}/versions`,
        roles: [{ role: 'CPO', party_id: 'CPO', country_code: 'NL', business_details: { name: 'Sloppy' } }],
      },
      status_code: 1000,
      timestamp: new Date().toISOString(),
      seen: request.body !== undefined,
    }));
    fake.get<{ Querystring: { offset?: string } }>('/locations', async (request, reply) => {
      const offset = Number(request.query.offset ?? 0);
      reply.header('X-Total-Count', '999');
      if (offset === 0) {
        reply.header('Link', `<${base}/locations?offset=2>; rel="next"`);
        return page([location(1), { id: 'broken' }]);
      }
      if (offset === 2) {
        reply.header('Link', `<${base}/locations?offset=4>; rel="next"`);
        return page([location(2)]);
      }
      // The last page is empty yet still links on (to itself).
      reply.header('Link', `<${base}/locations?offset=4>; rel="next"`);
      return page([]);
    });
    await fake.listen({ port: 0, host: '127.0.0.1' });
    const address = fake.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const emsp = await startNode({ parties: [EMSP_PARTY] });
    try {
      const partner = await emsp.ocpi.registerWith(`${base}/versions`, 'token-a');
      const result = await emsp.ocpi.sync(partner.id, 'locations');
      expect(result).toEqual({ pages: 3, received: 2, skipped: 1, total: 999 });
      await expect(emsp.ocpi.sync(partner.id, 'tariffs')).rejects.toMatchObject({ statusCode: 3003 });
    } finally {
      await Promise.all([emsp.close(), fake.close()]);
    }
  });
});

describe('pulling from a partner whose Link cannot be followed', () => {
  const items = Array.from({ length: 5 }, (_, i) => ({
    country_code: 'NL',
    party_id: 'CPO',
    id: `FB${i}`,
    publish: true,
    address: 'Stationsplein 1',
    city: 'Utrecht',
    country: 'NLD',
    coordinates: { latitude: '52.089444', longitude: '5.110278' },
    time_zone: 'Europe/Amsterdam',
    last_updated: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
  }));
  const hostOf = (base: string) => new URL(base).host;
  it('follows a Link only on the endpoint host, with its scheme or https', () => {
    const endpoint = new URL('https://cpo.example.com/ocpi/2.2.1/locations');
    const page = new URL('https://cpo.example.com/ocpi/2.2.1/locations?offset=10');
    const follow = (link: string, from = endpoint) => followableLink(link, page, from)?.toString();
    expect(follow('https://cpo.example.com/ocpi/2.2.1/locations?offset=20')).toBe(
      'https://cpo.example.com/ocpi/2.2.1/locations?offset=20',
    );
    expect(follow('https://CPO.example.com:443/ocpi/2.2.1/locations?offset=20')).toBe(
      'https://cpo.example.com/ocpi/2.2.1/locations?offset=20',
    );
    expect(follow('?offset=20')).toBe('https://cpo.example.com/ocpi/2.2.1/locations?offset=20');
    expect(follow('http://cpo.example.com/ocpi/2.2.1/locations?offset=20')).toBeUndefined();
    expect(follow('https://cpo.example.com:8443/ocpi/2.2.1/locations?offset=20')).toBeUndefined();
    expect(follow('https://attacker.example/ocpi/2.2.1/locations?offset=20')).toBeUndefined();
    expect(follow('javascript:alert(1)')).toBeUndefined();
    expect(follow('http://[::1')).toBeUndefined();
    const plain = new URL('http://cpo.example.com/ocpi/2.2.1/locations');
    // From plain http, up to https is fine; the host must still be the endpoint's.
    expect(follow('https://cpo.example.com/ocpi/2.2.1/locations?offset=20', plain)).toBe(
      'https://cpo.example.com/ocpi/2.2.1/locations?offset=20',
    );
    expect(follow('ftp://cpo.example.com/ocpi/2.2.1/locations?offset=20', plain)).toBeUndefined();
  });

  it.each([
    [
      'another scheme',
      ({ base, offset }: { base: string; offset: number }) =>
        `${base.replace('http:', 'ftp:')}/locations?offset=${offset}`,
    ],
    // Loopback too, but not the host of the endpoint: never followed.
    [
      'another host',
      ({ base, offset }: { base: string; offset: number }) =>
        `${base.replace('127.0.0.1', 'localhost')}/locations?offset=${offset}`,
    ],
    ['no URL at all', ({ offset }: { base: string; offset: number }) => `http://[offset=${offset}`],
    [
      'a URL the partner refuses',
      ({ base, offset }: { base: string; offset: number }) => `${base}/no-such-page?offset=${offset}`,
    ],
  ])('pages on by offset when the Link has %s', async (_what, link) => {
    const fake = await startFakePartner({ locations: { items, pageSize: 2, link } });
    const emsp = await startNode({ parties: [EMSP_PARTY] });
    try {
      const partner = await emsp.ocpi.registerWith(`${fake.base}/versions`, 'token-a');
      const result = await emsp.ocpi.sync(partner.id, 'locations', { limit: 2 });
      expect(result).toEqual({ pages: 3, received: 5, skipped: 0, total: 5 });
      const host = hostOf(fake.base);
      expect(fake.received.pages).toEqual([
        `${host}/locations?limit=2`,
        `${host}/locations?limit=2&offset=2`,
        `${host}/locations?limit=2&offset=4`,
      ]);
      const got = await emsp.ocpi.locations.listReceived(partner.id);
      expect(got.items.map((l) => l.id).sort()).toEqual(items.map((l) => l.id));
    } finally {
      await Promise.all([emsp.close(), fake.close()]);
    }
  });
});
