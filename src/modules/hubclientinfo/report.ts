import type { OcpiNode } from '../../node.ts';
import type { HubClient, HubClientChange } from '../../partners/hubs.ts';

/**
 * Stores what a hub reported of a party behind it, and logs the status with the one
 * before. A report older than the one stored (by last_updated, as the object receivers
 * compare) is acknowledged and not applied: a late PUT cannot take a status back.
 * Returns undefined then.
 */
export async function storeReport(node: OcpiNode, client: HubClient): Promise<HubClientChange | undefined> {
  const stored = await node.hubs.get(client.partnerId, client.countryCode, client.partyId);
  if (stored && stored.lastUpdated.getTime() > client.lastUpdated.getTime()) return undefined;
  const change = await node.hubs.report(client);
  node.log.info(
    {
      hub: client.partnerId,
      party: `${change.client.countryCode}*${change.client.partyId}`,
      role: client.role,
      status: client.status,
      previous: change.previous,
    },
    'hub client status',
  );
  return change;
}
