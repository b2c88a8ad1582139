import type { OcpiNode } from '../../node.ts';
import { firstPage, type PullOptions, type PullProgress, walkPages } from '../objects/pages.ts';
import { paymentsPartner, routing } from './client.ts';
import { readTerminal } from './read.ts';
import type { PaymentsStore } from './store.ts';

/**
 * Pulls a PTP partner's Terminals from its sender interface, page by page, and stores each
 * as received from it (CPO side). An invalid Terminal is skipped and counted.
 */
export async function syncTerminals(
  node: OcpiNode,
  store: PaymentsStore,
  partnerId: string,
  options: PullOptions = {},
): Promise<PullProgress> {
  const { partner, url } = await paymentsPartner(node, partnerId, 'SENDER');
  const progress: PullProgress = { pages: 0, received: 0, skipped: 0 };
  const headers = routing(node, partner, 'SENDER');
  const walk = { ...firstPage(`${url}/terminals`, options), module: 'payments', headers };
  for await (const page of walkPages(node, partner, walk)) {
    progress.pages++;
    if (page.total !== undefined) progress.total = page.total;
    for (const item of page.items) {
      try {
        await store.terminals.put(partner.id, readTerminal(item, new Date(node.clock.now())));
        progress.received++;
      } catch (err) {
        progress.skipped++;
        node.log.warn({ partner: partner.id, module: 'payments', err }, 'skipped an invalid Terminal');
      }
    }
    options.onPage?.({ ...progress });
  }
  return progress;
}
