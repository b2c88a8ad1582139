/**
 * What the commands benchmarks share (issue 15): `ocpi serve` as a CPO in its own process
 * with simulated chargers (`--simulate`), an eMSP in another process
 * (bench/result-receiver.ts) registered with it, whose host the response_urls point at and
 * which records when each result arrives, and a bare Fastify process answering the node's
 * CommandResponse bytes. The load generator (bench/load.ts) runs in a third process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { exampleJson } from '../test/support/spec-fixtures.ts';
import type { LoadSpec } from './load.ts';
import { percentile } from './percentile.ts';
import { fromSource } from './processes.ts';
import { printed, type ServedStore, snapshot, startBare, startServed } from './served-node.ts';

/** The simulated charger answers REJECTED on this EVSE (no session starts: the load leaves nothing behind)… */
export const LOAD_EVSE = '3256';
/** …and ACCEPTED on this one, starting a charging session. */
export const SESSION_EVSE = '3257';
/** The simulated charger's answer delay (SimulatedGateway's default answerMs). */
export const CHARGER_MS = 20;
/** How long the results of a run may take to arrive after its last command was answered. */
export const RESULTS_GRACE_MS = 60_000;

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

export interface Receiver {
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
export function startSession(responseUrl: string, uid: string, evseUid: string): string {
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

export const now = () => performance.timeOrigin + performance.now();

/** Latency percentiles of result deliveries, and how many did not arrive. */
export interface Delivery {
  p50: number;
  p99: number;
  count: number;
  missing: number;
}

/** Result paths are /bench-results/<kind>/<n>/<sent>: the delay of each arrival with n in [from, to). */
export function deliveries(
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

/** A Delivery as the tables print it: p50 / p99 ms, and what did not arrive. */
export function deliveryCell(d: Delivery): string {
  const ms = (n: number) => n.toFixed(1);
  return `${ms(d.p50)} / ${ms(d.p99)}${d.missing > 0 ? ` (${d.missing} of ${d.count + d.missing} not arrived)` : ''}`;
}

/** Collects arrivals until `expected` of them are in, or nothing came for RESULTS_GRACE_MS. */
export async function collect(receiver: Receiver, expected: number) {
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

/** The served CPO, its eMSP and the bare baseline, started and ready for commands. */
export interface CommandsNode {
  served: Awaited<ReturnType<typeof startServed>>;
  receiver: Receiver;
  bare: Awaited<ReturnType<typeof startBare>>;
  /** The CPO's 2.2.1 version details URL. */
  details: string;
  commandUrl: URL;
  headers: Record<string, string>;
  /** Where the response_urls point: `${results}/<kind>/<n>/<sent>`. */
  results: string;
  /** A load of START_SESSIONs of kind `kind` on the node, each a new command. */
  onNode(kind: string, connections: number, rate?: number): Omit<LoadSpec, 'seconds'>;
  /** The same load on the bare route. */
  onBare(connections: number, rate?: number): Omit<LoadSpec, 'seconds'>;
}

/** Runs `run` with a CommandsNode on `store`, stopping its processes after. */
export async function withCommandsNode<T>(
  store: ServedStore,
  run: (node: CommandsNode) => Promise<T>,
): Promise<T> {
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
    const answer = await snapshot(
      commandUrl.href,
      { method: 'POST', headers, body: startSession(`${results}/x/0/0`, 'FIRST', LOAD_EVSE) },
      '/commands/START_SESSION',
    );
    bare = await startBare([answer]);
    const load = (origin: string, path: string, kind: string, connections: number, rate?: number) => ({
      origin,
      method: 'POST' as const,
      path,
      headers,
      body: startSession(`${results}/${kind}/{n}/{sent}`, `${kind}{n}`, LOAD_EVSE),
      connections,
      ...(rate === undefined ? {} : { rate }),
    });
    const bareOrigin = bare.origin;
    return await run({
      served,
      receiver,
      bare,
      details,
      commandUrl,
      headers,
      results,
      onNode: (kind, connections, rate) =>
        load(commandUrl.origin, commandUrl.pathname, kind, connections, rate),
      onBare: (connections, rate) => load(bareOrigin, '/commands/START_SESSION', 'b', connections, rate),
    });
  } finally {
    await Promise.all([served.stop(), receiver?.stop(), bare?.stop()]);
  }
}
