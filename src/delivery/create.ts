import type { PartnersContext } from '../partners/context.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from './worker.ts';

/** A worker wired to a node's store, registry, HTTP client and logger. */
export function createDeliveryWorker(
  node: Pick<PartnersContext, 'store' | 'registry' | 'http' | 'log' | 'hubs'>,
  options: Omit<DeliveryWorkerOptions, 'store' | 'registry' | 'http'> = {},
): DeliveryWorker {
  return new DeliveryWorker({
    log: node.log,
    ...options,
    hubs: node.hubs,
    store: node.store,
    registry: node.registry,
    http: node.http,
  });
}
