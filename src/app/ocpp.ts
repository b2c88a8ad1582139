import type { FastifyInstance } from 'fastify';
import type { OcpiNode } from '../node.ts';
import { createOcpp, type Ocpp, type OcppOptions } from '../ocpp/bridge.ts';
import type { Publishers } from './modules.ts';

export type { Ocpp };

/**
 * The OCPP bridge of a node: the charger registry always (app.ocpi.chargers, the admin
 * API), the endpoint on the app's own HTTP server only with `ocpp.enabled`. Its
 * connections close before the server does, and their last writes land before the store
 * closes.
 */
export function wireOcpp(
  app: FastifyInstance,
  node: OcpiNode,
  publishers: Publishers,
  options: OcppOptions | undefined,
): Ocpp {
  const ocpp = createOcpp(node, publishers.locations, options);
  if (ocpp.bridge) {
    ocpp.attach(app.server);
    app.addHook('preClose', async () => {
      await ocpp.close();
    });
  }
  return ocpp;
}
