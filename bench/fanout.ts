/**
 * Push fan-out, measured from outside (issue 15): `ocpi serve` in its own process on each store,
 * 100 Locations loaded through the admin API, then 10 (and then 50) eMSPs registered through
 * the admin API: cheap node:http receivers in another process (bench/fanout-receiver.ts) that
 * answer at once and check per-object order. N EVSE status changes are then published through
 * the admin API, PUBLISHERS calls in flight (each object's changes one after the other, as a
 * user changing a charger's status would), and timed from the first publish until every
 * partner holds the newest state of every object. Changes of an object a partner is behind on
 * may be coalesced (only its newest is sent): the table gives both the changes settled per
 * second (changes × partners / seconds) and the HTTP pushes the partners actually received.
 */

import { exampleJson } from '../test/support/spec-fixtures.ts';
import type { ReceiverStats } from './fanout-receiver.ts';
import { type Child, cpuMicros, fromSource, startNode } from './processes.ts';
import { onServedStores, printed, type ServedStore, startServed } from './served-node.ts';

const CHANGES = Number(process.env.BENCH_FANOUT_CHANGES ?? 2000);
const LOCATIONS = 100;
const PUBLISHERS = Number(process.env.BENCH_FANOUT_PUBLISHERS ?? 32);
/** BENCH_FANOUT_PARTNERS=1,10 measures other steps (the text below still says 10 and 50). */
const PARTNER_STEPS = (process.env.BENCH_FANOUT_PARTNERS ?? '10,50').split(',').map(Number);
/** A fan-out that has not settled by then has failed: the bench runs unattended. */
const DEADLINE_MS = Number(process.env.BENCH_FANOUT_DEADLINE_MS ?? 10 * 60_000);

interface Admin {
  adminUrl: string;
  adminToken: string;
}

async function adminCall(admin: Admin, method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${admin.adminUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${admin.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok || !text.includes('"status_code":1000'))
    throw new Error(`${method} ${path}: ${res.status} ${text}`);
}

const locationId = (i: number) => `LOC${String(i).padStart(4, '0')}`;

async function loadLocations(admin: Admin): Promise<void> {
  const template = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  const all = Array.from({ length: LOCATIONS }, (_, i) => ({
    ...template,
    country_code: 'NL',
    party_id: 'ACM',
    id: locationId(i),
    last_updated: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
  }));
  await adminCall(admin, 'PUT', '/objects/locations?version=2.3.0', all);
}

/** Statements the node ran on its store so far (its /metrics; BEGIN and COMMIT not counted). */
async function statements(admin: Admin): Promise<number> {
  const res = await fetch(new URL('/metrics', admin.adminUrl), {
    headers: { authorization: `Bearer ${admin.adminToken}` },
  });
  let sum = 0;
  for (const line of (await res.text()).split('\n'))
    if (line.startsWith('ocpi_store_query_duration_seconds_count')) sum += Number(line.split(' ').at(-1));
  return sum;
}

async function stats(origin: string): Promise<ReceiverStats> {
  const res = await fetch(`${origin}/stats`);
  return (await res.json()) as ReceiverStats;
}

interface Figure {
  partners: number;
  seconds: number;
  settledPerSecond: number;
  pushesPerSecond: number;
  publishedPerSecond: number;
  cpuPerChange: number;
  /** Statements on the store per change published, for every partner together. */
  statementsPerChange: number;
  outOfOrder: number;
}

/**
 * Publishes CHANGES status changes of EVSE 3256 round the Locations, from `firstSecond` on
 * (their last_updated), and waits until each of the `partners` first receivers has the newest.
 */
async function fanOut(
  served: Child,
  admin: Admin,
  origin: string,
  partners: number,
  firstSecond: number,
): Promise<Omit<Figure, 'statementsPerChange'>> {
  const before = await stats(origin);
  const cpuBefore = await cpuMicros(served.pid);
  const final = new Map<string, string>();
  const stamp = (n: number) => new Date(Date.UTC(2030, 0, 1) + (firstSecond + n) * 1000).toISOString();
  const start = performance.now();
  // Publisher k owns the Locations l ≡ k (mod PUBLISHERS): an object's changes never race.
  const publisher = async (k: number) => {
    for (let n = 0; n < CHANGES; n++) {
      if ((n % LOCATIONS) % PUBLISHERS !== k) continue;
      const path = `NL/ACM/${locationId(n % LOCATIONS)}/3256`;
      await adminCall(admin, 'PATCH', `/objects/locations/${path}`, {
        status: n % 2 === 0 ? 'CHARGING' : 'AVAILABLE',
        last_updated: stamp(n),
      });
      final.set(path, stamp(n));
    }
  };
  await Promise.all(Array.from({ length: PUBLISHERS }, (_, k) => publisher(k)));
  const published = performance.now();
  let now: ReceiverStats = before;
  for (;;) {
    now = await stats(origin);
    let settled = true;
    for (let p = 0; p < partners && settled; p++)
      for (const [path, updated] of final)
        if (now.newest[`${p} ${path}`] !== updated) {
          settled = false;
          break;
        }
    if (settled) break;
    if (performance.now() - start > DEADLINE_MS)
      throw new Error(
        `fan-out to ${partners} partners not settled after ${DEADLINE_MS} ms: ${now.deliveries - before.deliveries} pushes received`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = (await cpuMicros(served.pid)) - cpuBefore;
  return {
    partners,
    seconds,
    settledPerSecond: (CHANGES * partners) / seconds,
    pushesPerSecond: (now.deliveries - before.deliveries) / seconds,
    publishedPerSecond: CHANGES / ((published - start) / 1000),
    cpuPerChange: cpu / (CHANGES * partners),
    outOfOrder: now.outOfOrder - before.outOfOrder,
  };
}

async function runOn(store: ServedStore): Promise<Figure[]> {
  const served = await startServed(store.args);
  let receivers: Child | undefined;
  try {
    const admin = { adminUrl: printed(served, 'admin URL'), adminToken: printed(served, 'admin token') };
    receivers = await startNode(
      [...fromSource(new URL('./fanout-receiver.ts', import.meta.url)), String(Math.max(...PARTNER_STEPS))],
      /receivers listening on \d+/,
      'fan-out receivers',
    );
    const origin = `http://127.0.0.1:${/receivers listening on (\d+)/.exec(receivers.head())?.[1]}`;
    // Locations first, the partners after: nothing is pushed to them before the fan-out.
    await loadLocations(admin);
    const figures: Figure[] = [];
    let registered = 0;
    for (const [step, partners] of PARTNER_STEPS.entries()) {
      for (; registered < partners; registered++)
        await adminCall(admin, 'POST', '/partners', {
          versionsUrl: `${origin}/p${registered}/versions`,
          token: `token-a-${registered}`,
        });
      const before = await statements(admin);
      const figure = await fanOut(served, admin, origin, partners, step * CHANGES);
      figures.push({ ...figure, statementsPerChange: ((await statements(admin)) - before) / CHANGES });
    }
    return figures;
  } finally {
    await Promise.all([served.stop(), receivers?.stop()]);
  }
}

const fixed = (n: number, digits = 0) => n.toFixed(digits);

export async function fanOutBench(): Promise<string> {
  const stores = (process.env.BENCH_FANOUT_STORES ?? 'PGlite,PostgreSQL').split(',');
  const runs = await onServedStores(
    runOn,
    (['PGlite', 'PostgreSQL'] as const).filter((s) => stores.includes(s)),
  );
  const rows = runs.flatMap(({ store, result }) =>
    result.map(
      (f) =>
        `| ${store.name} | ${f.partners} | ${fixed(f.seconds, 2)} | ${fixed(f.settledPerSecond)} | ${fixed(f.pushesPerSecond)} | ${fixed(f.publishedPerSecond)} | ${fixed(f.cpuPerChange, 1)} | ${fixed(f.statementsPerChange, 1)} | ${f.outOfOrder} |`,
    ),
  );
  for (const { store, result } of runs)
    for (const f of result)
      if (f.outOfOrder > 0)
        throw new Error(`${store.name}, ${f.partners} partners: ${f.outOfOrder} pushes out of order`);
  return [
    '## Push fan-out, measured from outside (issue 15)',
    '',
    `\`ocpi serve\` as in "Served node, measured from outside" (CLI defaults, run from source) on each store, ${LOCATIONS} Locations loaded through the admin API, then 10 and then 50 eMSPs registered through it: node:http receivers in one other process that answer every push with an OCPI 1000 at once and check that no object's \`last_updated\` goes back. ${CHANGES} EVSE status changes (round the ${LOCATIONS} Locations) published through the admin API, ${PUBLISHERS} calls in flight (an object's changes one after the other), timed from the first publish until every partner holds the newest state of every object. Changes settled/s: changes × partners / seconds. A partner behind on an object gets only its newest pending change (the others are coalesced), so HTTP pushes/s may be lower. CPU µs: the served process's utime + stime over the run, per change × partner, publishing included. Statements: those the node ran on its store over the run (its /metrics, BEGIN and COMMIT not counted), per change published.`,
    '',
    '| store | partners | seconds | changes settled/s | HTTP pushes/s | changes published/s | CPU µs / change × partner | statements / change | out of order |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
