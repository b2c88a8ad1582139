import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OcpiHttpClient } from '../../src/client/ocpi-http.ts';
import { enqueueMany, type OutboxMessage } from '../../src/delivery/outbox.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/delivery/worker.ts';
import { PartnerRegistry } from '../../src/partners/registry.ts';
import { openStore, type Store, type StoreOptions } from '../../src/store/store.ts';
import { addPartner } from '../support/delivery-partner.ts';
import { POSTGRES_ENV, postgresStore, STORES } from '../support/stores.ts';
import { waitFor } from '../support/wait-for.ts';

/*
 * Push fan-out (issue 15): many partners, many objects, batched claims and completions,
 * coalescing of the changes a partner is behind on, and two workers on one database.
 */

interface Push {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** Partners' receivers on one node:http server: records each request, answers OCPI 1000 after `gate`. */
async function receivers(gate: (push: Push) => Promise<void> = async () => {}) {
  const pushes: Push[] = [];
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const push: Push = {
        method: req.method ?? '',
        path: req.url ?? '',
        body: text ? JSON.parse(text) : {},
      };
      pushes.push(push);
      void gate(push).then(() => {
        const body = JSON.stringify({ status_code: 1000, timestamp: new Date().toISOString() });
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { origin, pushes };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function opened(options: StoreOptions): Promise<Store> {
  const store = await openStore(options);
  cleanups.push(() => store.close());
  return store;
}

function worker(store: Store, options: Partial<DeliveryWorkerOptions> = {}, timeoutMs = 20_000) {
  const http = new OcpiHttpClient({ timeoutMs });
  const registry = new PartnerRegistry(store);
  const w = new DeliveryWorker({
    pollIntervalMs: 100,
    stopTimeoutMs: 500,
    ...options,
    store,
    registry,
    http,
  });
  cleanups.push(async () => {
    await w.stop();
    await http.close();
  });
  return { worker: w, registry };
}

async function enqueueAll(store: Store, messages: OutboxMessage[]): Promise<void> {
  await store.db.transaction().execute((trx) => enqueueMany(trx, messages));
}

const patch = (
  partnerId: string,
  url: string,
  key: string,
  body: Record<string, unknown>,
): OutboxMessage => ({
  partnerId,
  orderingKey: key,
  method: 'PATCH',
  url,
  kind: 'push',
  body,
  coalesce: true,
});

describe.each(STORES)('push fan-out on %s', (_name, storeOptions) => {
  it('keeps deliveries to every other partner going while one hangs, which holds at most its share', async () => {
    const store = await opened(storeOptions());
    // Accepts connections and requests, never answers.
    const sockets = new Set<Socket>();
    let hungRequests = 0;
    const hang = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => hungRequests++);
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const { origin, pushes } = await receivers();
    const { worker: w, registry } = worker(store, { concurrency: 16, partnerConcurrency: 4 });
    // Before the worker stops: its HTTP client waits for the hung calls to end.
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hang.close(resolve));
    });
    const hung = await addPartner(store, registry, `${hangUrl}/versions`);
    const others = await Promise.all(
      Array.from({ length: 5 }, () => addPartner(store, registry, `${origin}/versions`)),
    );
    // The hung partner's messages first, then 40 for each other partner round 8 objects.
    await enqueueAll(
      store,
      Array.from({ length: 30 }, (_, n) =>
        patch(hung.id, `${hangUrl}/locations/H${n}`, `locations/H${n}`, { v: n }),
      ),
    );
    w.start();
    await waitFor(() => hungRequests === 4);
    await enqueueAll(
      store,
      others.flatMap((p, i) =>
        Array.from({ length: 40 }, (_, n) =>
          patch(p.id, `${origin}/p${i}/locations/L${n % 8}`, `locations/L${n % 8}`, { v: n, s: 'x' }),
        ),
      ),
    );
    w.wake();
    // Every other partner ends with the newest change of each of its objects, soon.
    const newest = () =>
      others.every((_, i) =>
        Array.from({ length: 8 }, (_, o) => o).every((o) =>
          pushes.some((p) => p.path === `/p${i}/locations/L${o}` && p.body.v === 32 + o),
        ),
      );
    await waitFor(newest, { timeoutMs: 5000 });
    await waitFor(async () => (await w.pending()) === 30, { timeoutMs: 5000 });
    // The hung one has no more than its 4 slots: its other messages wait, untried.
    expect(hungRequests).toBe(4);
    const waiting = await w.listPending({ partnerId: hung.id });
    expect(waiting).toHaveLength(30);
    expect(waiting.every((e) => e.attempts === 0)).toBe(true);
  }, 60_000);

  it('sends a partner that is behind only the newest change of an object, in order, ending in the same state', async () => {
    const store = await opened(storeOptions());
    let open: () => void = () => {};
    const opened1 = new Promise<void>((resolve) => {
      open = resolve;
    });
    // The first push is held until the rest are queued: the partner is behind.
    const { origin, pushes } = await receivers((p) => (p.body.v === 1 ? opened1 : Promise.resolve()));
    const { worker: w, registry } = worker(store);
    const partner = await addPartner(store, registry, `${origin}/versions`);
    const url = `${origin}/locations/NL/ACM/LOC1/E1`;
    const key = 'locations/NL/ACM/LOC1';
    w.start();
    await enqueueAll(store, [patch(partner.id, url, key, { status: 'CHARGING', v: 1 })]);
    w.wake();
    await waitFor(() => pushes.length === 1);
    await enqueueAll(store, [
      ...Array.from({ length: 8 }, (_, n) =>
        patch(partner.id, url, key, { status: n % 2 ? 'AVAILABLE' : 'CHARGING', v: n + 2 }),
      ),
      // Fewer fields: not superseded by the status changes after it, nor supersedes them.
      patch(partner.id, url, key, { max_power: 22, v: 10 }),
      patch(partner.id, url, key, { status: 'BLOCKED', v: 11 }),
      // Another object of the key in between is kept, in its place.
      patch(partner.id, `${origin}/locations/NL/ACM/LOC1/E2`, key, { status: 'AVAILABLE', v: 12 }),
      patch(partner.id, url, key, { status: 'AVAILABLE', v: 13 }),
    ]);
    open();
    await waitFor(async () => (await w.pending()) === 0);
    expect(pushes.map((p) => `${p.path.slice(-2)} ${p.body.v}`)).toEqual(['E1 1', 'E1 10', 'E2 12', 'E1 13']);
    // What the partner holds in the end is what it would hold had it got every change.
    const state = Object.assign(
      {},
      ...pushes.filter((p) => p.path === '/locations/NL/ACM/LOC1/E1').map((p) => p.body),
    );
    expect(state).toEqual({ status: 'AVAILABLE', max_power: 22, v: 13 });
  }, 60_000);
});

describe.skipIf(process.env[POSTGRES_ENV] === '0')('push fan-out with two workers on one PostgreSQL', () => {
  it('never delivers a change twice after its ack, and keeps each object in order', async () => {
    const options = postgresStore();
    const first = await opened(options);
    const second = await opened(options);
    // Answers after a little while: claims of the two workers overlap.
    const { origin, pushes } = await receivers(
      () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5)),
    );
    const a = worker(first, { concurrency: 8, batchSize: 10 });
    const b = worker(second, { concurrency: 8, batchSize: 10 });
    const partners = await Promise.all(
      Array.from({ length: 3 }, () => addPartner(first, a.registry, `${origin}/versions`)),
    );
    a.worker.start();
    b.worker.start();
    // Enqueued while both deliver: 3 partners × 10 objects × 15 changes, in 15 rounds.
    for (let v = 1; v <= 15; v++) {
      await enqueueAll(
        v % 2 ? first : second,
        partners.flatMap((p, i) =>
          Array.from({ length: 10 }, (_, o) =>
            patch(p.id, `${origin}/p${i}/locations/L${o}`, `locations/L${o}`, { status: 'X', v }),
          ),
        ),
      );
      (v % 2 ? a : b).worker.wake();
    }
    await waitFor(async () => (await a.worker.pending()) === 0, { timeoutMs: 10_000 });
    const seen = new Map<string, number[]>();
    for (const p of pushes) seen.set(p.path, [...(seen.get(p.path) ?? []), Number(p.body.v)]);
    expect(seen.size).toBe(30);
    for (const [, vs] of seen) {
      // Strictly increasing: no change twice, none after a newer one; and the newest arrived.
      expect(vs).toEqual([...new Set(vs)].sort((x, y) => x - y));
      expect(vs.at(-1)).toBe(15);
    }
  }, 60_000);
});

describe('the partner list the publishers look recipients up in', () => {
  it('is read again at once after a registration change, and not kept across one', async () => {
    const store = await opened({ kind: 'pglite', dataDir: 'memory' });
    const registry = new PartnerRegistry(store);
    expect(await registry.listCached()).toEqual([]);
    // Written without telling the registry: the list is kept (for up to a second).
    const first = await addPartner(store, registry, 'http://127.0.0.1:9/versions');
    expect(await registry.listCached()).toEqual([]);
    // What every partner write does after its commit.
    registry.invalidate(first.id);
    expect((await registry.listCached()).map((p) => p.id)).toEqual([first.id]);
    // Invalidated while it is read: the read answers its caller but is not kept.
    const reading = registry.listCached();
    const second = await addPartner(store, registry, 'http://127.0.0.1:9/versions');
    registry.invalidate(second.id);
    await reading;
    expect((await registry.listCached()).map((p) => p.id).sort()).toEqual([first.id, second.id].sort());
    await registry.remove(first.id);
    expect((await registry.listCached()).map((p) => p.id)).toEqual([second.id]);
  }, 60_000);
});
