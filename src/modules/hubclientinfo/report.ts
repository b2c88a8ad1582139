import type { OcpiNode } from '../../node.ts';
import type { HubClient, HubClientChange } from '../../partners/hubs.ts';

/** Stores what a hub reported of a party behind it, and logs the status with the one before. */
export async function storeReport(node: OcpiNode, client: HubClient): Promise<HubClientChange> {
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
