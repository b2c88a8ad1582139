/**
 * Commands and charging profiles, measured from outside (issue 15), on the node of
 * bench/commands-node.ts: the load generator (bench/load.ts) POSTs START_SESSIONs, each a new
 * command, from its own process, each connection sending its next when its last is answered;
 * then results one at a time.
 */
import {
  CHARGER_MS,
  collect,
  type Delivery,
  deliveries,
  deliveryCell,
  LOAD_EVSE,
  now,
  RESULTS_GRACE_MS,
  SESSION_EVSE,
  startSession,
  withCommandsNode,
} from './commands-node.ts';
import {
  type Compared,
  comparisonTable,
  type Measured,
  measureLoad,
  onServedStores,
  type ServedStore,
  WARM_UP_S,
} from './served-node.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LIGHT_CONNECTIONS = 10;
/** Commands sent one after another. */
const SEQUENTIAL = 200;
/** Charging profile requests sent one after another, on sessions that each take 10 a minute (the CPO's default limit). */
const PROFILE_REQUESTS = 50;
const PROFILE_SESSIONS = 5;
interface StoreRun {
  rows: Compared[];
  /** Result delivery of the 50-connection run. */
  loaded: Delivery;
  sequentialCommands: Delivery;
  sequentialProfiles: Delivery;
}

function runOnStore(store: ServedStore): Promise<StoreRun> {
  return withCommandsNode(
    store,
    async ({ served, receiver, bare, details, commandUrl, headers, results, onNode, onBare }) => {
      const node = await measureLoad(served.pid, onNode('c', CONNECTIONS), DURATION_S);
      // Every command so far (the snapshot's too) has its result on the way: all are counted.
      const loaded = deliveries(await collect(receiver, node.nextN + 1), 'c', node.firstN, node.nextN);
      const bareFigure = await measureLoad(bare.child.pid, onBare(CONNECTIONS), DURATION_S);
      const light = await measureLoad(served.pid, onNode('l', LIGHT_CONNECTIONS), DURATION_S);
      await collect(receiver, light.nextN);
      const bareLight = await measureLoad(bare.child.pid, onBare(LIGHT_CONNECTIONS), DURATION_S);
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
    },
  );
}

export async function servedCommandsBench(): Promise<string> {
  const runs = await onServedStores(runOnStore);
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
        `| ${store.name} | ${deliveryCell(result.loaded)} | ${deliveryCell(result.sequentialCommands)} | ${deliveryCell(result.sequentialProfiles)} |`,
    ),
    '',
  ].join('\n');
}
