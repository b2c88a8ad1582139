import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { hostname } from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OcpiHttpClient } from '../../src/client/ocpi-http.ts';
import { backoffDelay } from '../../src/delivery/backoff.ts';
import { thisProcess } from '../../src/delivery/lease-holder.ts';
import { enqueue, type OutboxMessage } from '../../src/delivery/outbox.ts';
import {
  type DeadLetteredEvent,
  type DeliveredEvent,
  DeliveryWorker,
  type DeliveryWorkerOptions,
  type FailedEvent,
} from '../../src/delivery/worker.ts';
import { PartnerRegistry } from '../../src/partners/registry.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { addPartner } from '../support/delivery-partner.ts';
import { ManualClock } from '../support/manual-clock.ts';
import { STORES } from '../support/stores.ts';
import { deliverySettled, waitFor } from '../support/wait-for.ts';

/** What the receiving partner saw. */
interface Received {
  method: string;
  path: string;
  body: { key?: string; v?: number; n?: number } | undefined;
  headers: Record<string, string | string[] | undefined>;
}

/** How the receiver answers one request. */
interface Answer {
  status?: number;
  body?: unknown;
  raw?: string;
  /** Answers only once this settles: a partner as slow as the test wants. */
  after?: Promise<unknown>;
}

const ok = (data?: unknown) => ({ data, status_code: 1000, timestamp: new Date().toISOString() });

/** A partner's receiver interface: records every request, answers as the test says. */
class Receiver {
  received: Received[] = [];
  answer: (request: Received, nth: number) => Answer = () => ({ body: ok() });
  private app: FastifyInstance | undefined;
  port = 0;

  async start(port = 0): Promise<this> {
    const app = Fastify();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body === '' ? undefined : JSON.parse(body as string));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    app.all('/*', async (request, reply) => {
      const seen: Received = {
        method: request.method,
        path: request.url,
        body: request.body as Received['body'],
        headers: request.headers,
      };
      this.received.push(seen);
      const nth = this.received.filter((r) => sameMessage(r, seen)).length;
      const answer = this.answer(seen, nth);
      await answer.after;
      reply.code(answer.status ?? 200);
      if (answer.raw !== undefined) return reply.type('text/plain').send(answer.raw);
      return reply.send(answer.body ?? ok());
    });
    await app.listen({ port, host: '127.0.0.1' });
    const address = app.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.app = app;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async close(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  /** Bodies (key/v) of the requests for one path, in arrival order. */
  seen(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

function sameMessage(a: Received, b: Received): boolean {
  return a.path === b.path && a.body?.v === b.body?.v && a.body?.n === b.body?.n;
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 5000) =>
  waitFor(condition, { timeoutMs });

/**
 * Lets a day go by in one step, the worker stopped meanwhile: a jump with deliveries in
 * flight would outlast their leases, and the rows would go twice (as they may in real life).
 */
async function passWhileStopped(worker: DeliveryWorker, clock: ManualClock, ms: number): Promise<void> {
  await worker.stop();
  await clock.advance(ms);
  worker.start();
}

/** Moves the worker's clock on in steps until `condition` holds: its timers fire as they fall due. */
async function advanceUntil(clock: ManualClock, condition: () => boolean, stepMs = 100): Promise<void> {
  await waitFor(async () => {
    if (condition()) return true;
    await clock.advance(stepMs);
    return condition();
  });
}

interface Harness {
  store: Store;
  registry: PartnerRegistry;
  worker: DeliveryWorker;
  receiver: Receiver;
  partnerId: string;
  token: string;
  delivered: DeliveredEvent[];
  failed: FailedEvent[];
  dead: DeadLetteredEvent[];
  /** Enqueues in a transaction of its own and wakes the worker, as a business write would. */
  push(message: Partial<OutboxMessage> & { path: string; body?: unknown }): Promise<string>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const FAST: Partial<DeliveryWorkerOptions> = {
  backoff: { initialMs: 50, factor: 2, maxMs: 400, jitter: 0 },
  pollIntervalMs: 100,
  leaseMs: 5000,
};

/**
 * A partner with its own receiver, and a worker, on a store shared by the tests of one
 * describe block (opening PGlite costs a second or two). The partner is removed after the
 * test, and its rows with it.
 */
async function harness(
  store: Store,
  options: Partial<DeliveryWorkerOptions> & { timeoutMs?: number; start?: boolean } = {},
): Promise<Harness> {
  const receiver = await new Receiver().start();
  cleanups.push(() => receiver.close());
  const http = new OcpiHttpClient({ timeoutMs: options.timeoutMs ?? 2000 });
  cleanups.push(() => http.close());
  const registry = new PartnerRegistry(store);
  const { id: partnerId, token } = await addPartner(store, registry, receiver.url('/versions'));
  cleanups.push(async () => {
    await registry.remove(partnerId);
  });
  const worker = new DeliveryWorker({ ...FAST, ...options, store, registry, http });
  cleanups.push(() => worker.stop());
  const h: Harness = {
    store,
    registry,
    worker,
    receiver,
    partnerId,
    token,
    delivered: [],
    failed: [],
    dead: [],
    async push(m) {
      const message: OutboxMessage = {
        partnerId: m.partnerId ?? partnerId,
        orderingKey: m.orderingKey ?? m.path,
        method: m.method ?? 'PUT',
        url: m.url ?? receiver.url(m.path),
        kind: m.kind ?? 'push',
        ...(m.body !== undefined ? { body: m.body } : {}),
        ...(m.headers ? { headers: m.headers } : {}),
      };
      const id = await store.db.transaction().execute((trx) => enqueue(trx, message));
      worker.wake();
      return id;
    },
  };
  worker.on('delivered', (e) => h.delivered.push(e));
  worker.on('failed', (e) => h.failed.push(e));
  worker.on('dead-lettered', (e) => h.dead.push(e));
  if (options.start !== false) worker.start();
  return h;
}

describe('backoff', () => {
  it('doubles from the first delay up to the cap, with bounded jitter', () => {
    const opts = { initialMs: 1000, factor: 2, maxMs: 300_000, jitter: 0 };
    expect([1, 2, 3, 4, 20, 2000].map((n) => backoffDelay(n, opts))).toEqual([
      1000, 2000, 4000, 8000, 300_000, 300_000,
    ]);
    expect(backoffDelay(1, {}, () => 0)).toBe(900);
    expect(backoffDelay(1, {}, () => 0.999_999)).toBe(1100);
    expect(backoffDelay(30, {}, () => 0.999_999)).toBe(300_000);
  });
});

describe.each(STORES)('outbox delivery on %s', (_name, storeOptions) => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(storeOptions());
  });
  afterAll(async () => {
    await store?.close();
  });

  it('delivers a committed message once, with the partner token and headers; a rolled back one never', async () => {
    // The worker's time stands still: no poll can fire, so what is delivered was woken by its commit.
    const h = await harness(store, { clock: new ManualClock() });
    const raw = await addPartner(h.store, h.registry, h.receiver.url('/versions'), 'raw');
    cleanups.push(async () => {
      await h.registry.remove(raw.id);
    });

    await expect(
      h.store.db.transaction().execute(async (trx) => {
        await enqueue(trx, {
          partnerId: h.partnerId,
          orderingKey: 'locations/NL/ACM/GONE',
          method: 'PUT',
          url: h.receiver.url('/locations/NL/ACM/GONE'),
          kind: 'push',
          body: { v: 0 },
        });
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');

    const id = await h.push({
      path: '/locations/NL/ACM/LOC1',
      body: { id: 'LOC1', v: 1, name: 'Station' },
      headers: { 'OCPI-to-country-code': 'DE', 'OCPI-to-party-id': 'MSP' },
    });
    await h.push({ partnerId: raw.id, path: '/sessions/S1', method: 'PATCH', body: { v: 1 } });
    await h.push({ path: '/tokens/T1', method: 'DELETE', kind: 'command-result' });
    await until(() => h.delivered.length === 3);
    // Delivered rows are gone: nothing is left that could be sent twice.
    expect(await h.worker.pending()).toBe(0);

    expect(h.receiver.received.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'DELETE /tokens/T1',
      'PATCH /sessions/S1',
      'PUT /locations/NL/ACM/LOC1',
    ]);
    const put = h.receiver.seen('/locations/NL/ACM/LOC1')[0];
    expect(put?.body).toEqual({ id: 'LOC1', v: 1, name: 'Station' });
    expect(put?.headers.authorization).toBe(`Token ${Buffer.from(h.token).toString('base64')}`);
    expect(put?.headers['ocpi-to-country-code']).toBe('DE');
    expect(put?.headers['ocpi-to-party-id']).toBe('MSP');
    expect(h.receiver.seen('/sessions/S1')[0]?.headers.authorization).toBe(`Token ${raw.token}`);
    expect(h.receiver.seen('/tokens/T1')[0]?.body).toBeUndefined();
    const event = h.delivered.find((e) => e.entry.id === id);
    expect(event).toMatchObject({ httpStatus: 200, statusCode: 1000, entry: { kind: 'push', attempts: 0 } });
    expect(h.receiver.seen('/locations/NL/ACM/GONE')).toEqual([]);
    expect(await h.worker.pending(h.partnerId)).toBe(0);
    expect(h.failed).toEqual([]);
  });

  it('rejects messages it could never deliver', async () => {
    const h = await harness(store, { start: false });
    const base = { partnerId: h.partnerId, orderingKey: 'k', method: 'PUT' as const, kind: 'push' };
    await expect(h.worker.enqueue({ ...base, url: '/relative' })).rejects.toThrow(/absolute/);
    await expect(enqueue(h.store.db, { ...base, url: h.receiver.url('/x') })).rejects.toThrow(/transaction/);
    await expect(
      h.worker.enqueue({ ...base, url: h.receiver.url('/x'), headers: { Authorization: 'Token x' } }),
    ).rejects.toThrow(/Authorization/);
    await expect(
      h.worker.enqueue({ ...base, method: 'GET' as 'PUT', url: h.receiver.url('/x') }),
    ).rejects.toThrow(/method/);
    // An unknown partner: the foreign key refuses it, and the business transaction with it.
    await expect(
      h.worker.enqueue({ ...base, partnerId: 'no-such-partner', url: h.receiver.url('/x') }),
    ).rejects.toThrow();
    expect(await h.worker.pending(h.partnerId)).toBe(0);
  });

  it('retries while the partner is down, and delivers once it is back', async () => {
    const clock = new ManualClock();
    const h = await harness(store, { clock });
    const port = h.receiver.port;
    await h.receiver.close();
    await h.push({ path: '/locations/NL/ACM/LOC1', body: { v: 1 } });
    await until(() => h.failed.length === 1);
    // The retry waits for its backoff on the worker's clock.
    await advanceUntil(clock, () => h.failed.length >= 2);
    expect(h.failed[0]?.error).toMatch(/ECONNREFUSED|connect/i);
    expect(h.failed[0]?.attempts).toBe(1);
    expect(h.failed[1]?.attempts).toBe(2);
    const row = (await h.worker.listPending({ partnerId: h.partnerId }))[0];
    expect(row).toMatchObject({ attempts: expect.any(Number), lastError: expect.stringMatching(/connect/i) });
    expect(row?.firstFailedAt).toBeInstanceOf(Date);

    await h.receiver.start(port);
    await advanceUntil(clock, () => h.delivered.length === 1);
    expect(h.receiver.received).toHaveLength(1);
    expect(h.delivered[0]?.entry.attempts).toBeGreaterThanOrEqual(2);
    expect(await h.worker.pending(h.partnerId)).toBe(0);
  });

  it('retries a partner that answers too slowly', async () => {
    // The call's timeout is the HTTP client's (real time); the retry's backoff is on the worker's clock.
    const clock = new ManualClock();
    const h = await harness(store, { timeoutMs: 200, clock });
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    cleanups.push(async () => release());
    // The first answer comes only when the test ends: long after the client gave up.
    h.receiver.answer = (_r, nth) => (nth === 1 ? { after: released, body: ok() } : { body: ok() });
    await h.push({ path: '/sessions/S1', body: { v: 1 } });
    await until(() => h.failed.length === 1);
    await advanceUntil(clock, () => h.delivered.length === 1);
    expect(h.failed[0]?.error).toMatch(/timed out/);
    // At least once: the slow first request may still have been processed by the partner.
    expect(h.receiver.seen('/sessions/S1').length).toBeGreaterThanOrEqual(2);
  });

  it('retries a partner that stalls in the middle of its answer', async () => {
    let calls = 0;
    const stalling = createHttpServer((_request, response) => {
      calls++;
      response.writeHead(200, { 'content-type': 'application/json' });
      if (calls === 1)
        response.write('{"status_code": 10'); // and nothing more
      else response.end(JSON.stringify(ok()));
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    });
    const clock = new ManualClock();
    const h = await harness(store, { timeoutMs: 200, clock });
    const url = `http://127.0.0.1:${(stalling.address() as AddressInfo).port}/sessions/S1`;
    await h.push({ path: '/sessions/S1', url, body: { v: 1 } });
    await until(() => h.failed.length === 1);
    await advanceUntil(clock, () => h.delivered.length === 1);
    expect(h.failed).toHaveLength(1);
    expect(h.failed[0]?.error).toMatch(/timeout/);
    expect(calls).toBe(2);
  });

  it('does not let a partner that never answers hold up the others', async () => {
    // Accepts connections, never answers: every call runs into the timeout.
    const sockets = new Set<Socket>();
    let requests = 0;
    const blackhole = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => requests++);
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackhole.close(resolve));
    });
    const holeUrl = `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
    // The worker's time stands still: the silent partner's retries never fall due in this test.
    const clock = new ManualClock();
    const h = await harness(store, {
      clock,
      timeoutMs: 300,
      concurrency: 2,
      partnerConcurrency: 2,
      backoff: { initialMs: 5000, jitter: 0 },
    });
    const dead = await addPartner(h.store, h.registry, `${holeUrl}/versions`);
    cleanups.push(async () => {
      await h.registry.remove(dead.id);
    });
    for (const n of [1, 2, 3, 4])
      await h.push({ partnerId: dead.id, url: `${holeUrl}/locations/${n}`, path: `/locations/${n}` });
    await h.push({ path: '/locations/fine', body: { v: 1 } });
    // One round of timeouts (two slots; the HTTP client's timer is real time), then the silent
    // partner is paused: its two other messages are not tried, and the other partner's
    // message goes, while the silent partner's retries are not due yet.
    await until(() => h.delivered.length === 1 && h.failed.length === 2);
    const silent = await h.worker.listPending({ partnerId: dead.id });
    expect(silent.map((e) => e.attempts).sort()).toEqual([0, 0, 1, 1]);
    for (const tried of silent.filter((e) => e.attempts > 0))
      expect(tried.nextAttemptAt?.getTime()).toBeGreaterThan(clock.now());
    expect(h.failed.map((f) => f.error)).toEqual([
      expect.stringMatching(/timed out/),
      expect.stringMatching(/timed out/),
    ]);
    expect(requests).toBe(2);
  });

  it('gives a partner that hangs no more than its share of the slots', async () => {
    // Accepts connections and requests, never answers: nothing times out within this test.
    const sockets = new Set<Socket>();
    let requests = 0;
    const hang = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', () => requests++);
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    // 8 slots, so 2 (a quarter) per partner by default.
    const h = await harness(store, { timeoutMs: 20_000, concurrency: 8 });
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hang.close(resolve));
    });
    const hung = await addPartner(h.store, h.registry, `${hangUrl}/versions`);
    cleanups.push(async () => {
      await h.registry.remove(hung.id);
    });
    // The hung partner's messages come first in the outbox.
    for (let n = 0; n < 12; n++)
      await h.push({ partnerId: hung.id, url: `${hangUrl}/locations/${n}`, path: `/locations/H${n}` });
    await until(() => requests === 2);
    for (let n = 0; n < 20; n++) await h.push({ path: `/locations/${n}`, body: { v: 1 } });
    await until(() => h.delivered.length === 20, 3000);
    expect(requests).toBe(2);
    expect(h.failed).toEqual([]);
    // The hung partner's other messages are waiting, untried.
    const waiting = await h.worker.listPending({ partnerId: hung.id });
    expect(waiting).toHaveLength(12);
    expect(waiting.every((e) => e.attempts === 0)).toBe(true);
  });

  it('retries HTTP 5xx, 408, 429 and 401, OCPI 3xxx and answers that are not OCPI', async () => {
    const clock = new ManualClock();
    const h = await harness(store, { clock });
    const faults: Record<string, Answer> = {
      '/http500': { status: 500, body: { status_code: 3000, timestamp: new Date().toISOString() } },
      '/http503-text': { status: 503, raw: 'Service Unavailable' },
      '/http408': { status: 408, body: { status_code: 3000 } },
      '/http429': { status: 429, raw: 'slow down' },
      '/http401': { status: 401, body: { status_code: 2000, status_message: 'Unknown token' } },
      '/ocpi3000': { body: { status_code: 3000, status_message: 'Generic server error' } },
      '/garbage': { raw: '{"data": [' },
      '/not-envelope': { body: { hello: 'world' } },
      '/empty': { raw: '' },
    };
    h.receiver.answer = (r, nth) => (nth === 1 ? (faults[r.path] ?? {}) : { body: ok() });
    for (const path of Object.keys(faults)) await h.push({ path, method: 'POST', body: { v: 1 } });
    const paths = Object.keys(faults);
    await until(() => h.failed.length === paths.length);
    await advanceUntil(clock, () => h.delivered.length === paths.length);
    for (const path of paths) expect(h.receiver.seen(path), path).toHaveLength(2);
    const errors = Object.fromEntries(h.failed.map((f) => [new URL(f.entry.url).pathname, f.error]));
    expect(errors['/http500']).toMatch(/HTTP 500/);
    expect(errors['/http503-text']).toMatch(/not JSON/);
    expect(errors['/http408']).toMatch(/HTTP 408/);
    expect(errors['/http429']).toMatch(/HTTP 429/);
    expect(errors['/http401']).toMatch(/HTTP 401, OCPI status 2000: Unknown token/);
    expect(errors['/ocpi3000']).toMatch(/OCPI status 3000/);
    expect(errors['/garbage']).toMatch(/not JSON/);
    expect(errors['/not-envelope']).toMatch(/not an OCPI envelope/);
    expect(errors['/empty']).toMatch(/not an OCPI envelope/);
    expect(h.delivered.every((d) => d.entry.attempts === 1)).toBe(true);
  });

  it('dead-letters at once what the partner refuses, and sends the later messages', async () => {
    const h = await harness(store);
    const refusals: Record<string, Answer> = {
      '/http404': { status: 404, body: { status_code: 2003, status_message: 'Unknown Location' } },
      '/http400-text': { status: 400, raw: 'Bad Request' },
      '/http403': { status: 403, body: { status_code: 2000 } },
      '/ocpi2001': { body: { status_code: 2001, status_message: 'Invalid or missing parameters' } },
    };
    // The first message of each key is refused, every time; the second is taken.
    h.receiver.answer = (r) => (r.body?.v === 1 ? (refusals[r.path] ?? {}) : { body: ok() });
    const paths = Object.keys(refusals);
    const first: Record<string, string> = {};
    for (const path of paths) first[path] = await h.push({ path, method: 'PUT', body: { v: 1 } });
    for (const path of paths) await h.push({ path, method: 'PUT', body: { v: 2 } });
    await h.push({ path: '/other', body: { v: 1 } });
    await until(() => h.dead.length === paths.length && h.delivered.length === paths.length + 1);
    expect(h.failed).toEqual([]);
    for (const path of paths)
      expect(
        h.receiver.seen(path).map((r) => r.body?.v),
        path,
      ).toEqual([1, 2]);
    const letters = await h.worker.listDeadLetters({ partnerId: h.partnerId });
    expect(letters.map((l) => l.id).sort()).toEqual(Object.values(first).sort());
    expect(letters.every((l) => l.attempts === 1)).toBe(true);
    const reasons = Object.fromEntries(letters.map((l) => [new URL(l.url).pathname, l.lastError]));
    expect(reasons['/http404']).toMatch(/^refused: .*HTTP 404, OCPI status 2003: Unknown Location/);
    expect(reasons['/http400-text']).toMatch(/^refused: .*HTTP 400, response is not JSON/);
    expect(reasons['/http403']).toMatch(/^refused: .*HTTP 403/);
    expect(reasons['/ocpi2001']).toMatch(/^refused: .*HTTP 200, OCPI status 2001: Invalid or missing/);
    expect(await h.worker.pending(h.partnerId)).toBe(0);
  });

  it('replaces a PATCH the partner does not know the object of by the PUT of the whole object', async () => {
    // The partner knows an object once it got a PUT of it; a PATCH of an unknown one is
    // refused: 2003 for A and E, HTTP 404 for C and B. E refuses the PUT too.
    const known = new Set<string>();
    const objectOf = (path: string) => path.split('/').slice(0, 5).join('/');
    const whole = new Set(['/locations/NL/ACM/A', '/locations/NL/ACM/C', '/locations/NL/ACM/E']);
    const h = await harness(store, {
      wholeObject: async (entry) => {
        const path = entry.orderingKey;
        if (!whole.has(path)) return undefined; // B: not ours any more
        return {
          partnerId: entry.partnerId,
          orderingKey: entry.orderingKey,
          kind: entry.kind,
          method: 'PUT',
          url: h.receiver.url(path),
          body: { v: 'whole', n: 1 },
          headers: { 'OCPI-to-party-id': 'MSP' },
        };
      },
    });
    h.receiver.answer = (r) => {
      const object = objectOf(r.path);
      if (r.method === 'PUT' && object.endsWith('/E'))
        return { body: { status_code: 2001, status_message: 'no, thanks' } };
      if (r.method === 'PUT') known.add(object);
      if (r.method !== 'PATCH' || known.has(object)) return { body: ok() };
      return object.endsWith('/A') || object.endsWith('/E')
        ? { body: { status_code: 2003, status_message: 'Unknown Location' } }
        : { status: 404, raw: 'Not Found' };
    };
    const patch = (path: string, v: number) =>
      h.push({ path, orderingKey: objectOf(path), method: 'PATCH', body: { v } });
    await patch('/locations/NL/ACM/A/EVSE1', 1);
    await patch('/locations/NL/ACM/A/EVSE1', 2);
    await patch('/locations/NL/ACM/A', 3);
    await patch('/locations/NL/ACM/C', 1);
    await patch('/locations/NL/ACM/B', 1);
    await patch('/locations/NL/ACM/E', 1);
    await patch('/locations/NL/ACM/E', 2);
    await until(() => h.delivered.length === 4 && h.dead.length === 3);
    const seen = (object: string) =>
      h.receiver.received
        .filter((r) => objectOf(r.path) === object)
        .map((r) => `${r.method} ${r.path.slice(object.length) || '/'} ${r.body?.v}`);
    expect(seen('/locations/NL/ACM/A')).toEqual([
      'PATCH /EVSE1 1',
      'PUT / whole',
      'PATCH /EVSE1 2',
      'PATCH / 3',
    ]);
    expect(seen('/locations/NL/ACM/C')).toEqual(['PATCH / 1', 'PUT / whole']);
    expect(seen('/locations/NL/ACM/B')).toEqual(['PATCH / 1']);
    // The whole object refused in turn is given up, not turned into a PUT again; the next change goes.
    expect(seen('/locations/NL/ACM/E')).toEqual(['PATCH / 1', 'PUT / whole', 'PATCH / 2', 'PUT / whole']);
    const put = h.receiver.seen('/locations/NL/ACM/A').find((r) => r.method === 'PUT');
    expect(put?.headers['ocpi-to-party-id']).toBe('MSP');
    expect(h.delivered.find((d) => d.entry.orderingKey.endsWith('/C'))?.entry).toMatchObject({
      method: 'PUT',
      attempts: 1,
      lastError: expect.stringMatching(/^refused: .*HTTP 404/),
    });
    const letters = await h.worker.listDeadLetters({ partnerId: h.partnerId });
    expect(letters.map((l) => [l.orderingKey, l.method, l.body])).toEqual([
      ['/locations/NL/ACM/B', 'PATCH', { v: 1 }],
      ['/locations/NL/ACM/E', 'PUT', { v: 'whole', n: 1 }],
      ['/locations/NL/ACM/E', 'PUT', { v: 'whole', n: 1 }],
    ]);
  });

  it('keeps the order of one object under failures without blocking the others', async () => {
    const clock = new ManualClock();
    const h = await harness(store, { clock });
    h.receiver.answer = (r, nth) =>
      r.path === '/locations/A' && r.body?.v === 1 && nth <= 2 ? { status: 500, body: ok() } : { body: ok() };
    await h.push({ path: '/locations/A', body: { v: 1 } });
    await h.push({ path: '/locations/A', body: { v: 2 } });
    await h.push({ path: '/locations/B', body: { v: 1 } });
    await h.push({ path: '/locations/A', method: 'PATCH', body: { v: 3 } });
    await h.push({ path: '/locations/B', body: { v: 2 } });
    // B goes through while A waits for its retry, which is not due before the clock moves.
    await until(() => h.receiver.seen('/locations/B').length === 2);
    expect(h.receiver.seen('/locations/A')).toHaveLength(1);
    await advanceUntil(clock, () => h.delivered.length === 5);

    expect(h.receiver.seen('/locations/A').map((r) => `${r.method} v${r.body?.v}`)).toEqual([
      'PUT v1',
      'PUT v1',
      'PUT v1',
      'PUT v2',
      'PATCH v3',
    ]);
    expect(h.receiver.seen('/locations/B').map((r) => r.body?.v)).toEqual([1, 2]);
    expect(h.failed.map((f) => f.attempts)).toEqual([1, 2]);
  });

  it('dead-letters after the retry window, and delivers again on replay', async () => {
    // The default window (24 h) with a clock that the test moves on.
    const clock = new ManualClock();
    const h = await harness(store, { clock });
    h.receiver.answer = (r) => (r.body?.v === 1 ? { status: 502, raw: 'Bad Gateway' } : { body: ok() });
    const first = await h.push({ path: '/cdrs/C1', method: 'POST', kind: 'push', body: { v: 1 } });
    const second = await h.push({ path: '/cdrs/C2', method: 'POST', kind: 'push', body: { v: 1 } });
    await until(() => h.failed.length >= 2);
    // Queued behind the failing v1 of its key.
    await h.push({ path: '/cdrs/C1', method: 'POST', body: { v: 2 } });
    await deliverySettled(h.worker);
    expect(h.dead).toEqual([]);
    expect(h.delivered).toEqual([]);
    await passWhileStopped(h.worker, clock, 24 * 3600_000);
    await until(() => h.dead.length === 2);
    const letters = await h.worker.listDeadLetters({ partnerId: h.partnerId });
    expect(letters.map((l) => l.id)).toEqual([first, second]);
    expect(letters[0]).toMatchObject({
      partnerId: h.partnerId,
      orderingKey: '/cdrs/C1',
      method: 'POST',
      kind: 'push',
      body: { v: 1 },
      lastError: expect.stringMatching(/HTTP 502/),
    });
    expect(letters[0]?.attempts).toBeGreaterThanOrEqual(2);
    expect(await h.worker.deadLetterCount(h.partnerId)).toBe(2);
    // Once v1 is given up, the message behind it goes.
    await until(() => h.delivered.length === 1);
    expect(await h.worker.pending(h.partnerId)).toBe(0);

    h.receiver.answer = () => ({ body: ok() });
    expect(await h.worker.replay(first)).toBe(true);
    expect(await h.worker.replay(first)).toBe(false);
    await until(() => h.delivered.length === 2);
    expect(h.delivered[1]?.entry).toMatchObject({ id: first, attempts: 0 });
    expect(await h.worker.replayAll(h.partnerId)).toBe(1);
    await until(() => h.delivered.length === 3);
    expect(await h.worker.listDeadLetters({ partnerId: h.partnerId })).toEqual([]);
    // Every failed attempt, then v2, then the replayed v1 (a replay resends what was dead).
    const c1 = h.receiver.seen('/cdrs/C1').map((r) => r.body?.v);
    expect(c1.slice(-2)).toEqual([2, 1]);
    expect(c1.length).toBe((letters[0]?.attempts ?? 0) + 2);
  });

  it('drains the backlog of a key into the dead letters when its partner stays down', async () => {
    const clock = new ManualClock();
    const h = await harness(store, { clock });
    h.receiver.answer = () => ({ status: 503, raw: 'down for maintenance' });
    await h.push({ path: '/locations/K', body: { v: 1 } });
    await until(() => h.failed.length >= 1);
    await h.push({ path: '/locations/K', body: { v: 2 } });
    await h.push({ path: '/locations/K', body: { v: 3 } });
    await passWhileStopped(h.worker, clock, 24 * 3600_000);
    // v2 and v3 inherit the failing time of v1: one attempt each, no new 24 h window.
    await until(() => h.dead.length === 3);
    expect(h.dead.map((d) => [d.deadLetter.body, d.deadLetter.attempts > 1])).toEqual([
      [{ v: 1 }, true],
      [{ v: 2 }, false],
      [{ v: 3 }, false],
    ]);
    expect(await h.worker.pending(h.partnerId)).toBe(0);
  });

  it('puts a replayed dead letter back before the later messages of its key', async () => {
    const clock = new ManualClock();
    const h = await harness(store, { clock });
    let partnerUp = false;
    h.receiver.answer = () => (partnerUp ? { body: ok() } : { status: 500, body: ok() });
    const v1 = await h.push({ path: '/locations/K', body: { v: 1 } });
    await until(() => h.failed.length >= 1);
    await passWhileStopped(h.worker, clock, 25 * 3600_000);
    await until(() => h.dead.length === 1);
    await h.push({ path: '/locations/K', body: { v: 2 } });
    await h.push({ path: '/locations/K', body: { v: 3 } });
    await until(() => h.failed.some((f) => (f.entry.body as { v: number }).v === 2));
    await h.worker.stop();
    expect(await h.worker.replay(v1)).toBe(true);
    expect((await h.worker.listPending({ partnerId: h.partnerId })).map((e) => e.id)[0]).toBe(v1);
    partnerUp = true;
    const before = h.receiver.received.length;
    h.worker.start();
    // v1 goes at once; v2 and v3 when v2's retry falls due.
    await advanceUntil(clock, () => h.delivered.length === 3);
    expect(h.receiver.received.slice(before).map((r) => r.body?.v)).toEqual([1, 2, 3]);
  });

  it('logs attempts through the node logger, never the token', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const clock = new ManualClock();
    const h = await harness(store, { log, clock });
    h.receiver.answer = (_r, nth) => (nth === 1 ? { status: 503, raw: 'busy' } : { body: ok() });
    await h.push({ path: '/tariffs/T1', body: { v: 1 } });
    await until(() => h.failed.length === 1);
    await advanceUntil(clock, () => h.delivered.length === 1);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => e.msg)).toEqual(['outbox delivery failed', 'outbox message delivered']);
    expect(entries[0]).toMatchObject({ partnerId: h.partnerId, kind: 'push', attempts: 1, level: 40 });
    const all = lines.join('\n');
    expect(all).not.toContain(h.token);
    expect(all).not.toContain(Buffer.from(h.token).toString('base64'));
  });

  it('drops what is pending, and the dead letters, when the partner is unregistered', async () => {
    const h = await harness(store, { start: false });
    await h.push({ path: '/locations/A', body: { v: 1 } });
    await h.store.db.transaction().execute(async (trx) => {
      await enqueue(trx, {
        partnerId: h.partnerId,
        orderingKey: 'x',
        method: 'PUT',
        url: h.receiver.url('/x'),
        kind: 'push',
      });
    });
    expect(await h.worker.pending(h.partnerId)).toBe(2);
    await h.registry.remove(h.partnerId);
    expect(await h.worker.pending(h.partnerId)).toBe(0);
    const idle = once(h.worker, 'idle');
    h.worker.start();
    await idle;
    expect(h.receiver.received).toEqual([]);
  });

  it('takes over the rows of a crashed worker when their lease expires', async () => {
    const clock = new ManualClock();
    const h = await harness(store, { start: false, clock });
    const id = await h.push({ path: '/locations/A', body: { v: 1 } });
    // Another process claimed it, then died.
    await h.store.db
      .updateTable('ocpi_outbox')
      .set({ locked_by: 'crashed', locked_until: new Date(clock.now() + 600) })
      .where('id', '=', id)
      .execute();
    await h.push({ path: '/locations/B', body: { v: 1 } });
    h.worker.start();
    await until(() => h.delivered.length === 1);
    expect(h.delivered[0]?.entry.orderingKey).toBe('/locations/B');
    await deliverySettled(h.worker);
    expect(h.receiver.seen('/locations/A')).toEqual([]);
    await clock.advance(599);
    await deliverySettled(h.worker);
    expect(h.receiver.seen('/locations/A')).toEqual([]);
    await advanceUntil(clock, () => h.delivered.length === 2);
    expect(h.receiver.seen('/locations/A')).toHaveLength(1);
  });

  it('takes over at once the rows of a dead process of this host, or of an earlier one with this pid', async () => {
    const h = await harness(store, { start: false });
    const self = thisProcess();
    const exited = spawnSync(process.execPath, ['-e', '']);
    const leases: Record<string, string> = {
      // A node killed mid-delivery, restarted on the same store: its pid no longer runs.
      DEAD: `${self.host}:${exited.pid}:${self.started - 60_000}:0dead000`,
      // A container restarted as pid 1: the dead process had the pid this one has now.
      REUSED: `${self.host}:${process.pid}:${self.started - 60_000}:0old0000`,
      // The same, leased by a version that wrote host:pid:random.
      LEGACY: `${hostname()}:${process.pid}:0legacy0`,
      // Another process of this host that runs, another worker of this process, another host.
      LIVE: `${self.host}:${process.ppid}:${self.started - 60_000}:0live000`,
      SIBLING: `${self.host}:${process.pid}:${self.started}:0sib0000`,
      ELSEWHERE: `elsewhere.example:${exited.pid}:${self.started}:0else000`,
    };
    const ids: Record<string, string> = {};
    for (const [name, holder] of Object.entries(leases)) {
      ids[name] = await h.push({ path: `/locations/${name}`, body: { v: 1 } });
      await h.store.db
        .updateTable('ocpi_outbox')
        .set({ locked_by: holder, locked_until: new Date(Date.now() + 3_600_000) })
        .where('id', '=', ids[name] as string)
        .execute();
    }
    h.worker.start();
    await until(() => h.delivered.length === 3);
    expect(h.delivered.map((d) => d.entry.orderingKey).sort()).toEqual([
      '/locations/DEAD',
      '/locations/LEGACY',
      '/locations/REUSED',
    ]);
    // The others keep their lease: they were released in one go before any delivery.
    const held = await h.store.db
      .selectFrom('ocpi_outbox')
      .select(['ordering_key', 'locked_by'])
      .where('partner_id', '=', h.partnerId)
      .orderBy('id')
      .execute();
    expect(held).toEqual(
      ['LIVE', 'SIBLING', 'ELSEWHERE'].map((name) => ({
        ordering_key: `/locations/${name}`,
        locked_by: leases[name],
      })),
    );
    expect(h.worker.workerId).toMatch(
      new RegExp(`^${self.host}:${process.pid}:${self.started}:[0-9a-f]{8}$`),
    );
  });

  it('takes over, while it runs, the rows of another process of this host that dies', async () => {
    const h = await harness(store);
    const self = thisProcess();
    await h.push({ path: '/locations/BEFORE', body: { v: 1 } });
    await until(() => h.delivered.length === 1);
    // Another instance on this host leased a row, then was killed (its pid no longer runs):
    // the row is written with its lease in one transaction, so this worker never sees it free.
    const exited = spawnSync(process.execPath, ['-e', '']);
    await h.store.db.transaction().execute(async (trx) => {
      const id = await enqueue(trx, {
        partnerId: h.partnerId,
        orderingKey: '/locations/KILLED',
        method: 'PUT',
        url: h.receiver.url('/locations/KILLED'),
        kind: 'push',
        body: { v: 1 },
      });
      await trx
        .updateTable('ocpi_outbox')
        .set({
          locked_by: `${self.host}:${exited.pid}:${self.started}:0dead000`,
          locked_until: new Date(Date.now() + 3_600_000),
        })
        .where('id', '=', id)
        .execute();
    });
    // Delivered long before its lease of an hour runs out, without a restart.
    await until(() => h.delivered.some((d) => d.entry.orderingKey === '/locations/KILLED'));
  });

  it('lets listeners see each delivery without breaking the worker when they throw', async () => {
    const h = await harness(store);
    h.worker.on('delivered', () => {
      throw new Error('listener bug');
    });
    const done = once(h.worker, 'delivered');
    await h.push({ path: '/x', body: { v: 1 } });
    await done;
    await h.push({ path: '/y', body: { v: 1 } });
    await until(() => h.delivered.length === 2);
  });
});
