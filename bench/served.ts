/**
 * The node as users run it, measured from outside (issue 15, item 1): `ocpi serve` in its own
 * process with the CLI's own configuration and logging, loaded by autocannon in another
 * process, beside a bare Fastify server (a third process) sending the same bytes, in the same run.
 *
 * `ocpi serve` runs from source through tsx, as test/support/cli.ts does (bin/ocpi.mjs would
 * need a built dist/): tsx compiles each module once at start, nothing per request.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createOcpiApp } from '../src/index.ts';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import type { BareRoute } from './bare-server.ts';
import { autocannon, type Child, cpuMicros, fromSource, rssMegabytes, startNode } from './processes.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARM_UP_S = 2;
const LOCATIONS = 1000;
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Figure {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Server process CPU time per request, µs. */
  cpuPerRequest: number;
}

interface Route {
  name: string;
  url: string;
  bytes: number;
}

interface StoreRun {
  rssAtStart: number;
  rssLoaded: number;
  logBytesPerRequest: number;
  rows: Array<{ route: Route; node: Figure; bare: Figure }>;
}

/** One autocannon run against a server process, with the CPU time that process spent. */
async function measure(pid: number, url: string, headers: Record<string, string>): Promise<Figure> {
  await autocannon(url, headers, CONNECTIONS, WARM_UP_S);
  const cpuBefore = await cpuMicros(pid);
  const result = await autocannon(url, headers, CONNECTIONS, DURATION_S);
  const cpu = (await cpuMicros(pid)) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
  };
}

/** `ocpi serve` on random ports, the CLI's defaults otherwise (log level included). */
function startServed(storeArgs: string[]): Promise<Child> {
  return startNode(
    [
      ...fromSource(new URL('../src/cli/run.ts', import.meta.url)),
      'serve',
      ...['--port', '0', '--admin-port', '0', ...storeArgs],
    ],
    /admin token:\s+\S+\s/,
    'ocpi serve',
  );
}

function printed(served: Child, label: string): string {
  const value = new RegExp(`${label}:\\s+(\\S+)`).exec(served.head())?.[1];
  if (!value) throw new Error(`ocpi serve printed no ${label}: ${served.head()}`);
  return value;
}

/** The spec's 2.3.0 example Location as NL*ACM's (the served node's default party), LOC0000…. */
function locations(): Array<Record<string, unknown>> {
  const template = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  return Array.from({ length: LOCATIONS }, (_, i) => ({
    ...template,
    country_code: 'NL',
    party_id: 'ACM',
    id: `LOC${String(i).padStart(4, '0')}`,
    last_updated: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
  }));
}

/** Loads the Locations through the admin API, 100 per call (Fastify's default body limit is 1 MB). */
async function loadLocations(adminUrl: string, adminToken: string): Promise<void> {
  const all = locations();
  for (let i = 0; i < all.length; i += 100) {
    const res = await fetch(`${adminUrl}/objects/locations?version=2.3.0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(all.slice(i, i + 100)),
    });
    if (!res.ok) throw new Error(`loading Locations: HTTP ${res.status} ${await res.text()}`);
  }
}

/** Response headers the bare server repeats: everything but what the connection itself sets. */
const HOP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** One real response of the node: its body and headers, for the bare server to send as they are. */
async function snapshot(url: string, headers: Record<string, string>, path: string): Promise<BareRoute> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${body}`);
  const copied: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name)) copied[name] = value;
  });
  return { path, body, headers: copied };
}

async function runOnStore(storeArgs: string[]): Promise<StoreRun> {
  const served = await startServed(storeArgs);
  const rssAtStart = await rssMegabytes(served.pid);
  let bare: Child | undefined;
  const emsp = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'bench' } }],
  });
  const routesFile = join(await mkdtemp(join(tmpdir(), 'ocpi-bench-bare-')), 'routes.json');
  try {
    const versionsUrl = printed(served, 'versions URL');
    // Locations first, the partner after: nothing is pushed to it while it is measured.
    await loadLocations(printed(served, 'admin URL'), printed(served, 'admin token'));
    await emsp.listen({ port: 0, host: '127.0.0.1' });
    const partner = await emsp.ocpi.registerWith(versionsUrl, printed(served, 'bootstrap token'));
    const { outbound_token: token } = await emsp.ocpi.store.db
      .selectFrom('ocpi_partners')
      .select('outbound_token')
      .where('id', '=', partner.id)
      .executeTakeFirstOrThrow();
    const auth = { authorization: `Token ${Buffer.from(token).toString('base64')}` };
    const details = versionsUrl.replace(/versions$/, '2.2.1');
    const routes: Array<{ name: string; url: string }> = [
      { name: 'GET /ocpi/versions (authenticated)', url: versionsUrl },
      { name: 'GET /ocpi/2.2.1 version details', url: details },
      { name: 'GET one Location (2.2.1 sender)', url: `${details}/sender/locations/LOC0500` },
      { name: 'GET a page of 50 Locations (2.2.1 sender)', url: `${details}/sender/locations?limit=50` },
    ];
    const snapshots = await Promise.all(routes.map((r, i) => snapshot(r.url, auth, `/r${i}`)));
    await writeFile(routesFile, JSON.stringify(snapshots));
    bare = await startNode(
      [...fromSource(new URL('./bare-server.ts', import.meta.url)), routesFile],
      /bare listening on \d+/,
      'bare server',
    );
    const barePort = /bare listening on (\d+)/.exec(bare.head())?.[1];
    const rssLoaded = await rssMegabytes(served.pid);
    const rows: StoreRun['rows'] = [];
    const logBefore = served.outputBytes();
    let servedRequests = 0;
    for (const [i, route] of routes.entries()) {
      const node = await measure(served.pid, route.url, auth);
      servedRequests += node.requestsPerSecond * (DURATION_S + WARM_UP_S);
      const bareFigure = await measure(bare.pid, `http://127.0.0.1:${barePort}/r${i}`, auth);
      rows.push({
        route: { ...route, bytes: Buffer.byteLength((snapshots[i] as BareRoute).body) },
        node,
        bare: bareFigure,
      });
    }
    const logBytesPerRequest = (served.outputBytes() - logBefore) / Math.max(1, servedRequests);
    return { rssAtStart, rssLoaded, logBytesPerRequest, rows };
  } finally {
    await Promise.all([served.stop(), bare?.stop(), emsp.close()]);
    await rm(join(routesFile, '..'), { recursive: true, force: true });
  }
}

const fixed = (n: number, digits = 0) => n.toFixed(digits);

function table(run: StoreRun): string[] {
  return [
    '| route | bytes | req/s | of bare | p50 ms | p99 ms | CPU µs/req | bare req/s | bare p50 / p99 ms | bare CPU µs/req |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...run.rows.map(
      ({ route, node, bare }) =>
        `| ${route.name} | ${route.bytes} | ${fixed(node.requestsPerSecond)} | ${fixed((100 * node.requestsPerSecond) / bare.requestsPerSecond)}% | ${node.p50} | ${node.p99} | ${fixed(node.cpuPerRequest)} | ${fixed(bare.requestsPerSecond)} | ${bare.p50} / ${bare.p99} | ${fixed(bare.cpuPerRequest)} |`,
    ),
  ];
}

export async function servedBench(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ocpi-bench-data-'));
  let pglite: StoreRun;
  try {
    pglite = await runOnStore(['--data', dataDir]);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  const schema = `bench_served_${Date.now()}`;
  let postgres: StoreRun;
  try {
    postgres = await runOnStore(['--database-url', POSTGRES_URL, '--database-schema', schema]);
  } finally {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
  const rss = (run: StoreRun) =>
    `${fixed(run.rssAtStart)} MB after start, ${fixed(run.rssLoaded)} MB with ${LOCATIONS} Locations loaded and a partner registered`;
  return [
    '## Served node, measured from outside (issue 15 method)',
    '',
    `\`ocpi serve\` in its own process, as users run it: the CLI's own configuration and logging (no \`--log-level\` override, so the default info level, output drained through a pipe), run from source with \`node --import tsx src/cli/run.ts serve\` as test/support/cli.ts does (no build; tsx only compiles modules at start). Load: autocannon as a child process (\`autocannon -j -c ${CONNECTIONS} -d ${DURATION_S}\`, after a ${WARM_UP_S} s warm-up run), loopback only. Baseline: a bare Fastify server in its own child process (bench/bare-server.ts) sending the same bytes and headers (each route's real response fetched once from the node), measured right after the node's route in the same run. CPU µs/req: the server process's utime + stime from /proc/<pid>/stat over the measured run, divided by the requests autocannon completed (10 ms clock-tick resolution). ${LOCATIONS} Locations (the 2.3.0 spec example) loaded through the admin API before a partner registers by the bootstrap token + credentials handshake from an eMSP node in the bench process (idle while measured); its token authenticates every request. Each machine core is shared by the node, autocannon and the baseline, so compare ratios.`,
    '',
    `### PGlite (\`--data <tmpdir>\`)`,
    '',
    ...table(pglite),
    '',
    `Idle RSS of the served process: ${rss(pglite)}. Log output of the node during the runs: ${fixed(pglite.logBytesPerRequest, 1)} bytes per request.`,
    '',
    `### PostgreSQL (\`--database-url ${POSTGRES_URL} --database-schema <fresh>\`)`,
    '',
    ...table(postgres),
    '',
    `Idle RSS of the served process: ${rss(postgres)}. Log output of the node during the runs: ${fixed(postgres.logBytesPerRequest, 1)} bytes per request.`,
    '',
    'The other sections of this file were measured the older way: in-process: autocannon inside the server process (sharing its event loop and CPU) and the node built with createOcpiApp, its logger off, unlike the CLI. Their ratios to bare Fastify are not comparable with the ones above.',
    '',
  ].join('\n');
}
