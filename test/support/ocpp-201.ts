import type { FastifyInstance } from 'fastify';
import type { ChargerSimulatorOptions } from '../../src/ocpp/simulator.ts';
import { ChargerSimulator201 } from '../../src/ocpp/simulator-201.ts';
import { CHARGER_PASSWORD, ocppUrl } from './ocpp.ts';

/** A simulated OCPP 2.0.1 charging station for `app`'s endpoint (CP-1, two EVSEs, unless told otherwise). */
export function simulator201(
  app: FastifyInstance,
  options: Partial<ChargerSimulatorOptions> = {},
): ChargerSimulator201 {
  return new ChargerSimulator201({
    url: ocppUrl(app),
    id: 'CP-1',
    password: CHARGER_PASSWORD,
    connectors: 2,
    ...options,
  });
}

/** Sends a raw frame and gives the next frame the CSMS sends back, parsed. */
export function answerTo(sim: { rpc: ChargerSimulator201['rpc'] }, frame: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    const listener = (event: { message: Buffer | string; outbound: boolean }) => {
      if (event.outbound) return;
      sim.rpc.off('message', listener);
      resolve(JSON.parse(String(event.message)) as unknown[]);
    };
    sim.rpc.on('message', listener);
    sim.rpc.sendRaw(frame);
  });
}
