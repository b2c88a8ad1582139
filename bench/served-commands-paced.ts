/**
 * Commands below saturation (issue 15), on the node of bench/commands-node.ts: the load
 * generator (bench/load.ts) sends START_SESSIONs at a fixed rate on CONNECTIONS connections
 * (bench/paced-load.ts), each a new command, and the eMSP records when their results arrive.
 */
import {
  CHARGER_MS,
  collect,
  type Delivery,
  deliveries,
  deliveryCell,
  LOAD_EVSE,
  withCommandsNode,
} from './commands-node.ts';
import { type Measured, measureLoad, onServedStores, type ServedStore, WARM_UP_S } from './served-node.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Commands per second of the runs. */
const RATES = (process.env.BENCH_PACED_RATES ?? '200,500').split(',').map(Number);

/** A paced run: the node's CommandResponses and CommandResults beside the bare route's answers. */
interface PacedRun {
  rate: number;
  node: Measured;
  bare: Measured;
  results: Delivery;
}

function runOnStore(store: ServedStore): Promise<PacedRun[]> {
  return withCommandsNode(store, async ({ served, receiver, bare, onNode, onBare }) => {
    const runs: PacedRun[] = [];
    for (const rate of RATES) {
      const kind = `r${rate}`;
      const node = await measureLoad(served.pid, onNode(kind, CONNECTIONS, rate), DURATION_S);
      // The warm-up's commands and the snapshot's have their results on the way too.
      const arrived = await collect(receiver, node.nextN + (runs.length === 0 ? 1 : 0));
      const bareFigure = await measureLoad(bare.child.pid, onBare(CONNECTIONS, rate), DURATION_S);
      runs.push({
        rate,
        node,
        bare: bareFigure,
        results: deliveries(arrived, kind, node.firstN, node.nextN),
      });
    }
    return runs;
  });
}

const ms = (n: number) => n.toFixed(1);

export async function servedCommandsPacedBench(): Promise<string> {
  const runs = await onServedStores(runOnStore);
  return [
    '## Commands below saturation, at a paced rate (issue 15)',
    '',
    `The node, eMSP, Location and bare baseline of "Commands and charging profiles, measured from outside" (the simulated charger answers after ${CHARGER_MS} ms; START_SESSION on EVSE ${LOAD_EVSE}, every request a new command). Load: bench/load.ts in its own process sends the commands at a fixed rate on ${CONNECTIONS} keep-alive connections (bench/paced-load.ts), ${DURATION_S} s after a ${WARM_UP_S} s warm-up at the same rate. Open loop: each command is due at its time whatever the answers before it did, and its latency runs from then, so a slow answer also counts in the commands queued behind it (no coordinated omission; autocannon's \`overallRate\` sends each second's quota in a burst instead). The bare route gets the same paced load in the same run. CommandResult: from the moment the command was built to the moment its result's POST reached the response_url, as in that section. Generator lag: p99 of how late the load generator sent a command after it was due; it is in both the node's and the bare route's latencies. CPU µs/cmd: the server process's utime + stime per command; below saturation it includes the cost of waking an idle process for each event, which this VM makes high (see the bare route's). Target (PostgreSQL): CommandResponse p99 < 10 ms at ${CONNECTIONS} connections, result delivery p99 < 50 ms.`,
    '',
    '| store | commands/s (achieved) | CommandResponse p50 / p99 ms | bare p50 / p99 ms | CPU µs/cmd | bare CPU µs/req | CommandResult p50 / p99 ms | generator lag p99 ms, node / bare |',
    '|---|---|---|---|---|---|---|---|',
    ...runs.flatMap(({ store, result }) =>
      result.map(
        ({ rate, node, bare, results }) =>
          `| ${store.name} | ${rate} (${node.requestsPerSecond.toFixed(0)}) | ${ms(node.p50)} / ${ms(node.p99)} | ${ms(bare.p50)} / ${ms(bare.p99)} | ${node.cpuPerRequest.toFixed(0)} | ${bare.cpuPerRequest.toFixed(0)} | ${deliveryCell(results)} | ${ms(node.sendLagP99 ?? 0)} / ${ms(bare.sendLagP99 ?? 0)} |`,
      ),
    ),
    '',
  ].join('\n');
}
