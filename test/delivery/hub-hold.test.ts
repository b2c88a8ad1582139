import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { OcpiHttpClient } from '../../src/client/ocpi-http.ts';
import { enqueue } from '../../src/delivery/outbox.ts';
import { DeliveryWorker } from '../../src/delivery/worker.ts';
import { type HubClientStatus, HubDirectory } from '../../src/partners/hubs.ts';
import { PartnerRegistry } from '../../src/partners/registry.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { STORES } from '../support/stores.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

const A = { countryCode: 'DE', partyId: 'MSA' };
const B = { countryCode: 'FR', partyId: 'MSB' };
const WINDOW_MS = 1000;

const ok = { status_code: 1000, timestamp: '2030-01-01T00:00:00Z' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A hub partner whose receiver records what it gets, a worker on a manual clock, and the hub's reports. */
async function harness(storeOptions: () => Parameters<typeof openStore>[0]) {
  const store: Store = await openStore(storeOptions());
  cleanups.push(() => store.close());
  const received: string[] = [];
  let failing = new Set<string>();
  const app: FastifyInstance = Fastify();
  app.all('/*', async (request, reply) => {
    received.push(request.url);
    if (failing.has(request.url)) return reply.code(503).send('busy');
    return ok;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const registry = new PartnerRegistry(store);
  const hubId = await store.db.transaction().execute((trx) =>
    registry.insert(
      trx,
      {
        status: 'registered',
        version: '2.2.1',
        versionsUrl: `${base}/versions`,
        outboundToken: randomBytes(8).toString('hex'),
        tokenEncoding: 'base64',
        parties: [{ role: 'HUB', countryCode: 'DE', partyId: 'HUB', businessDetails: { name: 'Hub' } }],
        endpoints: [],
      },
      randomBytes(8).toString('hex'),
    ),
  );
  const clock = new ManualClock();
  const hubs = new HubDirectory(store, clock);
  const http = new OcpiHttpClient({ timeoutMs: 2000 });
  cleanups.push(() => http.close());
  const worker = new DeliveryWorker({
    store,
    registry,
    http,
    clock,
    hubs,
    backoff: { initialMs: 50, maxMs: 100, jitter: 0 },
    pollIntervalMs: 100,
    retryWindowMs: WINDOW_MS,
  });
  cleanups.push(() => worker.stop());
  worker.start();
  const report = (party: typeof A, status: HubClientStatus) =>
    hubs.report({ partnerId: hubId, ...party, role: 'EMSP', status, lastUpdated: new Date(clock.now()) });
  const push = async (path: string, to: typeof A, key = path, lowerCase = false) => {
    const cc = lowerCase ? 'ocpi-to-country-code' : 'OCPI-to-country-code';
    const pid = lowerCase ? 'ocpi-to-party-id' : 'OCPI-to-party-id';
    await store.db.transaction().execute((trx) =>
      enqueue(trx, {
        partnerId: hubId,
        orderingKey: key,
        method: 'PUT',
        url: `${base}${path}`,
        kind: 'push',
        body: { path },
        headers: { [cc]: to.countryCode.toLowerCase(), [pid]: to.partyId.toLowerCase() },
      }),
    );
    worker.wake();
  };
  return {
    worker,
    clock,
    received,
    report,
    push,
    fail: (paths: string[]) => {
      failing = new Set(paths);
    },
  };
}

describe.each(STORES)('the outbox and the parties behind a hub, on %s', (_name, storeOptions) => {
  it('holds the messages of a PLANNED or OFFLINE party unattempted, delivers the other parties, and resumes in order', async () => {
    const h = await harness(storeOptions);
    await h.report(A, 'CONNECTED');
    await h.report(B, 'PLANNED');
    await h.push('/b/1', B, 'key-b');
    await h.push('/b/2', B, 'key-b');
    await h.push('/b/3', B, 'key-b3', true);
    await h.push('/a/1', A);
    await deliverySettled(h.worker);
    await h.clock.advance(5 * WINDOW_MS);
    await deliverySettled(h.worker);
    expect(h.received).toEqual(['/a/1']);
    const held = await h.worker.listPending();
    expect(held.map((e) => [e.url.replace(/^.*\/b\//, '/b/'), e.attempts, e.lastError])).toEqual([
      ['/b/1', 0, undefined],
      ['/b/2', 0, undefined],
      ['/b/3', 0, undefined],
    ]);
    await h.report(B, 'OFFLINE');
    await deliverySettled(h.worker);
    expect(h.received).toEqual(['/a/1']);

    await h.report(B, 'CONNECTED');
    await waitFor(() => h.received.length === 4);
    const order = h.received.filter((p) => p === '/b/1' || p === '/b/2');
    expect(order).toEqual(['/b/1', '/b/2']);
    await waitFor(async () => (await h.worker.pending()) === 0);
    expect(await h.worker.deadLetterCount()).toBe(0);
  });

  it('does not count the time a party was held against its retry window', async () => {
    const h = await harness(storeOptions);
    await h.report(B, 'CONNECTED');
    h.fail(['/b/late']);
    const failed = new Promise((resolve) => h.worker.once('failed', resolve));
    await h.push('/b/late', B);
    await failed;
    await h.report(B, 'OFFLINE');
    // Far past the retry window while held: nothing is tried, nothing is given up.
    await h.clock.advance(10 * WINDOW_MS);
    await deliverySettled(h.worker);
    expect(h.received).toEqual(['/b/late']);
    const [entry] = await h.worker.listPending();
    expect(entry?.attempts).toBe(1);
    expect(await h.worker.deadLetterCount()).toBe(0);

    h.fail([]);
    await h.report(B, 'CONNECTED');
    await waitFor(async () => (await h.worker.pending()) === 0);
    expect(h.received).toEqual(['/b/late', '/b/late']);
    expect(await h.worker.deadLetterCount()).toBe(0);
  });

  it('dead-letters the messages of a SUSPENDED party without trying them, one after the other', async () => {
    const h = await harness(storeOptions);
    await h.report(B, 'SUSPENDED');
    await h.push('/b/1', B, 'key-b');
    await h.push('/b/2', B, 'key-b');
    await h.push('/a/1', A);
    await waitFor(async () => (await h.worker.deadLetterCount()) === 2);
    await waitFor(() => h.received.length === 1);
    expect(h.received).toEqual(['/a/1']);
    const dead = await h.worker.listDeadLetters();
    expect(dead.map((d) => [d.attempts, d.lastError])).toEqual([
      [0, expect.stringContaining('party FR*MSB is SUSPENDED at hub')],
      [0, expect.stringContaining('party FR*MSB is SUSPENDED at hub')],
    ]);
  });
});
