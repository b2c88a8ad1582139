import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ChargerSimulator } from '../ocpp/simulator.ts';

/**
 * `ocpi charger`: a simulated OCPP 1.6 charger connected to a node's OCPP endpoint until
 * interrupted. It prints what it is asked and answers (accepting remote starts and stops,
 * reservations, unlocking connectors), and runs the transactions remote starts ask for,
 * with a meter reading every `--meter-interval` seconds (default 10).
 */
export async function charger(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:3000/ocpp' },
      id: { type: 'string' },
      password: { type: 'string' },
      connectors: { type: 'string', default: '1' },
      'meter-interval': { type: 'string', default: '10' },
    },
  });
  if (!values.id) throw new Error('--id <charger-id> is required');
  const connectors = Number(values.connectors);
  if (!Number.isInteger(connectors) || connectors < 1 || connectors > 99)
    throw new Error('--connectors: a whole number from 1 to 99');
  const meterIntervalSeconds = Number(values['meter-interval']);
  if (!Number.isInteger(meterIntervalSeconds) || meterIntervalSeconds < 1)
    throw new Error('--meter-interval: a whole number of seconds, at least 1');
  const simulator = new ChargerSimulator({
    url: values.url,
    id: values.id,
    connectors,
    reconnect: true,
    meterIntervalSeconds,
    ...(values.password !== undefined ? { password: values.password } : {}),
  });
  simulator.on('call', (call: { action: string; answer: string }) =>
    process.stdout.write(`${call.action}: ${call.answer}\n`),
  );
  simulator.on('transaction-started', (t: { connectorId: number; transactionId: number; status: string }) =>
    process.stdout.write(
      `connector ${t.connectorId}: transaction ${t.transactionId} started (${t.status})\n`,
    ),
  );
  simulator.on('transaction-stopped', (t: { connectorId: number; transactionId: number }) =>
    process.stdout.write(`connector ${t.connectorId}: transaction ${t.transactionId} stopped\n`),
  );
  simulator.on('failure', (error: unknown) => process.stderr.write(`${String(error)}\n`));
  const status = await simulator.start();
  process.stdout.write(`${values.id}: BootNotification ${status}; ${connectors} connector(s) Available\n`);
  if (status !== 'Accepted') {
    await simulator.stop();
    return 1;
  }
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM'), once(simulator, 'close')]);
  await simulator.stop();
  return 0;
}
