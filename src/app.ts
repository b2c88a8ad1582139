import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyServerOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import { mountAdmin } from './admin/mount.ts';
import { type NodeParts, ocpiApi } from './app/api.ts';
import { wireBookings } from './app/bookings.ts';
import { wireChargingProfiles } from './app/charging-profiles.ts';
import { wireCommands } from './app/commands.ts';
import { NodeMetrics } from './app/metrics.ts';
import {
  createPublishers,
  enabledModules,
  FUNCTIONAL_MODULES,
  OBJECT_SPECS,
  wholeObjectOf,
} from './app/modules.ts';
import { openNode } from './app/node.ts';
import { wireOcpp } from './app/ocpp.ts';
import { wireOperations } from './app/operations.ts';
import { checkOptions, type OcpiAppOptions } from './app/options.ts';
import { mountOcpiRoutes } from './app/routes.ts';
import { systemClock } from './clock.ts';
import { createConsole } from './console/mount.ts';
import { createDeliveryWorker } from './delivery/create.ts';
import { credentialsModule } from './modules/credentials/module.ts';
import { hubClientInfoModule } from './modules/hubclientinfo/module.ts';
import { paymentsApi } from './modules/payments/api.ts';
import { paymentsModule } from './modules/payments/module.ts';
import type { OcpiModule } from './node.ts';
import { answerUnrouted, serverOptions } from './transport/server.ts';

export type { OcpiApi } from './app/api.ts';
export type { OcpiAppOptions };

/**
 * Mounts an OCPI node into an existing Fastify app. The store it opens is closed with
 * the app; a store passed in stays the caller's to close. (Typed here: the inferred type
 * would name the `Fastify` default import, which not every consumer's resolution sees.)
 */
export const ocpiPlugin: FastifyPluginCallback<OcpiAppOptions> = fp<OcpiAppOptions>(
  async (app, options) => {
    checkOptions(options);
    // Configuration modules are always on; `options.modules` picks among the functional ones.
    const modules: OcpiModule[] = [credentialsModule];
    const metrics = new NodeMetrics();
    const { node, ownsStore } = await openNode(app, options, modules, metrics.queryTimer());
    const wake = () => delivery.wake();
    const publishers = createPublishers(node, wake);
    const delivery = createDeliveryWorker(node, {
      ...options.delivery,
      clock: node.clock,
      wholeObject: wholeObjectOf(publishers),
    });
    // The OCPP bridge's chargers take the commands, unless a gateway of the caller's does.
    const ocpp = wireOcpp(app, node, publishers, {
      callTimeoutSeconds: options.commands?.timeoutSeconds ?? 30,
      ...options.ocpp,
    });
    const gateway = options.commands?.gateway ?? ocpp.gateway;
    // The bridge refuses commands for offline chargers when its chargers are the ones asked.
    const bridgeDecides = ocpp.decider && gateway === ocpp.gateway ? [ocpp.decider] : [];
    const commands = wireCommands(
      node,
      { ...options.commands, ...(gateway ? { gateway } : {}) },
      publishers,
      wake,
      bridgeDecides,
    );
    const profiles = wireChargingProfiles(node, options, commands, wake);
    const bookings = wireBookings(node, wake, commands, publishers, options.bookings);
    modules.push(
      ...enabledModules(
        [
          hubClientInfoModule,
          ...FUNCTIONAL_MODULES,
          commands.module,
          profiles.module,
          paymentsModule,
          bookings.module,
        ],
        options.modules,
      ),
    );
    const payments = paymentsApi(node, wake);
    const parts: NodeParts = {
      node,
      publishers,
      commands,
      profiles,
      bookings,
      delivery,
      payments,
      ocpp,
      metrics,
    };
    startAndStop(app, parts, ownsStore);
    const operations = wireOperations(app, parts, options);
    await mountOcpiRoutes(app, node);
    const adminUrl = await mountAdminApi(app, parts, options, operations.onAdminListener);
    app.decorate('ocpi', ocpiApi(parts, adminUrl, options.console?.enabled ?? true));
  },
  { name: 'ocpi', fastify: '5.x' },
);

/**
 * Starts the delivery worker and resumes the commands in flight when the app is ready;
 * stops them, and closes what the node opened, when it closes.
 */
function startAndStop(app: FastifyInstance, parts: NodeParts, ownsStore: boolean): void {
  const { node, commands, profiles, bookings, delivery } = parts;
  app.addHook('onReady', async () => {
    delivery.start();
    await commands.cpo.resume();
    await profiles.cpo.resume();
    if (node.parties.some((p) => p.role === 'CPO')) {
      await bookings.evseStatus.resume();
      await bookings.noShows.resume();
    }
  });
  app.addHook('onClose', async () => {
    bookings.evseStatus.stop();
    bookings.noShows.stop();
    commands.cpo.stop();
    commands.emsp.stop();
    profiles.cpo.stop();
    profiles.scsp.stop();
    await delivery.stop();
    await node.http.close();
    if (ownsStore) await node.store.close();
  });
}

/** The admin API and the console beside it, when there is an admin token; gives where it listens. */
async function mountAdminApi(
  app: FastifyInstance,
  { node, publishers, commands, profiles, delivery, payments, ocpp }: NodeParts,
  options: OcpiAppOptions,
  onListener: (admin: FastifyInstance) => void,
): Promise<() => string | undefined> {
  if (!options.adminToken) return () => undefined;
  const consoleOn = options.console?.enabled ?? true;
  const operatorConsole = consoleOn
    ? createConsole(
        { node, delivery, adminToken: options.adminToken, ocppBridge: ocpp.bridge },
        options.console,
      )
    : undefined;
  const admin = await mountAdmin(
    app,
    node,
    {
      publishers,
      specs: OBJECT_SPECS,
      delivery,
      commands: commands.emsp,
      profiles: profiles.scsp,
      payments,
      chargers: ocpp.chargers,
    },
    {
      token: options.adminToken,
      ...(options.adminListener ? { listener: options.adminListener } : {}),
      limits: options,
      onListener,
      ...(operatorConsole ? { session: operatorConsole.admits } : {}),
    },
  );
  await operatorConsole?.mount(admin.server);
  return admin.url;
}

/** Whether the logger option is a logger of the caller's rather than options for one. */
function isLoggerInstance(logger: NonNullable<OcpiAppOptions['logger']>): logger is FastifyBaseLogger {
  return typeof logger === 'object' && 'child' in logger && typeof logger.child === 'function';
}

/** Fastify options that keep tokens out of logs. */
function loggerOption(
  logger: OcpiAppOptions['logger'],
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (logger === undefined || logger === false) return { logger: false };
  if (isLoggerInstance(logger)) return { loggerInstance: logger };
  const base = logger === true ? {} : logger;
  return {
    logger: {
      ...base,
      redact: [
        'req.headers.authorization',
        'headers.authorization',
        'req.headers.cookie',
        'headers.cookie',
        'res.headers["set-cookie"]',
        'token',
        '*.token',
      ],
    },
  };
}

/**
 * Creates a ready OCPI node: a Fastify instance with the OCPI endpoints mounted under
 * `/ocpi` (and the admin API under `/admin` when an admin token is given). Call
 * `listen()` on it; `app.ocpi` is the node's API.
 */
export async function createOcpiApp(options: OcpiAppOptions = {}): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const app = Fastify({ ...loggerOption(options.logger), ...serverOptions(options, clock) });
  answerUnrouted(app, clock);
  // The node owns this server: its root is free for /health and /ready.
  await app.register(ocpiPlugin, { ...options, operations: { healthRoutes: true, ...options.operations } });
  return app;
}
