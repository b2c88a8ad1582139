import type { OutboxMessage } from '../../delivery/outbox.ts';
import { renderObject } from '../../model/objects.ts';
import type { ActiveChargingProfile } from '../../model/v230/chargingprofiles.ts';
import { hasInterfaceRoles } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { cpoRoutingHeaders } from '../commands/received-requests.ts';
import type { ActingParty } from './cpo-checks.ts';

/** A partner that set a profile on a session, and the party it set it for. */
export interface Subscriber {
  partner: Partner;
  party: ActingParty;
}

/** `{chargingprofiles_endpoint_url}{session_id}` of the partner's Sender interface, if it has one. */
function senderUrl(partner: Partner, sessionId: string): string | undefined {
  const endpoint = partner.endpoints.find((e) => e.identifier === 'chargingprofiles' && e.role === 'SENDER');
  return endpoint && `${endpoint.url.replace(/\/+$/, '')}/${encodeURIComponent(sessionId)}`;
}

/**
 * PUT {sender}/{session_id} of the new ActiveChargingProfile to each subscriber that still
 * speaks ChargingProfiles (registered, 2.2+, with a Sender endpoint), in the version it
 * speaks now. One ordering key per session: a partner gets a session's updates in order.
 */
export function activeProfilePushes(
  node: OcpiNode,
  sessionId: string,
  active: ActiveChargingProfile,
  subscribers: Subscriber[],
): OutboxMessage[] {
  const pushes: OutboxMessage[] = [];
  for (const { partner, party } of subscribers) {
    const url = senderUrl(partner, sessionId);
    if (!url || partner.status !== 'registered' || !hasInterfaceRoles(partner.version)) continue;
    pushes.push({
      partnerId: partner.id,
      orderingKey: `chargingprofiles/${sessionId}`,
      method: 'PUT',
      url,
      body: renderObject(partner.version, 'ActiveChargingProfile', active),
      kind: 'active-profile',
      ...cpoRoutingHeaders(node, partner, partner.version, party),
    });
  }
  return pushes;
}
