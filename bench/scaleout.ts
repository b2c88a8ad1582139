/**
 * Scale-out on one machine (issue 15, item 5): one `ocpi serve` against two on one PostgreSQL
 * schema, under the same partner load, in the house method of bench/served.ts (each node its
 * own process, autocannon in others, a bare Fastify process sending the same bytes).
 *
 * - GET one Location at BENCH_CONNECTIONS connections: all on the one instance, or split evenly
 *   across the two (one autocannon process per instance, run together).
 * - Push fan-out: BENCH_PUSHES EVSE status changes published through the admin API (through both
 *   instances in turn when there are two), each pushed to 10 loopback eMSPs in the bench
 *   process; timed from the first publish until every eMSP holds the newest change of each EVSE.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { adminOk, type RecordingEmsp, recordingEmsp } from '../test/support/scale-out.ts';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import type { BareRoute } from './bare-server.ts';
import { autocannon, type Child, cpuMicros, fromSource, type LoadResult, startNode } from './processes.ts';
import { printed, snapshot, startServed } from './served-node.ts';

/** `count` copies of the spec's 2.3.0 example Location, put through the admin API. */
async function loadLocations(adminUrl: string, adminToken: string, count = 1000): Promise<void> {
  const template = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  const all = Array.from({ length: count }, (_, i) => ({
    ...template,
    country_code: 'NL',
    party_id: 'ACM',
    id: `LOC${String(i).padStart(4, '0')}`,
    last_updated: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
  }));
  for (let i = 0; i < all.length; i += 100) {
    const res = await fetch(`${adminUrl}/objects/locations?version=2.3.0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(all.slice(i, i + 100)),
    });
    if (!res.ok) throw new Error(`loading Locations: HTTP ${res.status} ${await res.text()}`);
  }
}

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 2000);
const WARM_UP_S = 2;
const PARTNERS = 10;
/** Admin calls in flight at once while publishing. */
const PUBLISHERS = 8;
/** Changes go round these Locations (LOC0000…): ordering keys of their own, delivered side by side. */
const PUSHED_LOCATIONS = 100;
/** A fan-out that has not arrived by then has failed: the bench runs unattended. */
const DELIVERY_DEADLINE_MS = 15 * 60_000;
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Instance {
  child: Child;
  adminUrl: string;
  adminToken: string;
  /** Base URL of its 2.2.1 Locations sender interface. */
  sender: string;
}

interface GetFigure {
  requestsPerSecond: number;
  /** The worse of the instances' p50 and p99, ms. */
  p50: number;
  p99: number;
  /** CPU time of every server process over the run, per request, µs. */
  cpuPerRequest: number;
}

interface PushFigure {
  seconds: number;
  deliveriesPerSecond: number;
  pushesPerSecond: number;
  publishedPerSecond: number;
  cpuPerDelivery: number;
}

interface Run {
  get: GetFigure;
  /** The bare Fastify process, measured right after the instances' GET. */
  bare: GetFigure;
  push: PushFigure;
}

async function startInstance(schema: string): Promise<Instance> {
  const child = await startServed(['--database-url', POSTGRES_URL, '--database-schema', schema]);
  return {
    child,
    adminUrl: printed(child, 'admin URL'),
    adminToken: printed(child, 'admin token'),
    sender: `${printed(child, 'versions URL').replace(/versions$/, '2.2.1')}/sender/locations`,
  };
}

const cpuOf = async (pids: number[]) =>
  (await Promise.all(pids.map((pid) => cpuMicros(pid)))).reduce((a, b) => a + b, 0);

/** Autocannon against each URL at once, the connections split evenly; CPU of `pids` over the run. */
async function load(urls: string[], headers: Record<string, string>, pids: number[]): Promise<GetFigure> {
  const each = Math.max(1, Math.round(CONNECTIONS / urls.length));
  const all = (seconds: number) => Promise.all(urls.map((url) => autocannon(url, headers, each, seconds)));
  await all(WARM_UP_S);
  const before = await cpuOf(pids);
  const results: LoadResult[] = await all(DURATION_S);
  const cpu = (await cpuOf(pids)) - before;
  for (const r of results)
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(`scaleout GET: ${r.non2xx} non-2xx, ${r.errors} errors`);
  const total = results.reduce((n, r) => n + r.requests.total, 0);
  return {
    requestsPerSecond: results.reduce((n, r) => n + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    cpuPerRequest: cpu / Math.max(1, total),
  };
}

/**
 * Publishes PUSHES EVSE status changes through the instances in turn; times them until every
 * eMSP holds the newest change of every EVSE (a partner behind on an EVSE gets only its newest
 * pending change: the others are coalesced, so fewer HTTP pushes than changes may arrive).
 */
async function fanOut(instances: Instance[], emsps: RecordingEmsp[]): Promise<PushFigure> {
  const pushesBefore = emsps.reduce((n, e) => n + e.pushes.length, 0);
  const stamp = (n: number) => new Date(Date.UTC(2030, 0, 1) + n * 1000).toISOString();
  const locationOf = (n: number) => `LOC${String(n % PUSHED_LOCATIONS).padStart(4, '0')}`;
  /** The last change of each Location's EVSE: what every eMSP must end with. */
  const newest = new Map<string, string>();
  for (let n = 0; n < PUSHES; n++) newest.set(`NL/ACM/${locationOf(n)}/3256`, stamp(n));
  const settled = () =>
    emsps.every((e) => {
      // As sent: the node writes timestamps its own way (no fraction), so compare instants.
      const seen = new Set(
        e.pushes.map(
          (p) =>
            `${p.path}@${Date.parse(String((p.body as { last_updated?: string } | null)?.last_updated))}`,
        ),
      );
      for (const [path, at] of newest) if (!seen.has(`${path}@${Date.parse(at)}`)) return false;
      return true;
    });
  const pids = instances.map((i) => i.child.pid);
  const cpuBefore = await cpuOf(pids);
  const start = performance.now();
  let next = 0;
  const publisher = async () => {
    for (let n = next++; n < PUSHES; n = next++) {
      const via = instances[n % instances.length] as Instance;
      await adminOk(via, 'PATCH', `/objects/locations/NL/ACM/${locationOf(n)}/3256`, {
        status: n % 2 === 0 ? 'CHARGING' : 'AVAILABLE',
        last_updated: stamp(n),
      });
    }
  };
  await Promise.all(Array.from({ length: PUBLISHERS }, publisher));
  const published = performance.now();
  while (!settled()) {
    if (performance.now() - start > DELIVERY_DEADLINE_MS)
      throw new Error(
        `scaleout fan-out: not every eMSP has the newest changes after ${DELIVERY_DEADLINE_MS} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = (await cpuOf(pids)) - cpuBefore;
  const pushes = emsps.reduce((n, e) => n + e.pushes.length, 0) - pushesBefore;
  return {
    seconds,
    deliveriesPerSecond: (PUSHES * emsps.length) / seconds,
    pushesPerSecond: pushes / seconds,
    publishedPerSecond: PUSHES / ((published - start) / 1000),
    cpuPerDelivery: cpu / (PUSHES * emsps.length),
  };
}

/**
 * The bare Fastify process, started on the first run's first instance: it answers with the
 * bytes (and headers) of that instance's GET of LOC0500.
 */
class BareBaseline {
  private child: Child | undefined;
  private dir: string | undefined;
  url = '';

  async ensure(getUrl: string, auth: Record<string, string>): Promise<{ pid: number; url: string }> {
    if (!this.child) {
      const route: BareRoute = await snapshot(getUrl, { headers: auth }, '/location');
      this.dir = await mkdtemp(join(tmpdir(), 'ocpi-bench-bare-'));
      const routesFile = join(this.dir, 'routes.json');
      await writeFile(routesFile, JSON.stringify([route]));
      this.child = await startNode(
        [...fromSource(new URL('./bare-server.ts', import.meta.url)), routesFile],
        /bare listening on \d+/,
        'bare server',
      );
      this.url = `http://127.0.0.1:${/bare listening on (\d+)/.exec(this.child.head())?.[1]}/location`;
    }
    return { pid: this.child.pid, url: this.url };
  }

  async stop(): Promise<void> {
    await this.child?.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** `count` instances on a fresh schema: Locations loaded, then 10 eMSPs registered, then measured. */
async function runWith(count: number, baseline: BareBaseline): Promise<Run> {
  const schema = `bench_scaleout_${count}_${Date.now()}`;
  const instances: Instance[] = [];
  const emsps: RecordingEmsp[] = [];
  try {
    for (let i = 0; i < count; i++) instances.push(await startInstance(schema));
    const [first] = instances as [Instance];
    // Locations first, the partners after: nothing is pushed to them before the fan-out.
    await loadLocations(first.adminUrl, first.adminToken);
    for (let p = 0; p < PARTNERS; p++)
      emsps.push(await recordingEmsp(instances[p % count] as Instance, `M${String(p).padStart(2, '0')}`));
    const token = (emsps[0] as RecordingEmsp).tokenAtCpo();
    const auth = { authorization: `Token ${Buffer.from(token).toString('base64')}` };
    const bare = await baseline.ensure(`${first.sender}/LOC0500`, auth);
    const get = await load(
      instances.map((i) => `${i.sender}/LOC0500`),
      auth,
      instances.map((i) => i.child.pid),
    );
    const bareFigure = await load([bare.url], auth, [bare.pid]);
    const push = await fanOut(instances, emsps);
    return { get, bare: bareFigure, push };
  } finally {
    await Promise.all([...instances.map((i) => i.child.stop()), ...emsps.map((e) => e.close())]);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}

const fixed = (n: number, digits = 0) => n.toFixed(digits);

export async function scaleOutBench(): Promise<string> {
  const baseline = new BareBaseline();
  let one: Run;
  let two: Run;
  try {
    one = await runWith(1, baseline);
    two = await runWith(2, baseline);
  } finally {
    await baseline.stop();
  }
  const getRow = (name: string, f: GetFigure, base: GetFigure) =>
    `| ${name} | ${fixed(f.requestsPerSecond)} | ${fixed((100 * f.requestsPerSecond) / base.requestsPerSecond)}% | ${f.p50} | ${f.p99} | ${fixed(f.cpuPerRequest)} |`;
  const pushRow = (name: string, f: PushFigure) =>
    `| ${name} | ${fixed(f.seconds, 1)} | ${fixed(f.deliveriesPerSecond)} | ${fixed(f.pushesPerSecond)} | ${fixed(f.publishedPerSecond)} | ${fixed(f.cpuPerDelivery)} |`;
  return [
    '## Scale-out: one vs two instances on one PostgreSQL (issue 15 item 5)',
    '',
    `\`ocpi serve\` processes as in "Served node, measured from outside" (CLI defaults, run from source), on one fresh PostgreSQL schema (\`--database-url ${POSTGRES_URL} --database-schema <fresh>\`), 1000 Locations loaded through the admin API, then ${PARTNERS} eMSPs registered through the instances in turn (loopback receivers in the bench process that record every push and answer at once). GET: autocannon child processes for ${DURATION_S} s after a ${WARM_UP_S} s warm-up, ${CONNECTIONS} connections in all (split evenly, one autocannon per instance, run together, with two instances); the bare Fastify process sends the bytes of the node's answer, measured in the same run. CPU µs/req: utime + stime of every instance process over the run, per request. Fan-out: ${PUSHES} EVSE status changes (round ${PUSHED_LOCATIONS} Locations) published by ${PUBLISHERS} admin calls at a time (through the instances in turn), for the ${PARTNERS} eMSPs, timed from the first publish until every eMSP holds the newest change of each EVSE (a partner behind on an EVSE gets only its newest pending change, so HTTP pushes may be fewer than changes × partners); CPU µs per change × partner of every instance process, publishing included. One machine: the instances, PostgreSQL, autocannon and the partners share its cores, so two instances are not expected to double anything; the point is that nothing collapses.`,
    '',
    '| GET one Location (2.2.1 sender) | req/s | of bare | p50 ms | p99 ms | CPU µs/req |',
    '|---|---|---|---|---|---|',
    getRow('one instance', one.get, one.bare),
    getRow(`two instances (${CONNECTIONS / 2} connections each)`, two.get, two.bare),
    getRow('bare Fastify, same bytes (run beside one instance)', one.bare, one.bare),
    getRow('bare Fastify, same bytes (run beside two instances)', two.bare, two.bare),
    '',
    `| push fan-out: ${PUSHES} changes × ${PARTNERS} partners | seconds | changes settled/s | HTTP pushes/s | changes published/s | CPU µs / change × partner |`,
    '|---|---|---|---|---|---|',
    pushRow('one instance', one.push),
    pushRow('two instances', two.push),
    '',
  ].join('\n');
}
