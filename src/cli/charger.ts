import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ChargerSimulator } from '../ocpp/simulator.ts';
import { ChargerSimulator201 } from '../ocpp/simulator-201.ts';

/**
 * `ocpi charger`: a simulated OCPP 1.6 (or, with `--ocpp 2.0.1`, 2.0.1) charger connected to a node's OCPP endpoint until
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
      ocpp: { type: 'string', default: '1.6' },
    },
  });
  if (!values.id) throw new Error('--id <charger-id> is required');
  const connectors = Number(values.connectors);
  if (!Number.isInteger(connectors) || connectors < 1 || connectors > 99)
    throw new Error('--connectors: a whole number from 1 to 99');
  const meterIntervalSeconds = Number(values['meter-interval']);
  if (!Number.isInteger(meterIntervalSeconds) || meterIntervalSeconds < 1)
    throw new Error('--meter-interval: a whole number of seconds, at least 1');
  if (values.ocpp !== '1.6' && values.ocpp !== '2.0.1') throw new Error('--ocpp: 1.6 or 2.0.1');
  const Simulator = values.ocpp === '2.0.1' ? ChargerSimulator201 : ChargerSimulator;
  const simulator = new Simulator({
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
  // 1.6 transactions run on a connector, 2.0.1 ones on an EVSE.
  const where = (t: { connectorId?: number; evseId?: number }) =>
    t.evseId === undefined ? `connector ${t.connectorId}` : `EVSE ${t.evseId}`;
  simulator.on(
    'transaction-started',
    (t: { connectorId?: number; evseId?: number; transactionId: unknown; status: string }) =>
      process.stdout.write(`${where(t)}: transaction ${String(t.transactionId)} started (${t.status})\n`),
  );
  simulator.on(
    'transaction-stopped',
    (t: { connectorId?: number; evseId?: number; transactionId: unknown }) =>
      process.stdout.write(`${where(t)}: transaction ${String(t.transactionId)} stopped\n`),
  );
  simulator.on('failure', (error: unknown) => process.stderr.write(`${String(error)}\n`));
  const status = await simulator.start();
  process.stdout.write(
    `${values.id}: BootNotification ${status}; ${connectors} connector(s) Available (OCPP ${values.ocpp})\n`,
  );
  if (status !== 'Accepted') {
    await simulator.stop();
    return 1;
  }
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM'), once(simulator, 'close')]);
  await simulator.stop();
  return 0;
}
