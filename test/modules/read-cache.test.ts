import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OcpiVersion } from '../../src/index.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { call, startNode } from '../support/nodes.ts';
import { type Json, location, tariff } from '../support/objects.ts';
import { CPO_PARTY, EMSP_PARTY, type Pair, startPair, tokenOf } from '../support/pair.ts';
import { POSTGRES_ENV, postgresStore, STORES } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

/*
 * The sender answers our Locations and Tariffs from JSON rendered once per object and version,
 * and pages from an index of the list in memory. What a partner reads must be what the store
 * holds at the time: a write is in the next GET of the object, of its EVSE and of every page,
 * and the pages, totals and Links are the ones the store's own paging gives.
 */

const senderOf = (node: FastifyInstance, version: OcpiVersion, module: string) =>
  `${node.ocpi.versionsUrl().replace(/versions$/, version)}/sender/${module}`;

const idsOf = (data: unknown) => (data as Array<{ id: string }>).map((o) => o.id);

const named = (id: string, name: string, lastUpdated = '2030-01-02T00:00:00Z'): Json => ({
  ...location(id, 2, lastUpdated),
  name,
});

describe.each(STORES)('reads from the rendered JSON and the index on %s', (_store, storeOptions) => {
  let pair: Pair;
  let token: string;
  let list: string;
  const get = async (url: string) => call(url, { token });

  beforeAll(async () => {
    pair = await startPair('2.2.1', { cpo: { paging: { maxLimit: 10 } } }, storeOptions);
    token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    list = senderOf(pair.cpo, '2.2.1', 'locations');
    for (let i = 0; i < 25; i++)
      await pair.cpo.ocpi.locations.put(named(`LOC${String(i).padStart(2, '0')}`, 'first'), '2.3.0');
  }, 120_000);
  afterAll(() => pair?.close());

  it('shows a change in the next GET of the object, of its EVSE and of its page, at once', async () => {
    // Read (and kept) before the change.
    expect((await get(`${list}/LOC12`)).body.data).toMatchObject({ name: 'first' });
    expect((await get(`${list}/LOC12/E1`)).body.data).toMatchObject({ status: 'AVAILABLE' });
    const page = await get(`${list}?offset=10&limit=5`);
    expect((page.body.data as Json[]).map((l) => l.name)).toEqual(Array(5).fill('first'));

    await pair.cpo.ocpi.locations.put(named('LOC12', 'second'), '2.3.0');
    await pair.cpo.ocpi.locations.patch({ countryCode: 'NL', partyId: 'CPO', id: 'LOC12' }, ['E1'], {
      status: 'CHARGING',
      last_updated: '2030-01-03T00:00:00Z',
    });

    expect((await get(`${list}/LOC12`)).body.data).toMatchObject({
      name: 'second',
      last_updated: '2030-01-03T00:00:00Z',
    });
    expect((await get(`${list}/LOC12/E1`)).body.data).toMatchObject({ status: 'CHARGING' });
    const again = await get(`${list}?offset=10&limit=5`);
    expect(idsOf(again.body.data)).toEqual(['LOC10', 'LOC11', 'LOC12', 'LOC13', 'LOC14']);
    expect((again.body.data as Json[]).map((l) => l.name)).toEqual([
      'first',
      'first',
      'second',
      'first',
      'first',
    ]);
    // A date filter sees the new last_updated too.
    const changed = await get(`${list}?date_from=2030-01-03T00:00:00Z`);
    expect(idsOf(changed.body.data)).toEqual(['LOC12']);
    expect(changed.headers.get('x-total-count')).toBe('1');
  });

  it('puts a new object at the end of the list and in the total at once', async () => {
    const before = await get(`${list}?offset=20`);
    expect(before.headers.get('x-total-count')).toBe('25');
    await pair.cpo.ocpi.locations.put(named('LOC99', 'new'), '2.3.0');
    const after = await get(`${list}?offset=20`);
    expect(after.headers.get('x-total-count')).toBe('26');
    expect(idsOf(after.body.data)).toEqual(['LOC20', 'LOC21', 'LOC22', 'LOC23', 'LOC24', 'LOC99']);
    expect((await get(`${list}/LOC99`)).body.data).toMatchObject({ name: 'new' });
  });

  it('leaves a deleted Tariff out of every page and its total at once', async () => {
    const tariffs = senderOf(pair.cpo, '2.2.1', 'tariffs');
    for (const id of ['T1', 'T2', 'T3']) await pair.cpo.ocpi.tariffs.put(tariff(id), '2.3.0');
    expect(idsOf((await get(tariffs)).body.data)).toEqual(['T1', 'T2', 'T3']);
    await pair.cpo.ocpi.tariffs.delete({ countryCode: 'NL', partyId: 'CPO', id: 'T2' });
    const after = await get(tariffs);
    expect(idsOf(after.body.data)).toEqual(['T1', 'T3']);
    expect(after.headers.get('x-total-count')).toBe('2');
    expect(idsOf((await get(`${tariffs}?offset=1`)).body.data)).toEqual(['T3']);
  });

  it('answers each read after a run of writes with the last write, and with a whole object during it', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `v${i}`);
    let writing = true;
    const seen = new Set<unknown>();
    const reads = (async () => {
      while (writing) {
        const [one, page] = await Promise.all([get(`${list}/LOC05`), get(`${list}?offset=5&limit=1`)]);
        seen.add((one.body.data as Json).name);
        seen.add(((page.body.data as Json[])[0] as Json).name);
      }
    })();
    for (const name of names) await pair.cpo.ocpi.locations.put(named('LOC05', name), '2.3.0');
    writing = false;
    await reads;
    for (const name of seen) expect(['first', ...names]).toContain(name);
    expect((await get(`${list}/LOC05`)).body.data).toMatchObject({ name: 'v19' });
    expect(((await get(`${list}?offset=5&limit=1`)).body.data as Json[])[0]).toMatchObject({ name: 'v19' });
  });

  it('answers an unknown Location or EVSE with 404, and bad paging with 2001', async () => {
    expect((await get(`${list}/NOPE`)).status).toBe(404);
    expect((await get(`${list}/LOC01/NOPE`)).status).toBe(404);
    const bad = await get(`${list}?offset=-1`);
    expect(bad.body.status_code).toBe(2001);
    const past = await get(`${list}?offset=1000`);
    expect(past.body.data).toEqual([]);
    expect(past.headers.get('link')).toBeNull();
  });
});

describe.each(STORES)('the same pages as the store pages them, on %s', (_store, storeOptions) => {
  /** A CPO serving from its index and rendered JSON, one serving from the store, each with its eMSP. */
  const nodes: Array<{ cpo: FastifyInstance; emsp: FastifyInstance; token: string }> = [];

  beforeAll(async () => {
    for (const readCache of [{}, { maxIndexedObjects: 0, maxRenderedBytes: 0 }]) {
      const cpo = await startNode({
        parties: [CPO_PARTY],
        store: storeOptions(),
        paging: { maxLimit: 7 },
        readCache,
      });
      const emsp = await startNode({ parties: [EMSP_PARTY], store: storeOptions() });
      nodes.push({ cpo, emsp, token: '' });
      const partner = await emsp.ocpi.registerWith(
        cpo.ocpi.versionsUrl(),
        await cpo.ocpi.createRegistrationToken(),
      );
      (nodes.at(-1) as (typeof nodes)[0]).token = await tokenOf(emsp, partner.id);
      for (let i = 0; i < 30; i++) {
        const day = String(1 + (i % 9)).padStart(2, '0');
        const lastUpdated = `2030-01-${day}T00:00:00Z`;
        // Every fourth is not published: a 2.1.1 partner never gets it.
        await cpo.ocpi.locations.put({ ...location(`L${i}`, 1, lastUpdated), publish: i % 4 !== 0 }, '2.3.0');
      }
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(nodes.flatMap((n) => [n.cpo.close(), n.emsp.close()]));
  });

  /** A page as a partner reads it, with the node's own address taken out of the Link. */
  async function page(node: { cpo: FastifyInstance; token: string }, version: OcpiVersion, query: string) {
    const base = senderOf(node.cpo, version, 'locations');
    const reply = await call(`${base}${query}`, { token: node.token });
    return {
      status: reply.status,
      data: reply.body.data,
      total: reply.headers.get('x-total-count'),
      limit: reply.headers.get('x-limit'),
      link: reply.headers.get('link')?.replace(base, ''),
    };
  }

  it.each([
    '',
    '?limit=3',
    '?offset=5&limit=4',
    '?offset=28',
    '?offset=30',
    '?limit=0',
    '?limit=100',
    '?date_from=2030-01-03T00:00:00Z',
    '?date_from=2030-01-03T00:00:00Z&date_to=2030-01-06T00:00:00Z&offset=2&limit=3',
    '?date_to=2030-01-02T00:00:00',
    '?date_from=2031-01-01T00:00:00Z',
  ])('GET %s in every version', async (query) => {
    const [indexed, stored] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    for (const version of ['2.1.1', '2.2.1', '2.3.0'] as const) {
      const fromIndex = await page(indexed, version, query);
      expect(fromIndex.status).toBe(200);
      expect(fromIndex).toEqual(await page(stored, version, query));
    }
  });

  it('follows the Links (with their cursor) to the same pages, and answers one Location the same', async () => {
    const [indexed, stored] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    for (const version of ['2.1.1', '2.2.1'] as const) {
      let next: string | undefined = '?limit=4&date_from=2030-01-02T00:00:00Z';
      while (next) {
        const fromIndex = await page(indexed, version, next);
        expect(fromIndex).toEqual(await page(stored, version, next));
        next = /^<([^>]+)>/.exec(fromIndex.link ?? '')?.[1];
      }
      for (const id of ['L0', 'L1', 'L1/E1', 'L1/E1/1', 'NOPE']) {
        const [a, b] = await Promise.all(
          [indexed, stored].map((n) =>
            call(`${senderOf(n.cpo, version, 'locations')}/${id}`, { token: n.token }),
          ),
        );
        expect([a?.status, a?.body.data]).toEqual([b?.status, b?.body.data]);
      }
    }
  });
});

describe.each(STORES)('reads while the store fails, on %s', (_store, storeOptions) => {
  let store: Store;
  let pair: Pair;
  let failing = false;
  /** Refuses every SELECT while `failing`: the store is down for reads. */
  const faults: KyselyPlugin = {
    transformQuery(args) {
      if (failing && args.node.kind === 'SelectQueryNode') throw new Error('the store is down');
      return args.node;
    },
    transformResult: async (args) => args.result,
  };

  beforeAll(async () => {
    store = await openStore(storeOptions());
    const faulty: Store = { ...store, db: store.db.withPlugin(faults), close: async () => {} };
    pair = await startPair('2.2.1', { cpo: { store: faulty } });
  }, 120_000);
  afterEach(() => {
    failing = false;
  });
  afterAll(async () => {
    await pair?.close();
    await store?.close();
  });

  it('answers HTTP 500 while it cannot read, and the change it could not read after', async () => {
    const token = await tokenOf(pair.emsp, pair.cpoAtEmsp);
    const list = senderOf(pair.cpo, '2.2.1', 'locations');
    await pair.cpo.ocpi.locations.put(named('LOC1', 'first'), '2.3.0');
    expect(idsOf((await call(list, { token })).body.data)).toEqual(['LOC1']);
    await pair.cpo.ocpi.locations.put(named('LOC1', 'second'), '2.3.0');
    await pair.cpo.ocpi.locations.put(named('LOC2', 'new'), '2.3.0');
    failing = true;
    const down = await call(list, { token });
    expect(down.status).toBe(500);
    expect(down.body.status_code).toBe(3000);
    expect((await call(`${list}/LOC1`, { token })).status).toBe(500);
    failing = false;
    const up = await call(list, { token });
    expect((up.body.data as Json[]).map((l) => [l.id, l.name])).toEqual([
      ['LOC1', 'second'],
      ['LOC2', 'new'],
    ]);
    expect((await call(`${list}/LOC1`, { token })).body.data).toMatchObject({ name: 'second' });
  });
});

describe.skipIf(process.env[POSTGRES_ENV] === '0')('two instances on one PostgreSQL schema', () => {
  const closing: FastifyInstance[] = [];
  afterAll(() => Promise.all(closing.map((n) => n.close())));

  it('reads a write made through the other instance as soon as its message arrives: objects, pages, totals', async () => {
    const store = postgresStore();
    const a = await startNode({ versions: ['2.2.1'], parties: [CPO_PARTY], store });
    closing.push(a);
    const b = await startNode({ versions: ['2.2.1'], parties: [CPO_PARTY], store });
    closing.push(b);
    const emsp = await startNode({ versions: ['2.2.1'], parties: [EMSP_PARTY] });
    closing.push(emsp);
    const partner = await emsp.ocpi.registerWith(
      a.ocpi.versionsUrl(),
      await a.ocpi.createRegistrationToken(),
    );
    const token = await tokenOf(emsp, partner.id);
    for (const id of ['L1', 'L2']) await a.ocpi.locations.put(named(id, 'first'), '2.3.0');
    for (const id of ['T1', 'T2']) await a.ocpi.tariffs.put(tariff(id), '2.3.0');
    const atB = senderOf(b, '2.2.1', 'locations');
    const tariffsAtB = senderOf(b, '2.2.1', 'tariffs');
    // b reads (and keeps) what is there before a writes.
    expect((await call(`${atB}/L1`, { token })).body.data).toMatchObject({ name: 'first' });
    expect(idsOf((await call(atB, { token })).body.data)).toEqual(['L1', 'L2']);
    expect(idsOf((await call(tariffsAtB, { token })).body.data)).toEqual(['T1', 'T2']);

    await a.ocpi.locations.put(named('L1', 'second'), '2.3.0');
    await a.ocpi.locations.put(named('L3', 'new'), '2.3.0');
    await a.ocpi.tariffs.delete({ countryCode: 'NL', partyId: 'CPO', id: 'T1' });

    await waitFor(
      async () => {
        const [one, list, tariffs] = await Promise.all(
          [`${atB}/L1`, atB, tariffsAtB].map((url) => call(url, { token })),
        );
        return (
          (one?.body.data as Json | undefined)?.name === 'second' &&
          idsOf(list?.body.data).join() === 'L1,L2,L3' &&
          list?.headers.get('x-total-count') === '3' &&
          idsOf(tariffs?.body.data).join() === 'T2'
        );
      },
      { timeoutMs: 3000, what: "a's writes read on b" },
    );
  });
});
