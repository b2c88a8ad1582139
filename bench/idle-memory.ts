/**
 * Idle memory of `npm start` (issue 15: at most 200 MB): `node bin/ocpi.mjs serve`, the built
 * toolkit as users run it, in its own process, on a new PGlite directory (the default store),
 * again on that directory, and on PostgreSQL; RSS read from /proc after start and with 1,000
 * Locations loaded through the admin API.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import { type Child, startNode } from './processes.ts';

const LOCATIONS = 1000;
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Issue 15's target for the idle node on its default store. */
const TARGET_MB = 200;
/** Far above the target: a bench run fails past it (a setting lost, not noise: RSS barely moves between runs). */
const SMOKE_LIMIT_MB = 300;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** RSS and its two parts, MB. */
interface Rss {
  total: number;
  anon: number;
  file: number;
}

async function rss(pid: number): Promise<Rss> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024;
  return { total: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** RSS once it holds still: two readings 500 ms apart within 1 MB (at most 10 s). */
async function settledRss(pid: number): Promise<Rss> {
  let last = await rss(pid);
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await rss(pid);
    if (Math.abs(now.total - last.total) < 1) return now;
    last = now;
  }
  return last;
}

/** `npm run build`: dist/ as `npm start` runs it, never a stale one. */
function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build: ${err}`))));
  });
}

/** `npm start`, on random ports: `node bin/ocpi.mjs serve`. */
function startServed(storeArgs: string[]): Promise<Child> {
  return startNode(
    [join(ROOT, 'bin/ocpi.mjs'), 'serve', '--port', '0', '--admin-port', '0', ...storeArgs],
    /admin token:\s+\S+\s/,
    'npm start',
  );
}

function printed(served: Child, label: string): string {
  const value = new RegExp(`${label}:\\s+(\\S+)`).exec(served.head())?.[1];
  if (!value) throw new Error(`ocpi serve printed no ${label}: ${served.head()}`);
  return value;
}

/** The spec's 2.3.0 example Location as NL*ACM's, through the admin API, 100 per call. */
async function loadLocations(served: Child): Promise<void> {
  const template = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  for (let i = 0; i < LOCATIONS; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) => ({
      ...template,
      country_code: 'NL',
      party_id: 'ACM',
      id: `LOC${String(i + j).padStart(4, '0')}`,
      last_updated: new Date(Date.UTC(2024, 0, 1, 0, 0, i + j)).toISOString(),
    }));
    const res = await fetch(`${printed(served, 'admin URL')}/objects/locations?version=2.3.0`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${printed(served, 'admin token')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(batch),
    });
    if (!res.ok) throw new Error(`loading Locations: HTTP ${res.status} ${await res.text()}`);
  }
}

interface Run {
  name: string;
  atStart: Rss;
  loaded?: Rss;
}

/** Starts the node, reads its RSS, loads the Locations when asked, reads it again. */
async function measure(name: string, storeArgs: string[], load: boolean): Promise<Run> {
  const served = await startServed(storeArgs);
  try {
    const atStart = await settledRss(served.pid);
    if (!load) return { name, atStart };
    await loadLocations(served);
    return { name, atStart, loaded: await settledRss(served.pid) };
  } finally {
    await served.stop();
  }
}

const fixed = (n: number) => n.toFixed(0);
const cell = (r: Rss | undefined) => (r ? `${fixed(r.total)} (${fixed(r.anon)} + ${fixed(r.file)})` : '–');

export async function idleMemoryBench(): Promise<string> {
  await build();
  const runs: Run[] = [];
  const dataDir = join(await mkdtemp(join(tmpdir(), 'ocpi-bench-idle-')), 'data');
  try {
    runs.push(await measure('PGlite, first start (new directory)', ['--data', dataDir], true));
    runs.push(await measure('PGlite, started again on that directory', ['--data', dataDir], false));
  } finally {
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  }
  const schema = `bench_idle_${Date.now()}`;
  try {
    runs.push(
      await measure(
        'PostgreSQL (fresh schema)',
        ['--database-url', POSTGRES_URL, '--database-schema', schema],
        true,
      ),
    );
  } finally {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
  for (const run of runs.slice(0, 2))
    if (run.atStart.total > SMOKE_LIMIT_MB)
      throw new Error(`idle memory: ${run.name}: ${fixed(run.atStart.total)} MB, above ${SMOKE_LIMIT_MB} MB`);
  return [
    '## Idle memory of `npm start` (issue 15)',
    '',
    `\`node bin/ocpi.mjs serve\` (what \`npm start\` runs), built by \`npm run build\` first, in its own process, on random ports, defaults otherwise; RSS from /proc/<pid>/status once it holds still (two readings 500 ms apart within 1 MB), after start and with ${LOCATIONS} Locations (the 2.3.0 spec example) loaded through the admin API. Target: ${TARGET_MB} MB on the default store, PGlite. MB, total (anonymous + file-backed: the node binary's pages are most of the latter):`,
    '',
    `| store | after start | with ${LOCATIONS} Locations |`,
    '|---|---|---|',
    ...runs.map((r) => `| ${r.name} | ${cell(r.atStart)} | ${cell(r.loaded)} |`),
    '',
    FINDINGS,
    '',
  ].join('\n');
}

/** Where the memory went, measured by hand once, beside this bench (written by hand: re-read it after a change). */
const FINDINGS = [
  'Where it went (measured once on a shared, loaded machine with /proc/<pid>/smaps and process.memoryUsage(), one change at a time; ±15 MB between runs): before issue 15 the node took 840 MB (built; 890 MB from source) after its first start on a new directory and 380 MB when started again; on PostgreSQL 130 MB (the node binary about 40 MB of it, the V8 heap 50–65 MB of which 40 MB used). PGlite made the difference:',
  '',
  "- **initdb in the node's process: ~500 MB.** PGlite creates a new directory's database with a second postgres instance and an initdb module, each with its own WebAssembly memory; both stay until a garbage collection an idle server may never run, and even after one the compiled code and allocator pages kept RSS 250 MB up. `ocpi serve` now has a short-lived child `node` process create the directory (StoreOptions `createInChildProcess`) and opens the finished one: a first start costs what a later one does (a few seconds more, once). A worker thread was tried: it kept 130 MB (its allocator arenas outlive it).",
  "- **shared_buffers 128 MB → 16 MB: −120 MB.** PGlite's postgres touches its whole buffer pool at start (151 MB resident of its 189 MB WebAssembly memory; 29 MB of 128 MB with 16 MB). Pages beyond the pool are read through the OS's page cache. Point reads took the same time; a bulk insert and a sorted scan of 40 MB, which no longer fit, took about 1.3× and 1.4× longer. 8 MB would save 8 MB more; max_connections 100 → 5 only 2 MB (not set). maintenance_work_mem is capped at 16 MB too, since WebAssembly memory grown into is never given back.",
  "- **WebAssembly kept on V8's baseline compiler (`--liftoff-only`, set by `ocpi serve` on PGlite): −50 to −70 MB.** V8's tier-up recompiles postgres's hot functions with its optimizing compiler; that code and its compilation memory stayed. Raising the tiering budget only delayed it. Point reads, writes and a start cost the same or less CPU (no optimizing compiles); CPU-heavy queries (a jsonb filter + sort over 5,000 rows) took about 1.5× longer. Embedders of createOcpiApp keep V8's default unless they run node with `--liftoff-only`.",
  "- Not reducible from here: PGlite's WebAssembly module (wire bytes and baseline code, ~22 MB), its file system bundle (~8 MB), postgres's own 13 MB in its memory, and the initial 128 MB WebAssembly memory reservation (PGlite refuses less; untouched pages cost nothing). Running from source through tsx (as the served-node section does) adds about 70 MB: compare that section's RSS with this one's only after subtracting it.",
].join('\n');
