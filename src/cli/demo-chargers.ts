import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Location } from '../model/v230/locations.ts';
import { ChargerSimulator } from '../ocpp/simulator.ts';

/** The simulated chargers of a demo CPO, connected to its own OCPP endpoint. */
export interface DemoChargers {
  readonly simulators: readonly ChargerSimulator[];
  /** Disconnects them (before the node closes: their EVSEs then become UNKNOWN). */
  stop(): Promise<void>;
}

export interface DemoChargerOptions {
  clock: Clock;
  /** Seconds between meter readings while charging. */
  meterIntervalSeconds: number;
  /** Wh each reading adds when no charging profile caps it. */
  whPerReading: number;
  /** Reconnect after losing the connection (a long-running `ocpi serve --demo`). */
  reconnect?: boolean;
}

/** The node's OCPP endpoint as seen from this process: loopback when it listens on every interface. */
function ownOcppUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the node is not listening on a TCP port');
  const host =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '[::1]'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;
  return `ws://${host}:${address.port}/ocpp`;
}

/**
 * One real OCPP 1.6J charger per EVSE of `location` (`src/ocpp/simulator.ts`, over a
 * loopback websocket), each bound to its EVSE in the node's charger registry: `<id>-<n>`
 * for the n-th EVSE. A charger of that id left by an earlier start is replaced, with a new
 * password (passwords are shown only once, and these live in this process only). The node
 * must have its OCPP endpoint enabled and be listening.
 */
export async function startDemoChargers(
  app: FastifyInstance,
  location: Location,
  options: DemoChargerOptions,
): Promise<DemoChargers> {
  const url = ownOcppUrl(app);
  const simulators: ChargerSimulator[] = [];
  const stop = async () => {
    await Promise.all(simulators.map((s) => s.stop().catch(() => {})));
  };
  try {
    for (const [index, evse] of (location.evses ?? []).entries()) {
      const id = `${location.id}-CP${index + 1}`;
      await app.ocpi.chargers.remove(id);
      const added = await app.ocpi.chargers.add({ id, locationId: location.id, evses: { '1': evse.uid } });
      const simulator = new ChargerSimulator({
        url,
        id,
        password: added.password,
        connectors: 1,
        clock: options.clock,
        meterIntervalSeconds: options.meterIntervalSeconds,
        whPerReading: options.whPerReading,
        reconnect: options.reconnect ?? false,
      });
      simulators.push(simulator);
      const status = await simulator.start();
      if (status !== 'Accepted') throw new Error(`demo charger ${id}: BootNotification ${status}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { simulators, stop };
}
