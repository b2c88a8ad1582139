/**
 * Benchmarks, each beside a bare Fastify JSON route measured in the same run, so the
 * ratio means something on any machine. Writes bench/RESULTS.md.
 *
 *   npm run bench              all benchmarks
 *   npm run bench -- model     only the ones whose name contains "model"
 *   npm run bench -- served    `ocpi serve` in its own process, loaded from another (bench/served.ts)
 *   npm run bench -- scaleout  one vs two `ocpi serve` on one PostgreSQL (bench/scaleout.ts)
 *   npm run bench -- fanout    push fan-out of `ocpi serve` to 10 and 50 eMSPs (bench/fanout.ts)
 *   npm run bench -- idle      idle RSS of `npm start` (bench/idle-memory.ts)
 *   npm run bench -- paced     commands at a fixed rate, below saturation (bench/served-commands-paced.ts)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseObject, renderObject } from '../src/model/objects.ts';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import { fanOutBench } from './fanout.ts';
import { idleMemoryBench } from './idle-memory.ts';
import { ocppBench } from './ocpp.ts';
import { scaleOutBench } from './scaleout.ts';
import { servedBench } from './served.ts';
import { servedCommandsBench } from './served-commands.ts';
import { servedCommandsPacedBench } from './served-commands-paced.ts';
import { servedWritesBench } from './served-writes.ts';

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

const BENCHES: Record<string, () => Promise<string>> = {
  model: modelBench,
  ocpp: ocppBench,
  served: servedBench,
  writes: servedWritesBench,
  commands: servedCommandsBench,
  paced: servedCommandsPacedBench,
  scaleout: scaleOutBench,
  fanout: fanOutBench,
  idle: idleMemoryBench,
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
  'Every section that measures the node starts `ocpi serve` as users run it and loads it from other processes, except "OCPP bridge", which still runs the node, the chargers and the baseline in the bench process; "Data model" measures code, not a server.',
  '',
].join('\n');
const text = `${header}\n${[...sections.values()].join('\n\n')}\n`;
await writeFile(resultsFile, text);
process.stdout.write(text);
