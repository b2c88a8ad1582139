import type { EventEmitter } from 'node:events';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminValidatorCompiler } from '../admin/admin-validation.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { OcpiNode } from '../node.ts';
import { ocpiTransport } from '../transport/plugin.ts';
import { assetRoutes, BUILT_ASSETS_DIR, loadAssets } from './assets.ts';
import { ConsoleGuard } from './guard.ts';
import { listRoutes } from './list-routes.ts';
import { LiveStreams } from './live-events.ts';
import { OutboxMonitor } from './outbox-monitor.ts';
import { overviewRoutes } from './overview-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionRoutes } from './session-routes.ts';
import { ConsoleSessions, type SessionLifetime } from './sessions.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

/** The operator console (served at /console beside the admin API, when there is one). */
export interface ConsoleOptions extends SessionLifetime {
  /** Default true: the console is served wherever the admin API is. */
  enabled?: boolean;
  /** Where the built page is (default: dist/console-ui of this package, which `npm run build` writes). */
  assetsDir?: string;
  /** How often the outbox is read while a console watches, ms (default 5000). */
  sampleMs?: number;
}

/** The console of one node: let into the admin API by its sessions, mounted beside it. */
export interface OperatorConsole {
  /** For the admin API: whether a console session lets this request in (see AdminSessionCheck). */
  admits(request: FastifyRequest): boolean;
  /** Serves the console under /console of `server` (the admin API's server). */
  mount(server: FastifyInstance): Promise<void>;
}

export function createConsole(
  parts: {
    node: OcpiNode;
    delivery: DeliveryWorker;
    adminToken: string;
    /** The OCPP bridge, when the node has one: its chargers' connections go to the live stream. */
    ocppBridge?: EventEmitter | undefined;
  },
  options: ConsoleOptions = {},
): OperatorConsole {
  const { node, delivery, adminToken } = parts;
  const sessions = new ConsoleSessions(node.clock, options);
  const guard = new ConsoleGuard(sessions);
  const monitor = new OutboxMonitor(node.store.db, node.clock, {
    ...(options.sampleMs === undefined ? {} : { sampleMs: options.sampleMs }),
  });
  const streams = new LiveStreams({
    guard,
    sessions,
    monitor,
    events: node.events,
    delivery,
    clock: node.clock,
    ...(parts.ocppBridge ? { chargers: parts.ocppBridge } : {}),
  });
  return {
    admits: (request) => guard.admits(request),
    mount: async (server) => {
      const assets = loadAssets(options.assetsDir ?? BUILT_ASSETS_DIR);
      if (!assets.has('index.html'))
        node.log.warn('the console is not built (no dist/console-ui): /console says so until it is');
      await server.register(
        async (scope) => {
          securityHeaders(scope);
          assetRoutes(scope, assets);
          await scope.register(
            async (api) => {
              await ocpiTransport(api, { authenticator: node.registry, clock: node.clock });
              api.setValidatorCompiler(adminValidatorCompiler);
              api.addHook('onSend', async (_request, reply) => {
                reply.header('cache-control', 'no-store');
              });
              sessionRoutes(api, {
                adminToken,
                sessions,
                guard,
                streams,
                throttle: new SignInThrottle(node.clock),
                idleMinutes: options.idleMinutes ?? 30,
                ocppBridge: parts.ocppBridge !== undefined,
              });
              overviewRoutes(api, { node, guard, monitor });
              listRoutes(api, { node, guard });
              streams.route(api);
            },
            { prefix: '/api' },
          );
        },
        { prefix: '/console' },
      );
      let unlisten: (() => void) | undefined;
      server.addHook('onReady', async () => {
        unlisten = streams.listen();
        monitor.start();
      });
      // Before the server closes: open event streams would keep it waiting.
      server.addHook('preClose', async () => {
        monitor.stop();
        unlisten?.();
      });
    },
  };
}
