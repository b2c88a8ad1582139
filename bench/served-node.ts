/**
 * What the served-node benchmarks share: `ocpi serve` started as users run it, on each store
 * (PGlite in a fresh directory, PostgreSQL in a fresh schema dropped after), a partner
 * registered from another node by the bootstrap token, and a measured load run with the
 * server process's CPU time.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createOcpiApp, type OcpiAppOptions } from '../src/index.ts';
import type { BareRoute } from './bare-server.ts';
import type { LoadSpec } from './load.ts';
import { type Child, cpuMicros, fromSource, jsonOutput, type LoadResult, startNode } from './processes.ts';

export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const WARM_UP_S = 2;

/**
 * `ocpi serve` on random ports with `args`, the CLI's defaults otherwise (log level included).
 * BENCH_CPU_PROF=<dir> has it write a CPU profile there when it stops.
 */
export function startServed(args: string[]): Promise<Child> {
  const profile = process.env.BENCH_CPU_PROF;
  return startNode(
    [
      ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
      ...fromSource(new URL('../src/cli/run.ts', import.meta.url)),
      'serve',
      ...['--port', '0', '--admin-port', '0', ...args],
    ],
    /admin token:\s+\S+\s/,
    'ocpi serve',
  );
}

/** A value `ocpi serve` printed at start, e.g. 'versions URL'. */
export function printed(served: Child, label: string): string {
  const value = new RegExp(`${label}:\\s+(\\S+)`).exec(served.head())?.[1];
  if (!value) throw new Error(`ocpi serve printed no ${label}: ${served.head()}`);
  return value;
}

/** The store arguments of `ocpi serve` for each store, and what the section calls it. */
export interface ServedStore {
  name: 'PGlite' | 'PostgreSQL';
  args: string[];
}

/** The stores to run on: BENCH_STORES=PostgreSQL (comma-separated) narrows a run to some of them. */
const BENCH_STORES = (process.env.BENCH_STORES?.split(',') ?? ['PGlite', 'PostgreSQL']) as Array<
  ServedStore['name']
>;

/** Runs `run` on PGlite (a fresh data directory) and on PostgreSQL (a fresh schema), cleaning up after. */
export async function onServedStores<T>(
  run: (store: ServedStore) => Promise<T>,
  stores: ReadonlyArray<ServedStore['name']> = BENCH_STORES,
): Promise<Array<{ store: ServedStore; result: T }>> {
  const results: Array<{ store: ServedStore; result: T }> = [];
  if (stores.includes('PGlite')) {
    const dataDir = await mkdtemp(join(tmpdir(), 'ocpi-bench-data-'));
    try {
      const store: ServedStore = { name: 'PGlite', args: ['--data', dataDir] };
      results.push({ store, result: await run(store) });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  if (stores.includes('PostgreSQL')) {
    const schema = `bench_served_${Date.now()}`;
    try {
      const store: ServedStore = {
        name: 'PostgreSQL',
        args: ['--database-url', POSTGRES_URL, '--database-schema', schema],
      };
      results.push({ store, result: await run(store) });
    } finally {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
  }
  return results;
}

/** The Authorization header a registered node sends us with: its token for the partner, base64. */
export async function authAs(node: FastifyInstance, partnerId: string): Promise<{ authorization: string }> {
  const { outbound_token: token } = await node.ocpi.store.db
    .selectFrom('ocpi_partners')
    .select('outbound_token')
    .where('id', '=', partnerId)
    .executeTakeFirstOrThrow();
  return { authorization: `Token ${Buffer.from(token).toString('base64')}` };
}

/**
 * A node of the bench process (an in-memory store) registered with the served node by its
 * bootstrap token, and the header that authenticates its requests there. It stays idle.
 */
export async function registeredPartner(
  served: Child,
  options: OcpiAppOptions,
): Promise<{ node: FastifyInstance; auth: { authorization: string } }> {
  const node = await createOcpiApp(options);
  try {
    await node.listen({ port: 0, host: '127.0.0.1' });
    const partner = await node.ocpi.registerWith(
      printed(served, 'versions URL'),
      printed(served, 'bootstrap token'),
    );
    return { node, auth: await authAs(node, partner.id) };
  } catch (error) {
    await node.close();
    throw error;
  }
}

/** What the load generator (bench/load.ts) prints. */
export interface LoadRun extends LoadResult {
  ocpiFailures: number;
  firstFailure?: string;
  nextN: number;
  /** A paced run's: p99 of how late the generator sent a request after it was due, ms. */
  sendLagP99?: number;
}

/** One run of bench/load.ts in its own process. */
export async function load(spec: LoadSpec): Promise<LoadRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ocpi-bench-load-'));
  try {
    const file = join(dir, 'spec.json');
    await writeFile(file, JSON.stringify(spec));
    return await jsonOutput<LoadRun>(
      process.execPath,
      [...fromSource(new URL('./load.ts', import.meta.url)), file],
      'load generator',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A measured run: throughput, latency and the server process's CPU time per request. */
export interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Server process CPU time per request, µs. */
  cpuPerRequest: number;
  /** The `{n}` of the measured run's first request, and the one the next run starts at. */
  firstN: number;
  nextN: number;
  /** A paced run's: p99 of how late the generator sent a request after it was due, ms. */
  sendLagP99?: number;
}

/**
 * A warm-up run, then the measured run, of `spec` against the server process `pid`. Any
 * HTTP or OCPI failure fails the benchmark: a fast error is not a result.
 */
export async function measureLoad(
  pid: number,
  spec: Omit<LoadSpec, 'seconds'>,
  seconds: number,
): Promise<Measured> {
  const warm = await load({ ...spec, seconds: WARM_UP_S });
  const cpuBefore = await cpuMicros(pid);
  const result = await load({ ...spec, seconds, firstN: warm.nextN });
  const cpu = (await cpuMicros(pid)) - cpuBefore;
  for (const run of [warm, result])
    if (run.non2xx > 0 || run.errors > 0 || run.ocpiFailures > 0)
      throw new Error(
        `${spec.method} ${spec.origin}${spec.path}: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.ocpiFailures} OCPI failures (${run.firstFailure ?? ''})`,
      );
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
    firstN: warm.nextN,
    nextN: result.nextN,
    ...(result.sendLagP99 === undefined ? {} : { sendLagP99: result.sendLagP99 }),
  };
}

/** Response headers the bare server repeats: everything but what the connection itself sets. */
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/**
 * One real answer of the node: its body and headers, for the bare server to send as they are
 * at `path` (a Fastify route pattern) for `init.method`.
 */
export async function snapshot(
  url: string,
  init: { method?: 'GET' | 'PUT' | 'POST'; headers: Record<string, string>; body?: string },
  path: string,
): Promise<BareRoute> {
  const res = await fetch(url, init);
  const body = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${body}`);
  const copied: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name)) copied[name] = value;
  });
  return { ...(init.method ? { method: init.method } : {}), path, body, headers: copied };
}

/** The bare Fastify baseline (bench/bare-server.ts) in its own process, answering `routes`. */
export async function startBare(
  routes: BareRoute[],
): Promise<{ child: Child; origin: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ocpi-bench-bare-'));
  try {
    const file = join(dir, 'routes.json');
    await writeFile(file, JSON.stringify(routes));
    const child = await startNode(
      [...fromSource(new URL('./bare-server.ts', import.meta.url)), file],
      /bare listening on \d+/,
      'bare server',
    );
    const port = /bare listening on (\d+)/.exec(child.head())?.[1];
    return {
      child,
      origin: `http://127.0.0.1:${port}`,
      stop: async () => {
        await child.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

const fixed = (n: number, digits = 0) => n.toFixed(digits);

/** A row of a served-node table: the node's figure beside the bare server's for the same load. */
export interface Compared {
  name: string;
  bytes: number;
  node: Pick<Measured, 'requestsPerSecond' | 'p50' | 'p99' | 'cpuPerRequest'>;
  bare: Pick<Measured, 'requestsPerSecond' | 'p50' | 'p99' | 'cpuPerRequest'>;
}

/** The table every served-node section prints. */
export function comparisonTable(rows: Compared[], what = 'route'): string[] {
  return [
    `| ${what} | bytes | req/s | of bare | p50 ms | p99 ms | CPU µs/req | bare req/s | bare p50 / p99 ms | bare CPU µs/req |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ name, bytes, node, bare }) =>
        `| ${name} | ${bytes} | ${fixed(node.requestsPerSecond)} | ${fixed((100 * node.requestsPerSecond) / bare.requestsPerSecond)}% | ${node.p50} | ${node.p99} | ${fixed(node.cpuPerRequest)} | ${fixed(bare.requestsPerSecond)} | ${bare.p50} / ${bare.p99} | ${fixed(bare.cpuPerRequest)} |`,
    ),
  ];
}
