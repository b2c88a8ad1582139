import type { FastifyInstance } from 'fastify';
import { checkAdmin } from '../admin/routes.ts';
import type { ClockTimer } from '../clock.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { OcpiNode } from '../node.ts';
import { type StoreReadiness, storeReadiness } from '../store/readiness.ts';
import { collectNodeMetrics } from './metric-sources.ts';
import type { NodeMetrics } from './metrics.ts';

/** The operations surface of a node: logging of slow requests, health, readiness, metrics. */
export interface OperationsOptions {
  /**
   * Requests that take at least this many milliseconds are logged at warn (default 1000).
   * Other requests write no line below debug: per-request lines cost CPU on every call.
   */
  slowRequestMs?: number;
  /**
   * Serve `GET /health` and `GET /ready`: on the admin listener when there is one, else at
   * the root of the server. Default: true with createOcpiApp() (the node owns the server);
   * with the admin listener also under ocpiPlugin; false at the root of a Fastify app of
   * yours that mounts ocpiPlugin, whose `/health` may be its own: set it to have them there.
   */
  healthRoutes?: boolean;
}

const DEFAULT_SLOW_REQUEST_MS = 1000;
/** A store that does not answer within this long is not ready. */
const READY_TIMEOUT_MS = 5000;

/** The store's readiness, or not ready when it does not answer in time. */
async function readiness(node: OcpiNode): Promise<StoreReadiness> {
  let timer: ClockTimer | undefined;
  const late = new Promise<StoreReadiness>((resolve) => {
    timer = node.clock.setTimeout(
      () => resolve({ ready: false, reason: `store did not answer within ${READY_TIMEOUT_MS} ms` }),
      READY_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([storeReadiness(node.store.db), late]);
  } finally {
    timer?.cancel();
  }
}

/**
 * `GET /health`: the process is up and answers (200 {status:'ok'}), nothing else is asked.
 * `GET /ready`: the store answers a cheap query and has every migration of this code
 * (200 {status:'ready'}); else 503 {status:'unavailable', reason}. No authentication:
 * load balancers and orchestrators probe them; they reveal nothing of the node.
 */
function healthRoutes(instance: FastifyInstance, node: OcpiNode): void {
  const config = { ocpiAuth: 'none' as const };
  instance.get('/health', { config }, async () => ({ status: 'ok' }));
  instance.get('/ready', { config }, async (_request, reply) => {
    const state = await readiness(node);
    if (state.ready) return { status: 'ready' };
    return reply.code(503).send({ status: 'unavailable', reason: state.reason });
  });
}

/** `GET /metrics`: Prometheus text, behind the admin token (it names partners and volumes). */
function metricsRoute(instance: FastifyInstance, metrics: NodeMetrics, adminToken: string): void {
  instance.get(
    '/metrics',
    { config: { ocpiAuth: 'none' }, onRequest: async (request) => checkAdmin(request, adminToken) },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()),
  );
}

/**
 * Wires the operations surface of a node. With an admin listener, health, readiness and
 * metrics are served there (the returned `onAdminListener` mounts them), and nothing is
 * added to the OCPI server but the request timing. Without one, health and readiness go
 * to the root of the node's own server, and metrics are not served over HTTP at all (the
 * public OCPI port is no place for them): `app.ocpi.metrics` gives them to the caller.
 */
export function wireOperations(
  app: FastifyInstance,
  parts: { node: OcpiNode; delivery: DeliveryWorker; metrics: NodeMetrics },
  options: { operations?: OperationsOptions; adminToken?: string; adminListener?: unknown },
): { onAdminListener: (admin: FastifyInstance) => void } {
  const { node, delivery, metrics } = parts;
  const slowRequestMs = options.operations?.slowRequestMs ?? DEFAULT_SLOW_REQUEST_MS;
  const asked = options.operations?.healthRoutes;
  collectNodeMetrics(metrics, node.store.db, delivery, node.clock);
  metrics.observeRequests(app, slowRequestMs);
  const adminListener = options.adminToken !== undefined && options.adminListener !== undefined;
  if (asked === true && !adminListener) healthRoutes(app, node);
  return {
    onAdminListener: (admin) => {
      metrics.observeRequests(admin, slowRequestMs);
      if (asked ?? true) healthRoutes(admin, node);
      if (options.adminToken !== undefined) metricsRoute(admin, metrics, options.adminToken);
    },
  };
}
