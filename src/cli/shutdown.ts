import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';

/** Seconds `ocpi serve` gives requests, and then deliveries, in flight when told to stop. */
export const DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 10;

/** Resolves with the first SIGTERM or SIGINT the process gets. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * A graceful stop: the listeners stop accepting connections at once (idle keep-alive ones
 * are closed, requests arriving on busy ones get 503), requests in flight finish, and
 * those still running after `timeoutMs` are cut. Then the node's onClose work runs: the
 * delivery worker stops claiming and waits for its deliveries in flight (bounded by its
 * own stopTimeoutMs, which `ocpi serve` sets to the same bound) and releases the leases
 * of any it gave up on, timers stop, the store closes.
 */
export async function shutDown(
  app: FastifyInstance,
  signal: NodeJS.Signals,
  timeoutMs: number,
  clock: Clock,
): Promise<void> {
  app.log.info({ signal, timeoutMs }, 'shutting down: finishing requests and deliveries in flight');
  const cut = clock.setTimeout(() => {
    app.log.warn('requests still in flight at the shutdown bound: their connections are closed');
    app.server.closeAllConnections();
  }, timeoutMs);
  try {
    await app.close();
  } finally {
    cut.cancel();
  }
  app.log.info('stopped');
}
