import type { Server } from 'node:http';
import Fastify from 'fastify';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client.js';
import { percentile } from './percentile.ts';

/** What a measurement of the bare stack gives. */
export interface BareFigures {
  /** Connect + BootNotification of every client, seconds. */
  bootSeconds: number;
  rssPer100: number;
  heapPer100: number;
  /** StatusNotification answered by the bare server, paced. */
  status: { p50: number; p99: number };
  /** RemoteStartTransaction from the server, answered by a bare client, one after another. */
  remoteStart: { p50: number; p99: number };
  /** A JSON POST answered by a bare Fastify route, one after another. */
  http: { p50: number; p99: number };
}

/** What the baseline uses of an ocpp-rpc server-side client. */
type ServerClient = Pick<RPCClient, 'handle' | 'call'>;

export interface Memory {
  rss: number;
  heap: number;
}

/** RSS and heap used, after a full GC when the process was started with --expose-gc. */
export async function memory(): Promise<Memory> {
  const gc = globalThis.gc;
  if (gc) {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/**
 * Connects `count` chargers with `connect(i)`, 100 at a time, timing the whole; memory per
 * connection is measured over the last 90%, after a first 10% warmed up what is compiled or
 * allocated once (validators, buffers, pools).
 */
export async function connectAll(
  count: number,
  connect: (i: number) => Promise<unknown>,
): Promise<{ bootSeconds: number; perConnection: Memory }> {
  const warm = Math.ceil(count / 10);
  const start = performance.now();
  await inBatches(warm, 100, connect);
  const paused = performance.now();
  const before = await memory();
  const resumed = performance.now();
  await inBatches(count - warm, 100, (i) => connect(warm + i));
  const bootSeconds = (performance.now() - resumed + (paused - start)) / 1000;
  const after = await memory();
  const n = Math.max(1, count - warm);
  return {
    bootSeconds,
    perConnection: { rss: (after.rss - before.rss) / n, heap: (after.heap - before.heap) / n },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `work(i)` for i in 0..count-1, at most `parallel` at a time. */
export async function inBatches(count: number, parallel: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * Calls `send(k)` every 1000/`perSecond` ms for `seconds` (open loop: a slow answer does not
 * delay the next), and waits until every one settled.
 */
export async function paced(perSecond: number, seconds: number, send: (k: number) => Promise<unknown>) {
  const total = Math.round(perSecond * seconds);
  const start = performance.now();
  const inFlight: Array<Promise<unknown>> = [];
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(send(k));
  }
  await Promise.all(inFlight);
}

/** p50 and p99 in ms, rounded to 0.01 (NaN when nothing was measured). */
const figures = (values: number[]) =>
  values.length === 0
    ? { p50: Number.NaN, p99: Number.NaN }
    : {
        p50: Number(percentile(values, 50).toFixed(2)),
        p99: Number(percentile(values, 99).toFixed(2)),
      };

/**
 * The bare stack the OCPP bridge is built on, measured the same way in the same process:
 * an ocpp-rpc server (strict mode, OCPP 1.6) answering BootNotification and
 * StatusNotification at once, `count` ocpp-rpc clients, and a bare Fastify JSON route.
 */
export async function bareOcpp(
  count: number,
  statusSeconds: number,
  perSecond: number,
): Promise<BareFigures> {
  const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  const serverClients: ServerClient[] = [];
  server.on('client', (client: ServerClient) => {
    serverClients.push(client);
    client.handle('BootNotification', async () => ({
      status: 'Accepted',
      currentTime: new Date().toISOString(),
      interval: 300,
    }));
    client.handle('StatusNotification', async () => ({}));
  });
  const http: Server = await server.listen(0, '127.0.0.1');
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const clients: RPCClient[] = [];
  const connect = async (i: number) => {
    const options: Partial<RPC_ClientOptions> = {
      endpoint: `ws://127.0.0.1:${port}/ocpp`,
      identity: `BARE-${i}`,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: false,
    };
    const client = new RPCClient(options as RPC_ClientOptions);
    client.handle('RemoteStartTransaction', async () => ({ status: 'Accepted' }));
    await client.connect();
    await client.call('BootNotification', { chargePointVendor: 'bench', chargePointModel: 'bare' });
    clients.push(client);
  };
  const { bootSeconds, perConnection } = await connectAll(count, connect);

  const status: number[] = [];
  await paced(perSecond, statusSeconds, async (k) => {
    const client = clients[k % clients.length] as RPCClient;
    const sent = performance.now();
    await client.call('StatusNotification', {
      connectorId: 1,
      status: k % 2 === 0 ? 'Unavailable' : 'Available',
      errorCode: 'NoError',
    });
    status.push(performance.now() - sent);
  });

  const remoteStart: number[] = [];
  for (let i = 0; i < 100; i++) {
    const client = serverClients[i % serverClients.length];
    if (!client) break;
    const sent = performance.now();
    await client.call('RemoteStartTransaction', { idTag: 'BENCH', connectorId: 1 });
    remoteStart.push(performance.now() - sent);
  }

  const fastify = Fastify();
  fastify.post('/bare', async () => ({ status_code: 1000, timestamp: new Date().toISOString() }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const fastifyAddress = fastify.server.address();
  const url = `http://127.0.0.1:${typeof fastifyAddress === 'object' && fastifyAddress ? fastifyAddress.port : 0}/bare`;
  const posts: number[] = [];
  for (let i = 0; i < 200; i++) {
    const sent = performance.now();
    const reply = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'AVAILABLE', last_updated: new Date().toISOString() }),
    });
    await reply.json();
    if (i >= 20) posts.push(performance.now() - sent); // the first ones warm up
  }

  await Promise.all(clients.map((c) => c.close({ force: true })));
  await server.close({ force: true });
  await fastify.close();
  return {
    bootSeconds,
    rssPer100: perConnection.rss * 100,
    heapPer100: perConnection.heap * 100,
    status: figures(status),
    remoteStart: figures(remoteStart),
    http: figures(posts),
  };
}

export { figures as latencyFigures };
