/**
 * The node as users run it, measured from outside (issue 15, item 1): `ocpi serve` in its own
 * process with the CLI's own configuration and logging, loaded by autocannon in another
 * process, beside a bare Fastify server (a third process) sending the same bytes, in the same run.
 *
 * `ocpi serve` runs from source through tsx, as test/support/cli.ts does (bin/ocpi.mjs would
 * need a built dist/): tsx compiles each module once at start, nothing per request.
 *
 * The store holds 100,000 Locations, written into it by this process before the node starts
 * (loading is not measured), so that a page at the end of the list is measured beside the first.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createOcpiApp } from '../src/index.ts';
import { parseObject } from '../src/model/objects.ts';
import { openStore, type StoreOptions } from '../src/store/store.ts';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import type { BareRoute } from './bare-server.ts';
import { autocannon, type Child, cpuMicros, fromSource, rssMegabytes, startNode } from './processes.ts';
import { printed, snapshot, startServed } from './served-node.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARM_UP_S = 2;
const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 100_000);
const PAGE = 50;
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
  /** The first request for the last page after start, in ms: the list is read into memory then. */
  coldLastPageMs: number;
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

const locationId = (i: number) => `LOC${String(i).padStart(6, '0')}`;

/**
 * Writes LOCATIONS copies of the spec's 2.3.0 example Location, as NL*ACM's (the served node's
 * default party), LOC000000…, one second apart, straight into the store the node will open:
 * the canonical shape the node itself stores, 1,000 rows a statement.
 */
async function loadLocations(options: StoreOptions): Promise<void> {
  const example = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  const parsed = parseObject('2.3.0', 'Location', { ...example, country_code: 'NL', party_id: 'ACM' });
  if (!parsed.ok) throw new Error('the example Location does not parse');
  const store = await openStore(options);
  try {
    for (let i = 0; i < LOCATIONS; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, LOCATIONS - i) }, (_, j) => {
        const lastUpdated = new Date(Date.UTC(2024, 0, 1) + (i + j) * 1000);
        const id = locationId(i + j);
        return {
          module: 'locations',
          owner: 'own',
          country_code: 'NL',
          party_id: 'ACM',
          object_id: id,
          subtype: '',
          data: JSON.stringify({ ...parsed.value, id, last_updated: lastUpdated.toISOString() }),
          last_updated: lastUpdated,
        };
      });
      await store.db.insertInto('ocpi_objects').values(rows).execute();
    }
    // Written past the repository: the planner's statistics are refreshed as it would.
    await sql`analyze ocpi_objects`.execute(store.db);
  } finally {
    await store.close();
  }
}

async function runOnStore(store: StoreOptions, storeArgs: string[]): Promise<StoreRun> {
  // Locations first, the partner after: nothing is pushed to it while it is measured.
  await loadLocations(store);
  const served = await startServed(storeArgs);
  const rssAtStart = await rssMegabytes(served.pid);
  let bare: Child | undefined;
  const emsp = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'bench' } }],
  });
  const routesFile = join(await mkdtemp(join(tmpdir(), 'ocpi-bench-bare-')), 'routes.json');
  try {
    const versionsUrl = printed(served, 'versions URL');
    await emsp.listen({ port: 0, host: '127.0.0.1' });
    const partner = await emsp.ocpi.registerWith(versionsUrl, printed(served, 'bootstrap token'));
    const { outbound_token: token } = await emsp.ocpi.store.db
      .selectFrom('ocpi_partners')
      .select('outbound_token')
      .where('id', '=', partner.id)
      .executeTakeFirstOrThrow();
    const auth = { authorization: `Token ${Buffer.from(token).toString('base64')}` };
    const details = versionsUrl.replace(/versions$/, '2.2.1');
    const list = `${details}/sender/locations`;
    const last = LOCATIONS - PAGE;
    const routes: Array<{ name: string; url: string }> = [
      { name: 'GET /ocpi/versions (authenticated)', url: versionsUrl },
      { name: 'GET /ocpi/2.2.1 version details', url: details },
      { name: 'GET one Location (2.2.1 sender)', url: `${list}/${locationId(LOCATIONS / 2)}` },
      { name: `GET the first page of ${PAGE} Locations (2.2.1 sender)`, url: `${list}?limit=${PAGE}` },
      {
        name: `GET the last page of ${PAGE} Locations (offset=${last}, 2.2.1 sender)`,
        url: `${list}?offset=${last}&limit=${PAGE}`,
      },
    ];
    const coldStart = performance.now();
    await snapshot(routes[4]?.url ?? '', { headers: auth }, '/cold');
    const coldLastPageMs = performance.now() - coldStart;
    const snapshots = await Promise.all(routes.map((r, i) => snapshot(r.url, { headers: auth }, `/r${i}`)));
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
    return { rssAtStart, rssLoaded, logBytesPerRequest, coldLastPageMs, rows };
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
  const dataDir = join(await mkdtemp(join(tmpdir(), 'ocpi-bench-data-')), 'pglite');
  let pglite: StoreRun;
  try {
    pglite = await runOnStore({ kind: 'pglite', dataDir }, ['--data', dataDir]);
  } finally {
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  }
  const schema = `bench_served_${Date.now()}`;
  let postgres: StoreRun;
  try {
    postgres = await runOnStore({ kind: 'postgres', connectionString: POSTGRES_URL, schema }, [
      '--database-url',
      POSTGRES_URL,
      '--database-schema',
      schema,
    ]);
  } finally {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
  const rss = (run: StoreRun) =>
    `${fixed(run.rssAtStart)} MB after start (${LOCATIONS} Locations in the store), ${fixed(run.rssLoaded)} MB once a partner registered and the last page was read`;
  const cold = (run: StoreRun) =>
    `The first request for the last page after start took ${fixed(run.coldLastPageMs)} ms (the list's order read into memory, that page rendered).`;
  return [
    '## Served node, measured from outside (issue 15 method)',
    '',
    `\`ocpi serve\` in its own process, as users run it: the CLI's own configuration and logging (no \`--log-level\` override, so the default info level, output drained through a pipe), run from source with \`node --import tsx src/cli/run.ts serve\` as test/support/cli.ts does (no build; tsx only compiles modules at start). Load: autocannon as a child process (\`autocannon -j -c ${CONNECTIONS} -d ${DURATION_S}\`, after a ${WARM_UP_S} s warm-up run), loopback only. Baseline: a bare Fastify server in its own child process (bench/bare-server.ts) sending the same bytes and headers (each route's real response fetched once from the node), measured right after the node's route in the same run. CPU µs/req: the server process's utime + stime from /proc/<pid>/stat over the measured run, divided by the requests autocannon completed (10 ms clock-tick resolution). ${LOCATIONS} Locations (the 2.3.0 spec example, ids and last_updated varied) written into the store by the bench process before the node starts (not measured); then a partner registers by the bootstrap token + credentials handshake from an eMSP node in the bench process (idle while measured); its token authenticates every request. A page is ${PAGE} Locations by plain offset and limit, as a partner that computes offsets asks for them (no cursor): the first page and the last one of the list (target: 2,000 pages/s, the same at both ends). Each machine core is shared by the node, autocannon and the baseline, so compare ratios.`,
    '',
    `### PGlite (\`--data <tmpdir>\`)`,
    '',
    ...table(pglite),
    '',
    `Idle RSS of the served process: ${rss(pglite)}. Log output of the node during the runs: ${fixed(pglite.logBytesPerRequest, 1)} bytes per request. ${cold(pglite)}`,
    '',
    `### PostgreSQL (\`--database-url ${POSTGRES_URL} --database-schema <fresh>\`)`,
    '',
    ...table(postgres),
    '',
    `Idle RSS of the served process: ${rss(postgres)}. Log output of the node during the runs: ${fixed(postgres.logBytesPerRequest, 1)} bytes per request. ${cold(postgres)}`,
    '',
  ].join('\n');
}
