import type { FastifyInstance } from 'fastify';
import type { ChargerSimulatorOptions } from '../../src/ocpp/simulator.ts';
import { ChargerSimulator201 } from '../../src/ocpp/simulator-201.ts';
import { simulatorOptions } from './ocpp.ts';

/** A simulated OCPP 2.0.1 charging station for `app`'s endpoint (CP-1, two EVSEs, unless told otherwise). */
export function simulator201(
  app: FastifyInstance,
  options: Partial<ChargerSimulatorOptions> = {},
): ChargerSimulator201 {
  return new ChargerSimulator201(simulatorOptions(app, options));
}
