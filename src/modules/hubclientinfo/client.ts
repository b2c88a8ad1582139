import { hasInterfaceRoles } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import { isHub } from '../../partners/hubs.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { firstPage, type PullOptions, type PullProgress, walkPages } from '../objects/pages.ts';
import { parseClientInfo } from './client-info.ts';
import { storeReport } from './report.ts';

/**
 * Pulls a hub's ClientInfo list from its sender interface, page by page, and stores each
 * (the hub's answer is its whole list; what it leaves out stays as it was). An invalid
 * ClientInfo is skipped and counted. Configuration modules carry no routing headers.
 */
export async function syncHubClients(
  node: OcpiNode,
  partnerId: string,
  options: PullOptions = {},
): Promise<PullProgress> {
  const { partner } = await node.registry.registered(partnerId);
  if (!isHub(partner))
    throw OcpiError.invalid(`partner ${partnerId} is not a hub: it has no ClientInfo list to pull`);
  const endpoint = hasInterfaceRoles(partner.version)
    ? partnerEndpoint(partner, 'hubclientinfo', 'SENDER')
    : undefined;
  if (!endpoint)
    throw new OcpiError(OcpiStatus.NO_MATCHING_ENDPOINTS, 'the hub offers no hubclientinfo sender endpoint');
  const progress: PullProgress = { pages: 0, received: 0, skipped: 0 };
  const walk = { ...firstPage(endpoint.url, options), module: 'hubclientinfo' };
  for await (const page of walkPages(node, partner, walk)) {
    progress.pages++;
    if (page.total !== undefined) progress.total = page.total;
    for (const item of page.items) {
      const read = parseClientInfo(partner.version, item);
      if ('problems' in read) {
        progress.skipped++;
        node.log.warn(
          { partner: partner.id, module: 'hubclientinfo', problems: read.problems },
          'skipped an invalid object',
        );
        continue;
      }
      await storeReport(node, { ...read.client, partnerId: partner.id });
      progress.received++;
    }
    options.onPage?.({ ...progress });
  }
  return progress;
}
