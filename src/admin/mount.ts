import Fastify, { type FastifyInstance } from 'fastify';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { ScspChargingProfiles } from '../modules/chargingprofiles/scsp-profiles.ts';
import type { EmspCommands } from '../modules/commands/emsp-commands.ts';
import type { Publisher } from '../modules/objects/publisher.ts';
import type { ObjectModuleId, ObjectModuleSpec } from '../modules/objects/spec.ts';
import type { PaymentsApi } from '../modules/payments/service.ts';
import type { OcpiNode } from '../node.ts';
import type { ChargersApi } from '../ocpp/bridge.ts';
import { ocpiTransport } from '../transport/plugin.ts';
import { answerUnrouted, listenUrl, type ServerLimits, serverOptions } from '../transport/server.ts';
import { adminValidatorCompiler } from './admin-validation.ts';
import { adminChargerRoutes } from './charger-routes.ts';
import { adminCommandRoutes } from './command-routes.ts';
import { adminHubRoutes } from './hub-routes.ts';
import { adminObjectRoutes } from './object-routes.ts';
import { adminPaymentRoutes } from './payment-routes.ts';
import { adminProfileRoutes } from './profile-routes.ts';
import { type AdminSessionCheck, adminRoutes } from './routes.ts';

/** Where the admin API listens when it has a listener of its own. */
export interface AdminListener {
  /** Default 127.0.0.1: this machine only. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

/** What the admin routes work on. */
export interface AdminParts {
  publishers: Partial<Record<ObjectModuleId, Publisher>>;
  specs: Record<ObjectModuleId, ObjectModuleSpec>;
  delivery: DeliveryWorker;
  commands: EmspCommands;
  /** ChargingProfiles' eMSP/SCSP side, for /admin/profiles. */
  profiles: ScspChargingProfiles;
  /** The OCPP bridge's chargers, for /admin/chargers. */
  chargers: ChargersApi;
  /** Payments (2.3.0), for /admin/terminals. */
  payments: PaymentsApi;
}

/** Where the admin API was mounted. */
export interface MountedAdmin {
  /** Where the API is (…/admin) once it listens. */
  url: () => string | undefined;
  /** The server it is mounted on (its own listener, or `app`): the console goes there too. */
  server: FastifyInstance;
}

/**
 * Mounts the admin API under /admin: of `app`, or of a listener of its own that opens
 * when `app` is ready (a port in use fails app.listen()) and closes before it.
 */
export async function mountAdmin(
  app: FastifyInstance,
  node: OcpiNode,
  parts: AdminParts,
  options: {
    token: string;
    listener?: AdminListener;
    limits: ServerLimits;
    /** Called with the admin listener's own server (when there is one), before its routes: hooks and root routes. */
    onListener?: (admin: FastifyInstance) => void;
    /** Lets a request in without the token (the console's session). */
    session?: AdminSessionCheck;
  },
): Promise<MountedAdmin> {
  const routes = async (scope: FastifyInstance) => {
    await ocpiTransport(scope, { authenticator: node.registry, clock: node.clock });
    scope.setValidatorCompiler(adminValidatorCompiler);
    adminRoutes(scope, node, options.token, options.session);
    adminObjectRoutes(scope, node, parts);
    adminCommandRoutes(scope, node, parts.commands, node.events);
    adminHubRoutes(scope, node);
    adminProfileRoutes(scope, node, parts.profiles);
    adminChargerRoutes(scope, parts.chargers);
    adminPaymentRoutes(scope, node, parts.payments);
  };
  const listener = options.listener;
  if (!listener) {
    await app.register(routes, { prefix: '/admin' });
    return {
      url: () => (listenUrl(app.server.address()) ? `${node.publicUrl()}/admin` : undefined),
      server: app,
    };
  }
  const admin = Fastify({ loggerInstance: app.log, ...serverOptions(options.limits, node.clock) });
  answerUnrouted(admin, node.clock);
  options.onListener?.(admin);
  await admin.register(routes, { prefix: '/admin' });
  app.addHook('onReady', async () => {
    await admin.listen({ host: listener.host ?? '127.0.0.1', port: listener.port ?? 0 });
  });
  app.addHook('preClose', async () => {
    await admin.close();
  });
  const url = () => {
    const base = listenUrl(admin.server.address());
    return base && `${base}/admin`;
  };
  return { url, server: admin };
}
