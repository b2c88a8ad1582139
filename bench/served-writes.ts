/**
 * Receiver PUT, measured from outside (issue 15): `ocpi serve --role emsp` in its own process,
 * a partner CPO (a node of the bench process, idle) registered with it, and a load generator in
 * another process PUTting Locations to /ocpi/2.2.1/receiver/locations/{cc}/{pid}/{id}: the same
 * Location again, and a new Location each time. Beside it, a bare Fastify process whose PUT
 * route parses the same JSON body and answers the node's bytes.
 */
import { exampleJson } from '../test/support/spec-fixtures.ts';
import {
  type Compared,
  comparisonTable,
  measureLoad,
  onServedStores,
  POSTGRES_URL,
  printed,
  registeredPartner,
  type ServedStore,
  snapshot,
  startBare,
  startServed,
  WARM_UP_S,
} from './served-node.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CPO = { countryCode: 'DE', partyId: 'CPO' };

/** The 2.2.1 spec example Location as the partner CPO's, with `id` (which may hold `{n}`). */
function locationBody(id: string): string {
  const example = exampleJson('2.2.1', 'location_example.json') as Record<string, unknown>;
  return JSON.stringify({ ...example, country_code: CPO.countryCode, party_id: CPO.partyId, id });
}

const RUNS = [
  { name: 'PUT the same Location again', id: 'LOC1' },
  { name: 'PUT a new Location each time', id: 'LOC{n}' },
];

async function runOnStore(store: ServedStore): Promise<Compared[]> {
  const served = await startServed([...store.args, '--role', 'emsp']);
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  let cpo: Awaited<ReturnType<typeof registeredPartner>>['node'] | undefined;
  try {
    const partner = await registeredPartner(served, {
      versions: ['2.2.1'],
      parties: [{ ...CPO, role: 'CPO', businessDetails: { name: 'bench' } }],
    });
    cpo = partner.node;
    const headers = { ...partner.auth, 'content-type': 'application/json' };
    const receiver = `${printed(served, 'versions URL').replace(/versions$/, '2.2.1')}/receiver/locations`;
    const { origin, pathname } = new URL(receiver);
    const answer = await snapshot(
      `${receiver}/${CPO.countryCode}/${CPO.partyId}/LOC1`,
      { method: 'PUT', headers, body: locationBody('LOC1') },
      '/put/:cc/:pid/:id',
    );
    bare = await startBare([answer]);
    const rows: Compared[] = [];
    for (const run of RUNS) {
      const body = locationBody(run.id);
      const path = `/${CPO.countryCode}/${CPO.partyId}/${run.id}`;
      const node = await measureLoad(
        served.pid,
        { origin, method: 'PUT', path: `${pathname}${path}`, headers, body, connections: CONNECTIONS },
        DURATION_S,
      );
      const bareFigure = await measureLoad(
        bare.child.pid,
        { origin: bare.origin, method: 'PUT', path: `/put${path}`, headers, body, connections: CONNECTIONS },
        DURATION_S,
      );
      rows.push({
        name: `${run.name}, ${store.name}`,
        bytes: Buffer.byteLength(body.replace('{n}', '0')),
        node,
        bare: bareFigure,
      });
    }
    return rows;
  } finally {
    await Promise.all([served.stop(), bare?.stop(), cpo?.close()]);
  }
}

export async function servedWritesBench(): Promise<string> {
  const rows = (await onServedStores(runOnStore)).flatMap((r) => r.result);
  return [
    '## Receiver PUT, measured from outside (issue 15)',
    '',
    `\`ocpi serve --role emsp\` in its own process with the CLI's defaults (info logging, output drained through a pipe), on PGlite (\`--data <tmpdir>\`) and on PostgreSQL (\`--database-url ${POSTGRES_URL} --database-schema <fresh>\`, the server's own configuration: synchronous_commit as it is set there). A partner CPO (${CPO.countryCode}*${CPO.partyId}, a node of the bench process, idle while measured) registered by the bootstrap token + credentials handshake; its token authenticates every request. Load: bench/load.ts in its own process (autocannon's API, so that each request can name another object), ${CONNECTIONS} connections, ${DURATION_S} s after a ${WARM_UP_S} s warm-up; every answer is checked for OCPI status 1000. Body: the 2.2.1 spec example Location as the partner's (bytes column). "Same Location again": one URL and body, a re-send with the same last_updated (stored again each time). "A new Location each time": the id in the URL and the body from a counter. Baseline: a bare Fastify process (bench/bare-server.ts) whose PUT route parses the same JSON body and answers the node's bytes, loaded the same way right after. CPU µs/req: the server process's utime + stime over the measured run per completed request. Each core is shared by the node, PostgreSQL, the load generator and the baseline: compare ratios.`,
    '',
    ...comparisonTable(rows, 'what'),
    '',
  ].join('\n');
}
