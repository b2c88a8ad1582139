/**
 * Benchmarks, each beside a bare Fastify JSON route measured in the same run, so the
 * ratio means something on any machine. Writes bench/RESULTS.md.
 *
 *   npm run bench              all benchmarks
 *   npm run bench -- versions  only the ones whose name contains "versions"
 *   npm run bench -- served    `ocpi serve` in its own process, loaded from another (bench/served.ts)
 */
import { readFile, writeFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { createOcpiApp, type OcpiAppOptions } from '../src/index.ts';
import { parseObject, renderObject } from '../src/model/objects.ts';
import type { ChargerGateway } from '../src/modules/commands/gateway.ts';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import { ocppBench } from './ocpp.ts';
import { profilesBench } from './profiles.ts';
import { servedBench } from './served.ts';
import { benchPair, onBothStores, percentile, putBenchLocation } from './support.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LIGHT_CONNECTIONS = 10;

interface Figure {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

async function measure(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  request: { method?: 'GET' | 'PUT'; body?: string; connections?: number } = {},
): Promise<Figure> {
  const options = {
    url,
    headers,
    method: request.method ?? 'GET',
    body: request.body,
    connections: request.connections ?? CONNECTIONS,
    // Slow rows (a page by bare offset) must count as slow, not as errors after autocannon's 10 s.
    timeout: 30,
  };
  // A short warm-up lets the JIT settle before the measured run.
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: DURATION_S });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

async function bareFastify(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify();
  app.get('/bare', async () => ({
    data: [{ version: '2.2.1', url: 'http://127.0.0.1/ocpi/2.2.1' }],
    status_code: 1000,
    timestamp: new Date().toISOString(),
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/bare`,
    close: () => app.close(),
  };
}

async function versionsBench(): Promise<string> {
  const bare = await bareFastify();
  const node = await createOcpiApp();
  await node.listen({ port: 0, host: '127.0.0.1' });
  // A registered partner's token: register a second node with this one.
  const partner = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'bench' } }],
  });
  await partner.listen({ port: 0, host: '127.0.0.1' });
  const registered = await partner.ocpi.registerWith(
    node.ocpi.versionsUrl(),
    await node.ocpi.createRegistrationToken(),
  );
  const row = await partner.ocpi.store.db
    .selectFrom('ocpi_partners')
    .select('outbound_token')
    .where('id', '=', registered.id)
    .executeTakeFirstOrThrow();
  const auth = { authorization: `Token ${Buffer.from(row.outbound_token).toString('base64')}` };
  try {
    const figures = [
      await measure('bare Fastify JSON route', bare.url),
      await measure('GET /ocpi/versions (authenticated)', node.ocpi.versionsUrl(), auth),
      await measure(
        'GET /ocpi/2.2.1 version details (authenticated)',
        node.ocpi.versionsUrl().replace(/versions$/, '2.2.1'),
        auth,
      ),
    ];
    const base = (figures[0] as Figure).requestsPerSecond;
    const rows = figures.map(
      (f) =>
        `| ${f.name} | ${Math.round(f.requestsPerSecond)} | ${((100 * f.requestsPerSecond) / base).toFixed(0)}% | ${f.p50} | ${f.p99} |`,
    );
    return [
      '## Versions and version details (step 1)',
      '',
      `${CONNECTIONS} connections, ${DURATION_S} s per run after a 2 s warm-up, one process, loopback. Target: OCPI reads ≥ 70% of bare Fastify.`,
      '',
      '| route | req/s | of bare Fastify | p50 ms | p99 ms |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
  } finally {
    await Promise.all([bare.close(), node.close(), partner.close()]);
  }
}

/** Realistic Locations: the spec's 2.3.0 example, with distinct ids and timestamps. */
async function sampleLocations(count: number): Promise<unknown[]> {
  const example = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => ({
    ...example,
    id: `LOC${i}`,
    last_updated: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString().replace('.000Z', ''),
  }));
}

function rate(count: number, run: () => void): number {
  run(); // warm-up: compiles validators and writers
  const start = process.hrtime.bigint();
  run();
  return Math.round(count / (Number(process.hrtime.bigint() - start) / 1e9));
}

async function modelBench(): Promise<string> {
  const count = 10_000;
  const locations = await sampleLocations(count);
  const texts = locations.map((l) => JSON.stringify(l));
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  const rows: Array<[string, number]> = [
    [
      'JSON.parse + JSON.stringify (baseline)',
      rate(count, () => {
        for (const t of texts) JSON.stringify(JSON.parse(t));
      }),
    ],
    [
      'JSON.parse + parseObject (validate, normalise) + renderObject + JSON.stringify',
      rate(count, () => {
        for (const t of texts) {
          const parsed = parseObject('2.3.0', 'Location', JSON.parse(t));
          if (!parsed.ok) throw new Error('invalid sample');
          JSON.stringify(renderObject('2.3.0', 'Location', parsed.value));
        }
      }),
    ],
    [
      '2.3.0 JSON → canonical → rendered for a 2.1.1 partner',
      rate(count, () => {
        for (const t of texts) {
          const parsed = parseObject('2.3.0', 'Location', JSON.parse(t));
          if (!parsed.ok) throw new Error('invalid sample');
          JSON.stringify(renderObject('2.1.1', 'Location', parsed.value));
        }
      }),
    ],
  ];
  const base = (rows[0] as [string, number])[1];
  return [
    '## Data model: validate + serialize 10,000 Locations (step 2)',
    '',
    `The 2.3.0 spec example Location (${Math.round(bytes / count)} bytes of JSON each), ${count} distinct copies, one thread.`,
    '',
    '| pipeline | Locations/s | of the JSON baseline |',
    '|---|---|---|',
    ...rows.map(([name, r]) => `| ${name} | ${r} | ${((100 * r) / base).toFixed(0)}% |`),
    '',
  ].join('\n');
}

function table(figures: Figure[]): string[] {
  const base = (figures[0] as Figure).requestsPerSecond;
  return [
    '| what | req/s | of bare Fastify | p50 ms | p99 ms |',
    '|---|---|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.name} | ${Math.round(f.requestsPerSecond)} | ${((100 * f.requestsPerSecond) / base).toFixed(0)}% | ${f.p50} | ${f.p99} |`,
    ),
  ];
}

async function locationsBench(): Promise<string> {
  const count = 100_000;
  const bare = await bareFastify();
  const pair = await benchPair({ paging: { maxLimit: 100 } });
  try {
    const template = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
    const db = pair.cpo.ocpi.store.db;
    const loadStart = process.hrtime.bigint();
    for (let i = 0; i < count; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, count - i) }, (_, j) => {
        const id = `LOC${String(i + j).padStart(6, '0')}`;
        return {
          module: 'locations',
          owner: 'own',
          country_code: 'NL',
          party_id: 'ACM',
          object_id: id,
          subtype: '',
          data: JSON.stringify({ ...template, country_code: 'NL', party_id: 'ACM', id }),
          last_updated: new Date(Date.UTC(2024, 0, 1) + (i + j) * 1000),
        };
      });
      await db.insertInto('ocpi_objects').values(rows).execute();
    }
    // A bulk load bypasses the repository; refresh the planner's statistics as it would.
    await sql`analyze ocpi_objects`.execute(db);
    const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
    const list = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/sender/locations`;
    // Middle and last pages as a partner reaches them: by following Link (which carries our keyset cursor).
    const linkAt = async (offset: number) => {
      const seq = await db
        .selectFrom('ocpi_objects')
        .select('seq')
        .where('module', '=', 'locations')
        .orderBy('seq')
        .offset(offset - 1)
        .limit(1)
        .executeTakeFirstOrThrow();
      return `${list}?offset=${offset}&limit=100&cursor=${seq.seq}`;
    };
    const receiverUrl = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/receiver/locations/NL/ACM/LOC000001`;
    const putBody = JSON.stringify({ ...template, country_code: 'NL', party_id: 'ACM', id: 'LOC000001' });
    const figures = [
      await measure('bare Fastify JSON route', bare.url),
      await measure('GET locations, first page (100 of 100,000)', `${list}?limit=100`, pair.emspCallsCpo),
      await measure(
        'GET locations, middle page via Link (offset 50,000)',
        await linkAt(50_000),
        pair.emspCallsCpo,
      ),
      await measure(
        'GET locations, last page via Link (offset 99,900)',
        await linkAt(99_900),
        pair.emspCallsCpo,
      ),
      await measure(
        'GET locations, middle page by bare offset=50000 (no cursor)',
        `${list}?offset=50000&limit=100`,
        pair.emspCallsCpo,
      ),
      await measure(
        'receiver PUT Location (eMSP side)',
        receiverUrl,
        { ...pair.cpoCallsEmsp, 'content-type': 'application/json' },
        { method: 'PUT', body: putBody },
      ),
    ];

    // Outbox: publish N changes, time until the partner has them all.
    const pushes = 2000;
    const pushStart = process.hrtime.bigint();
    for (let i = 0; i < pushes; i++) {
      await pair.cpo.ocpi.locations.put(
        {
          ...template,
          country_code: 'NL',
          party_id: 'ACM',
          id: `PUSH${i % 200}`,
          last_updated: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
        },
        '2.3.0',
      );
    }
    const enqueuedSeconds = Number(process.hrtime.bigint() - pushStart) / 1e9;
    while ((await pair.cpo.ocpi.delivery.pending()) > 0) await new Promise((r) => setTimeout(r, 20));
    const pushSeconds = Number(process.hrtime.bigint() - pushStart) / 1e9;

    return [
      '## Locations: paging a 100,000-Location store, receiver PUT, outbox push (step 3)',
      '',
      `Embedded PGlite store, ${count} Locations of ${putBody.length} bytes (loaded in ${loadSeconds.toFixed(1)} s). 2.2.1, authenticated, ${CONNECTIONS} connections, ${DURATION_S} s per run.`,
      '',
      ...table(figures),
      '',
      `Outbox push to a local eMSP node: ${pushes} Location changes (200 objects, in order per object) published and delivered in ${pushSeconds.toFixed(2)} s = ${Math.round(pushes / pushSeconds)} pushes/s end to end (publishing alone, store + outbox row in one transaction: ${Math.round(pushes / enqueuedSeconds)}/s).`,
      '',
    ].join('\n');
  } finally {
    await Promise.all([bare.close(), pair.close()]);
  }
}

async function commandsBench(): Promise<string> {
  const { pglite, postgres } = await onBothStores(commandsRun);
  return [
    '## Commands (step 4)',
    '',
    `2.2.1, one process, ${CONNECTIONS} concurrent eMSP connections for ${DURATION_S} s after a 2 s warm-up; each request is a new START_SESSION (validated, checked against the Location, persisted, handed to the gateway). Target p99 < 10 ms.`,
    '',
    ...table([
      pglite.bare,
      { ...pglite.command, name: `${pglite.command.name}, PGlite` },
      { ...postgres.command, name: `${postgres.command.name}, PostgreSQL` },
    ]),
    '',
    `The same at ${LIGHT_CONNECTIONS} connections. With ${CONNECTIONS} closed-loop clients, latency is mostly queueing: by Little's law the mean is ${CONNECTIONS} / throughput, so a mean under 10 ms needs over ${CONNECTIONS * 100} commands/s, each a database write, on the same 2 cores as autocannon and the eMSP:`,
    '',
    ...table([
      pglite.bareLight,
      { ...pglite.light, name: `${pglite.light.name}, PGlite` },
      { ...postgres.light, name: `${postgres.light.name}, PostgreSQL` },
    ]),
    '',
    `Charger answer → CommandResult received at the eMSP's response_url (outbox, HTTP, result endpoint), 200 commands one after another. Target < 50 ms (a polling design spends up to 2 s here): PGlite p50 ${pglite.delayP50} ms, p99 ${pglite.delayP99} ms; PostgreSQL p50 ${postgres.delayP50} ms, p99 ${postgres.delayP99} ms.`,
    '',
  ].join('\n');
}

async function commandsRun(store: OcpiAppOptions['store']) {
  const bare = await bareFastify();
  // The charger never answers during the load run, so only the CommandResponse path is measured.
  const silent: ChargerGateway = { execute: () => {} };
  const answers = new Map<string, number>();
  let answering = false;
  const gateway: ChargerGateway = {
    execute: (command, report) => {
      if (!answering) return silent.execute(command, report);
      setTimeout(() => {
        answers.set(command.commandId, performance.now());
        report.outcome(command.commandId, 'ACCEPTED');
      }, 5);
    },
  };
  const pair = await benchPair({ commands: { gateway, timeoutSeconds: 3600 }, ...(store ? { store } : {}) });
  try {
    await putBenchLocation(pair.cpo);
    const token = {
      country_code: 'DE',
      party_id: 'MSP',
      uid: 'BENCH1',
      type: 'RFID',
      contract_id: 'DE-MSP-C1',
      issuer: 'bench',
      valid: true,
      whitelist: 'ALLOWED',
      last_updated: '2024-01-01T00:00:00Z',
    };
    const url = `${pair.cpo.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/receiver/commands/START_SESSION`;
    const responseBase = `${pair.emsp.ocpi.versionsUrl().replace(/versions$/, '2.2.1')}/sender/commands/START_SESSION/`;
    let n = 0;
    const commandRun = (duration: number, connections = CONNECTIONS) =>
      autocannon({
        url,
        method: 'POST',
        connections,
        duration,
        headers: { ...pair.emspCallsCpo, 'content-type': 'application/json' },
        requests: [
          {
            // A new response_url each time: every request is a new command, not a duplicate.
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ response_url: `${responseBase}b${n++}`, token, location_id: 'BENCH' }),
            }),
          },
        ],
      });
    await commandRun(2); // warm-up
    const result = await commandRun(DURATION_S);
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`commands: ${result.non2xx} non-2xx, ${result.errors} errors`);
    const bareFigure = await measure('bare Fastify JSON route', bare.url);
    const commandFigure: Figure = {
      name: 'POST START_SESSION → CommandResponse (new command each time)',
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
    };
    // The same at a lighter load: latency when the CPU is not the queue.
    const light = await commandRun(DURATION_S, LIGHT_CONNECTIONS);
    const lightFigure: Figure = {
      name: `${commandFigure.name}, ${LIGHT_CONNECTIONS} connections`,
      requestsPerSecond: light.requests.average,
      p50: light.latency.p50,
      p99: light.latency.p99,
    };
    const bareLight = await measure(
      `bare Fastify JSON route, ${LIGHT_CONNECTIONS} connections`,
      bare.url,
      {},
      {
        connections: LIGHT_CONNECTIONS,
      },
    );

    // Gateway answer → CommandResult at the eMSP's response_url, through the outbox.
    answering = true;
    const delays: number[] = [];
    for (let i = 0; i < 200; i++) {
      const sent = await pair.emsp.ocpi.commands.send(pair.cpoAtEmsp, 'START_SESSION', {
        token,
        location_id: 'BENCH',
      });
      await sent.result;
      const arrived = performance.now();
      delays.push(arrived - (answers.get([...answers.keys()].at(-1) as string) as number));
    }
    return {
      bare: bareFigure,
      command: commandFigure,
      bareLight,
      light: lightFigure,
      delayP50: percentile(delays, 50).toFixed(1),
      delayP99: percentile(delays, 99).toFixed(1),
    };
  } finally {
    await Promise.all([bare.close(), pair.close()]);
  }
}

const BENCHES: Record<string, () => Promise<string>> = {
  versions: versionsBench,
  model: modelBench,
  locations: locationsBench,
  commands: commandsBench,
  profiles: profilesBench,
  ocpp: ocppBench,
  served: servedBench,
};

const filter = process.argv[2];
const resultsFile = new URL('./RESULTS.md', import.meta.url);
// Sections not re-run this time are kept from the previous RESULTS.md.
const previous = await readFile(resultsFile, 'utf8').catch(() => '');
const sections = new Map<string, string>();
for (const part of previous.split(/^(?=## )/m).slice(1))
  sections.set(part.split('\n')[0] as string, part.trimEnd());
for (const [name, bench] of Object.entries(BENCHES)) {
  if (filter && !name.includes(filter)) continue;
  process.stdout.write(`running ${name}...\n`);
  const section = (await bench()).trimEnd();
  sections.set(section.split('\n')[0] as string, section);
}
const header = [
  '# Benchmark results',
  '',
  `Last run ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}, with \`npm run bench\`.`,
  'Every figure is measured beside a baseline (a bare Fastify route, or plain JSON) in the same run; compare the ratios, not the absolute numbers, across machines.',
  'Only "Served node, measured from outside" loads the node as users run it from a separate process; the other sections use the older in-process method (see the note there).',
  '',
].join('\n');
const text = `${header}\n${[...sections.values()].join('\n\n')}\n`;
await writeFile(resultsFile, text);
process.stdout.write(text);
