/**
 * Commands and charging profiles, measured from outside (issue 15): `ocpi serve` as a CPO in
 * its own process with simulated chargers (`--simulate`), an eMSP in another process
 * (bench/result-receiver.ts) registered with it, whose host the response_urls point at and
 * which records when each result arrives, and a load generator in a third (bench/load.ts)
 * POSTing START_SESSIONs, each a new command. Beside it, a bare Fastify process answering the
 * node's CommandResponse bytes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import { fromSource } from './processes.ts';
import {
  type Compared,
  comparisonTable,
  type Measured,
  measureLoad,
  onServedStores,
  printed,
  type ServedStore,
  snapshot,
  startBare,
  startServed,
  WARM_UP_S,
} from './served-node.ts';
import { percentile } from './support.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LIGHT_CONNECTIONS = 10;
/** Commands sent one after another. */
const SEQUENTIAL = 200;
/** Charging profile requests sent one after another, on sessions that each take 10 a minute (the CPO's default limit). */
const PROFILE_REQUESTS = 50;
const PROFILE_SESSIONS = 5;
/** The simulated charger answers REJECTED on this EVSE (no session starts: the load leaves nothing behind)… */
const LOAD_EVSE = '3256';
/** …and ACCEPTED on this one, starting a charging session. */
const SESSION_EVSE = '3257';
/** The simulated charger's answer delay (SimulatedGateway's default answerMs). */
const CHARGER_MS = 20;
/** How long the results of a run may take to arrive after its last command was answered. */
const RESULTS_GRACE_MS = 60_000;

/** The served CPO's Location BENCH (the 2.3.0 spec example), each EVSE able to start remotely. */
async function putBenchLocation(adminUrl: string, adminToken: string): Promise<void> {
  const example = exampleJson('2.3.0', 'location_example.json') as Record<string, unknown>;
  const evses = (example.evses as Array<Record<string, unknown>>).map((e) => ({
    ...e,
    capabilities: ['REMOTE_START_STOP_CAPABLE'],
  }));
  const res = await fetch(`${adminUrl}/objects/locations?version=2.3.0`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ ...example, evses, country_code: 'NL', party_id: 'ACM', id: 'BENCH' }]),
  });
  if (!res.ok) throw new Error(`loading the Location: HTTP ${res.status} ${await res.text()}`);
}

interface Receiver {
  origin: string;
  authorization: string;
  arrivals(): Promise<Array<{ path: string; at: number }>>;
  sessions(): Promise<string[]>;
  stop(): Promise<void>;
}

/** bench/result-receiver.ts in its own process, registered with the served node. */
function startReceiver(versionsUrl: string, bootstrapToken: string): Promise<Receiver> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...fromSource(new URL('./result-receiver.ts', import.meta.url)), versionsUrl, bootstrapToken],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /receiver ready (\d+) (Token \S+)/.exec(out);
      if (!ready) return;
      child.stdout?.off('data', read);
      const origin = `http://127.0.0.1:${ready[1]}`;
      const get = async <T>(path: string) => (await (await fetch(`${origin}${path}`)).json()) as T;
      resolve({
        origin,
        authorization: ready[2] as string,
        arrivals: () => get('/bench-arrivals'),
        sessions: () => get('/bench-sessions'),
        stop,
      });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`result receiver exited with ${code}: ${out}`)));
  });
}

/** A START_SESSION of the partner's party, with a token and a response_url of its own. */
function startSession(responseUrl: string, uid: string, evseUid: string): string {
  return JSON.stringify({
    response_url: responseUrl,
    token: {
      country_code: 'DE',
      party_id: 'MSP',
      uid,
      type: 'RFID',
      contract_id: `DE-MSP-${uid}`,
      issuer: 'bench',
      valid: true,
      whitelist: 'ALLOWED',
      last_updated: '2024-01-01T00:00:00Z',
    },
    location_id: 'BENCH',
    evse_uid: evseUid,
  });
}

const now = () => performance.timeOrigin + performance.now();

/** Latency percentiles of result deliveries, and how many did not arrive. */
interface Delivery {
  p50: number;
  p99: number;
  count: number;
  missing: number;
}

/** Result paths are /bench-results/<kind>/<n>/<sent>: the delay of each arrival with n in [from, to). */
function deliveries(
  arrived: Array<{ path: string; at: number }>,
  kind: string,
  from: number,
  to: number,
): Delivery {
  const delays: number[] = [];
  for (const { path, at } of arrived) {
    const [, k, n, sent] = path.split('/').slice(1);
    if (k !== kind || Number(n) < from || Number(n) >= to) continue;
    delays.push(at - Number(sent));
  }
  return {
    p50: delays.length ? percentile(delays, 50) : Number.NaN,
    p99: delays.length ? percentile(delays, 99) : Number.NaN,
    count: delays.length,
    missing: to - from - delays.length,
  };
}

/** Collects arrivals until `expected` of them are in, or nothing came for RESULTS_GRACE_MS. */
async function collect(receiver: Receiver, expected: number) {
  const all: Array<{ path: string; at: number }> = [];
  let lastProgress = Date.now();
  while (all.length < expected && Date.now() - lastProgress < RESULTS_GRACE_MS) {
    const more = await receiver.arrivals();
    if (more.length > 0) lastProgress = Date.now();
    all.push(...more);
    if (all.length < expected) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return all;
}

interface StoreRun {
  rows: Compared[];
  /** Result delivery of the 50-connection run. */
  loaded: Delivery;
  sequentialCommands: Delivery;
  sequentialProfiles: Delivery;
}

async function runOnStore(store: ServedStore): Promise<StoreRun> {
  const served = await startServed([
    ...store.args,
    ...['--simulate', `${LOAD_EVSE}=reject`, '--simulate', `${SESSION_EVSE}=accept`],
  ]);
  let receiver: Receiver | undefined;
  let bare: Awaited<ReturnType<typeof startBare>> | undefined;
  try {
    await putBenchLocation(printed(served, 'admin URL'), printed(served, 'admin token'));
    receiver = await startReceiver(printed(served, 'versions URL'), printed(served, 'bootstrap token'));
    const details = printed(served, 'versions URL').replace(/versions$/, '2.2.1');
    const commandUrl = new URL(`${details}/receiver/commands/START_SESSION`);
    const headers = { authorization: receiver.authorization, 'content-type': 'application/json' };
    const results = `${receiver.origin}/bench-results`;

    // The CommandResponse under load: each request a new command (its own response_url and token).
    const answer = await snapshot(
      commandUrl.href,
      { method: 'POST', headers, body: startSession(`${results}/x/0/0`, 'FIRST', LOAD_EVSE) },
      '/commands/START_SESSION',
    );
    bare = await startBare([answer]);
    const loadRun = (origin: string, path: string, kind: string, connections: number) => ({
      origin,
      method: 'POST' as const,
      path,
      headers,
      body: startSession(`${results}/${kind}/{n}/{sent}`, `${kind}{n}`, LOAD_EVSE),
      connections,
    });
    const node = await measureLoad(
      served.pid,
      loadRun(commandUrl.origin, commandUrl.pathname, 'c', CONNECTIONS),
      DURATION_S,
    );
    // Every command so far (the snapshot's too) has its result on the way: all are counted.
    const loaded = deliveries(await collect(receiver, node.nextN + 1), 'c', node.firstN, node.nextN);
    const bareFigure = await measureLoad(
      bare.child.pid,
      loadRun(bare.origin, '/commands/START_SESSION', 'b', CONNECTIONS),
      DURATION_S,
    );
    const light = await measureLoad(
      served.pid,
      loadRun(commandUrl.origin, commandUrl.pathname, 'l', LIGHT_CONNECTIONS),
      DURATION_S,
    );
    await collect(receiver, light.nextN);
    const bareLight = await measureLoad(
      bare.child.pid,
      loadRun(bare.origin, '/commands/START_SESSION', 'b', LIGHT_CONNECTIONS),
      DURATION_S,
    );
    const bytes = Buffer.byteLength(startSession(`${results}/c/0/0`, 'B0', LOAD_EVSE));
    const row = (name: string, nodeFigure: Measured, bareOne: Measured): Compared => ({
      name: `${name}, ${store.name}`,
      bytes,
      node: nodeFigure,
      bare: bareOne,
    });

    // Results one at a time, the node otherwise idle: a command, then a charging profile request.
    const post = async (url: string, method: 'POST' | 'PUT', body: string) => {
      const res = await fetch(url, { method, headers, body });
      const text = await res.text();
      if (!res.ok || !/"status_code":1000/.test(text))
        throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return text;
    };
    for (let i = 0; i < SEQUENTIAL; i++)
      await post(
        commandUrl.href,
        'POST',
        startSession(`${results}/s/${i}/${now().toFixed(3)}`, `S${i}`, LOAD_EVSE),
      );
    const sequentialCommands = deliveries(await collect(receiver, SEQUENTIAL), 's', 0, SEQUENTIAL);

    for (let i = 0; i < PROFILE_SESSIONS; i++)
      await post(commandUrl.href, 'POST', startSession(`${results}/start/${i}/0`, `P${i}`, SESSION_EVSE));
    let sessions: string[] = [];
    const deadline = Date.now() + RESULTS_GRACE_MS;
    while (sessions.length < PROFILE_SESSIONS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      sessions = await receiver.sessions();
    }
    if (sessions.length < PROFILE_SESSIONS)
      throw new Error(`only ${sessions.length} of ${PROFILE_SESSIONS} sessions started`);
    await receiver.arrivals(); // the START_SESSIONs' own results
    for (let i = 0; i < PROFILE_REQUESTS; i++) {
      const session = sessions[i % sessions.length] as string;
      await post(
        `${details}/receiver/chargingprofiles/${encodeURIComponent(session)}`,
        'PUT',
        JSON.stringify({
          response_url: `${results}/p/${i}/${now().toFixed(3)}`,
          charging_profile: {
            charging_rate_unit: 'W',
            charging_profile_period: [{ start_period: 0, limit: 6000 }],
          },
        }),
      );
    }
    const sequentialProfiles = deliveries(
      await collect(receiver, PROFILE_REQUESTS),
      'p',
      0,
      PROFILE_REQUESTS,
    );
    return {
      rows: [
        row(`POST START_SESSION → CommandResponse, ${CONNECTIONS} connections`, node, bareFigure),
        row(`POST START_SESSION → CommandResponse, ${LIGHT_CONNECTIONS} connections`, light, bareLight),
      ],
      loaded,
      sequentialCommands,
      sequentialProfiles,
    };
  } finally {
    await Promise.all([served.stop(), receiver?.stop(), bare?.stop()]);
  }
}

const ms = (n: number) => n.toFixed(1);

export async function servedCommandsBench(): Promise<string> {
  const runs = await onServedStores(runOnStore);
  const delivery = (d: Delivery) =>
    `${ms(d.p50)} / ${ms(d.p99)}${d.missing > 0 ? ` (${d.missing} of ${d.count + d.missing} not arrived)` : ''}`;
  return [
    '## Commands and charging profiles, measured from outside (issue 15)',
    '',
    `\`ocpi serve --simulate ${LOAD_EVSE}=reject --simulate ${SESSION_EVSE}=accept\` (a CPO with the in-process simulated gateway, which answers after ${CHARGER_MS} ms) in its own process with the CLI's defaults (info logging, output drained through a pipe). An eMSP node in another process (bench/result-receiver.ts) registers with it by the bootstrap token; the response_urls point at that process (a host the CPO takes), which records when each result arrives. The CPO's Location BENCH (2.3.0 spec example, EVSEs remote-start capable) is loaded through the admin API first. Load: bench/load.ts in its own process, POST /ocpi/2.2.1/receiver/commands/START_SESSION on EVSE ${LOAD_EVSE}, every request a new command (its own response_url and token uid, from a counter), ${DURATION_S} s after a ${WARM_UP_S} s warm-up; every answer is checked for OCPI status 1000; each connection sends its next command when the last is answered, so ${CONNECTIONS} connections saturate the node. The node holds a partner's new commands while 100 of its CommandResults wait to be sent (\`commands.resultBacklog\`, at most 1 s each), so a saturated node takes commands as fast as their results go out. Baseline: a bare Fastify process (bench/bare-server.ts) whose POST route parses the same JSON body and answers the node's CommandResponse bytes. CPU µs/req: the server process's utime + stime over the measured run per completed request. Targets (PostgreSQL): CommandResponse p99 < 10 ms at ${CONNECTIONS} connections, result delivery p99 < 50 ms.`,
    '',
    ...comparisonTable(
      runs.flatMap((r) => r.result.rows),
      'what',
    ),
    '',
    `Result delivery, p50 / p99 ms: from the moment the eMSP's request is sent (the load generator's or the bench's wall clock when it builds the request) to the moment the result's POST reaches the response_url (the receiving process's wall clock; both read the same system clock). It includes the CommandResponse, the simulated charger's ${CHARGER_MS} ms, the CPO settling the request and writing the result's outbox row in one transaction, the delivery worker and the HTTP POST. "Under load": the results of the ${CONNECTIONS}-connection run above, while it runs. "One at a time": ${SEQUENTIAL} commands, then ${PROFILE_REQUESTS} charging profile requests, one after another, the node otherwise idle; charging profile requests are SetChargingProfile (PUT /receiver/chargingprofiles/{session_id}) on ${PROFILE_SESSIONS} sessions started on EVSE ${SESSION_EVSE} (the simulated charger accepts and holds the profile; its sessions send meter values meanwhile).`,
    '',
    '| store | CommandResult under load | CommandResult one at a time | ChargingProfileResult one at a time |',
    '|---|---|---|---|',
    ...runs.map(
      ({ store, result }) =>
        `| ${store.name} | ${delivery(result.loaded)} | ${delivery(result.sequentialCommands)} | ${delivery(result.sequentialProfiles)} |`,
    ),
    '',
  ].join('\n');
}
