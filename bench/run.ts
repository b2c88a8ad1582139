/**
 * Benchmarks, each beside a bare Fastify JSON route measured in the same run, so the
 * ratio means something on any machine. Writes bench/RESULTS.md.
 *
 *   npm run bench              all benchmarks
 *   npm run bench -- versions  only the ones whose name contains "versions"
 */
import { writeFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createOcpiApp } from '../src/index.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

interface Figure {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

async function measure(name: string, url: string, headers: Record<string, string> = {}): Promise<Figure> {
  // A short warm-up lets the JIT settle before the measured run.
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 });
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
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

const BENCHES: Record<string, () => Promise<string>> = { versions: versionsBench };

const filter = process.argv[2];
const sections: string[] = [];
for (const [name, bench] of Object.entries(BENCHES)) {
  if (filter && !name.includes(filter)) continue;
  process.stdout.write(`running ${name}...\n`);
  sections.push(await bench());
}
const header = [
  '# Benchmark results',
  '',
  `Recorded ${new Date().toISOString().slice(0, 10)} on ${process.platform}/${process.arch}, Node ${process.version}, with \`npm run bench\`.`,
  'Every figure is measured beside a bare Fastify route in the same run; compare the ratios, not the absolute numbers, across machines.',
  '',
].join('\n');
const text = `${header}\n${sections.join('\n')}`;
await writeFile(new URL('./RESULTS.md', import.meta.url), text);
process.stdout.write(text);
