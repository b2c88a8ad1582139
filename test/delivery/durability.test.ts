import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OcpiHttpClient } from '../../src/client/ocpi-http.ts';
import { enqueue } from '../../src/delivery/outbox.ts';
import {
  type DeliveredEvent,
  DeliveryWorker,
  type DeliveryWorkerOptions,
} from '../../src/delivery/worker.ts';
import { PartnerRegistry } from '../../src/partners/registry.ts';
import { openStore, type Store, type StoreOptions } from '../../src/store/store.ts';
import { memoryStore, postgresStore, storeCases } from '../support/stores.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

interface Received {
  path: string;
  v: number;
}

/** The partner: records (path, v) of every request, answers success once `answer()` settles. */
async function startReceiver(port = 0, answer?: () => Promise<unknown>) {
  const app: FastifyInstance = Fastify();
  const received: Received[] = [];
  app.all('/*', async (request) => {
    received.push({ path: request.url, v: (request.body as { v: number }).v });
    await answer?.();
    return { status_code: 1000, timestamp: new Date().toISOString() };
  });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : 0;
  return { app, received, port: boundPort, url: (path: string) => `http://127.0.0.1:${boundPort}${path}` };
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 8000) =>
  waitFor(condition, { timeoutMs });

/** A promise the test settles when it wants: a partner that answers, or a transaction that commits, on cue. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function addPartner(store: Store, registry: PartnerRegistry, versionsUrl: string): Promise<string> {
  return store.db.transaction().execute((trx) =>
    registry.insert(
      trx,
      {
        status: 'registered',
        version: '2.2.1',
        versionsUrl,
        outboundToken: randomBytes(16).toString('hex'),
        tokenEncoding: 'base64',
        parties: [{ role: 'EMSP', countryCode: 'DE', partyId: 'MSP', businessDetails: { name: 'Drive Co' } }],
        endpoints: [],
      },
      randomBytes(16).toString('hex'),
    ),
  );
}

const FAST: Partial<DeliveryWorkerOptions> = {
  backoff: { initialMs: 50, factor: 2, maxMs: 200, jitter: 0 },
  pollIntervalMs: 100,
  leaseMs: 5000,
};

function worker(store: Store, http: OcpiHttpClient, options: Partial<DeliveryWorkerOptions> = {}) {
  const w = new DeliveryWorker({ ...FAST, ...options, store, registry: new PartnerRegistry(store), http });
  const delivered: DeliveredEvent[] = [];
  w.on('delivered', (e) => delivered.push(e));
  return { worker: w, delivered };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A store that survives being closed: PGlite in a temporary directory, or a PostgreSQL schema. */
const DURABLE: Array<[string, () => Promise<StoreOptions>]> = storeCases<() => Promise<StoreOptions>>(
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpi-outbox-'));
    cleanups.unshift(() => rm(dir, { recursive: true, force: true }));
    return { kind: 'pglite', dataDir: dir };
  },
  async () => postgresStore(),
);

describe.each(DURABLE)('outbox durability on %s', (name, durableStore) => {
  /**
   * For the tests that need no restart: a PostgreSQL schema of their own, or one PGlite
   * in memory shared by the tests (opening one costs seconds on a busy machine). The
   * test's partner is removed afterwards, and its rows with it.
   */
  let sharedPglite: Store | undefined;
  afterAll(async () => {
    await sharedPglite?.close();
  });
  async function quickStore(): Promise<{ store: Store; other: () => Promise<Store> }> {
    if (name === 'pglite') {
      sharedPglite ??= await openStore(memoryStore());
      const store = sharedPglite;
      return { store, other: async () => store };
    }
    const options = postgresStore();
    const open = async () => {
      const store = await openStore(options);
      cleanups.unshift(() => store.close());
      return store;
    };
    return { store: await open(), other: open };
  }
  async function partnerOn(store: Store, versionsUrl: string): Promise<string> {
    const registry = new PartnerRegistry(store);
    const id = await addPartner(store, registry, versionsUrl);
    cleanups.push(() => registry.remove(id));
    return id;
  }

  it('survives a restart: pending rows are delivered exactly once by the next worker', async () => {
    const options = await durableStore();
    const http = new OcpiHttpClient({ timeoutMs: 1000 });
    cleanups.push(() => http.close());
    let receiver = await startReceiver();
    const port = receiver.port;
    await receiver.app.close(); // the partner is down while the first process runs

    let store = await openStore(options);
    const partnerId = await addPartner(store, new PartnerRegistry(store), receiver.url('/versions'));
    const first = worker(store, http);
    // A1 and B1 each fail once (A2 waits behind A1). Counting failures is not enough: on a
    // loaded machine A1's retry may fail before B1 was tried.
    const failed = new Set<string>();
    first.worker.on('failed', (event) => failed.add(event.entry.orderingKey));
    first.worker.start();
    for (const [path, v] of [
      ['/locations/A', 1],
      ['/locations/A', 2],
      ['/locations/B', 1],
    ] as const) {
      await store.db.transaction().execute((trx) =>
        enqueue(trx, {
          partnerId,
          orderingKey: path,
          method: 'PUT',
          url: receiver.url(path),
          kind: 'push',
          body: { v },
        }),
      );
      first.worker.wake();
    }
    await until(() => failed.has('/locations/A') && failed.has('/locations/B'));
    await first.worker.stop();
    await store.close();

    receiver = await startReceiver(port);
    cleanups.push(() => receiver.app.close());
    store = await openStore(options);
    cleanups.push(() => store.close());
    const second = worker(store, http);
    cleanups.push(() => second.worker.stop());
    const before = await second.worker.listPending();
    expect(before.map((e) => [e.orderingKey, e.attempts > 0])).toEqual([
      ['/locations/A', true],
      ['/locations/A', false],
      ['/locations/B', true],
    ]);
    second.worker.start();
    await until(() => second.delivered.length === 3);
    await deliverySettled(second.worker);
    expect(receiver.received.map((r) => `${r.path} v${r.v}`).sort()).toEqual([
      '/locations/A v1',
      '/locations/A v2',
      '/locations/B v1',
    ]);
    expect(receiver.received).toHaveLength(3);
    const a = receiver.received.filter((r) => r.path === '/locations/A').map((r) => r.v);
    expect(a).toEqual([1, 2]);
    expect(await second.worker.pending()).toBe(0);
  });

  it('finishes deliveries in flight before stop() returns', async () => {
    const { store } = await quickStore();
    const answer = gate();
    const receiver = await startReceiver(0, () => answer.opened);
    cleanups.push(() => receiver.app.close());
    cleanups.push(async () => answer.open());
    const http = new OcpiHttpClient({ timeoutMs: 2000 });
    cleanups.push(() => http.close());
    const partnerId = await partnerOn(store, receiver.url('/versions'));
    const { worker: w, delivered } = worker(store, http);
    w.start();
    await w.enqueue({
      partnerId,
      orderingKey: 'k',
      method: 'POST',
      url: receiver.url('/k'),
      kind: 'push',
      body: { v: 1 },
    });
    await until(() => receiver.received.length === 1);
    let stopped = false;
    const stopping = w.stop().then(() => {
      stopped = true;
    });
    // stop() waits for the partner's answer, which comes only now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    answer.open();
    await stopping;
    expect(delivered).toHaveLength(1);
    expect(await w.pending(partnerId)).toBe(0);
  });

  it(`two workers${name === 'postgres' ? ' with pools of their own' : ''} share 200 messages without delivering one twice`, async () => {
    // PGlite has one connection per database: both workers share the store. PostgreSQL: two pools.
    const { store: storeA, other } = await quickStore();
    const storeB = await other();
    // Answers after a turn of the event loop, so that deliveries of both workers overlap.
    const receiver = await startReceiver(0, () => new Promise((resolve) => setImmediate(resolve)));
    cleanups.push(() => receiver.app.close());
    const http = new OcpiHttpClient({ timeoutMs: 5000 });
    cleanups.push(() => http.close());
    const partnerId = await partnerOn(storeA, receiver.url('/versions'));
    const one = worker(storeA, http, { workerId: 'one', concurrency: 8, batchSize: 8 });
    const two = worker(storeB, http, { workerId: 'two', concurrency: 8, batchSize: 8 });
    cleanups.push(
      () => one.worker.stop(),
      () => two.worker.stop(),
    );
    await storeA.db.transaction().execute(async (trx) => {
      for (let v = 1; v <= 10; v++)
        for (let k = 0; k < 20; k++)
          await enqueue(trx, {
            partnerId,
            orderingKey: `locations/${k}`,
            method: 'PUT',
            url: receiver.url(`/locations/${k}`),
            kind: 'push',
            body: { v },
          });
    });
    one.worker.start();
    two.worker.start();
    await until(() => one.delivered.length + two.delivered.length === 200, 20_000);
    await Promise.all([deliverySettled(one.worker), deliverySettled(two.worker)]);

    expect(receiver.received).toHaveLength(200);
    const ids = [...one.delivered, ...two.delivered].map((d) => d.entry.id);
    expect(new Set(ids).size).toBe(200);
    expect(one.delivered.length).toBeGreaterThan(0);
    expect(two.delivered.length).toBeGreaterThan(0);
    for (let k = 0; k < 20; k++)
      expect(receiver.received.filter((r) => r.path === `/locations/${k}`).map((r) => r.v)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
    expect(await one.worker.pending(partnerId)).toBe(0);
  });

  it('keeps commit order for one key across concurrent transactions', async () => {
    const { store } = await quickStore();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.app.close());
    const http = new OcpiHttpClient({ timeoutMs: 2000 });
    cleanups.push(() => http.close());
    const partnerId = await partnerOn(store, receiver.url('/versions'));
    const { worker: w, delivered } = worker(store, http);
    cleanups.push(() => w.stop());
    w.start();
    const message = (v: number) =>
      ({
        partnerId,
        orderingKey: 'k',
        method: 'PUT',
        url: receiver.url('/k'),
        kind: 'push',
        body: { v },
      }) as const;
    // v1's transaction enqueues first and commits late; v2's starts meanwhile and commits at once.
    const firstEnqueued = gate();
    const commitFirst = gate();
    const slow = store.db.transaction().execute(async (trx) => {
      await enqueue(trx, message(1));
      firstEnqueued.open();
      await commitFirst.opened;
    });
    await firstEnqueued.opened;
    const fast = store.db.transaction().execute((trx) => enqueue(trx, message(2)));
    // PostgreSQL: v2's transaction waits for v1's key lock; the worker looks meanwhile. (PGlite,
    // one connection, runs v2's transaction only after v1's.)
    if (name === 'postgres') {
      await until(async () => {
        const waiting = await sql<{ n: number }>`
          select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(
          store.db,
        );
        return (waiting.rows[0]?.n ?? 0) > 0;
      });
      await deliverySettled(w);
    }
    commitFirst.open();
    await Promise.all([slow, fast]);
    w.wake();
    await until(() => delivered.length === 2);
    expect(receiver.received.map((r) => r.v)).toEqual([1, 2]);
  });
});
