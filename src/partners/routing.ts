import { hasInterfaceRoles } from '../model/versions.ts';
import { type RoutingHeaders, routingHeadersFor } from '../transport/routing-headers.ts';
import type { PartnersContext } from './context.ts';
import { type HubClientStatus, hubParty, isHub } from './hubs.ts';
import type { Partner } from './types.ts';

/** A party anywhere: one of ours, a partner's, or one behind a hub. */
export interface PartyRef {
  countryCode: string;
  partyId: string;
}

/**
 * How a request reaches a party: the partner platform to call (the party's own, or the hub
 * that announced it), the party named in OCPI-to, and the routing headers (none in 2.1.1).
 */
export interface Route {
  partner: Partner;
  to: PartyRef;
  headers: Record<string, string>;
  /** Set when the partner is a hub and `to` a party behind it: its status as the hub reported it. */
  hubStatus?: HubClientStatus;
}

/** 'CC*PID', upper case: the form party keys are stored in. */
export function partyKeyOf(party: PartyRef): string {
  return `${party.countryCode}*${party.partyId}`.toUpperCase();
}

/** The party of a 'CC*PID' key, or undefined when the text is no such key. */
export function parsePartyKey(key: string): PartyRef | undefined {
  const match = /^([A-Za-z]{2})\*([A-Za-z0-9]{3})$/.exec(key.trim());
  return match?.[1] && match[2]
    ? { countryCode: match[1].toUpperCase(), partyId: match[2].toUpperCase() }
    : undefined;
}

export function sameParty(a: PartyRef, b: PartyRef): boolean {
  return partyKeyOf(a) === partyKeyOf(b);
}

/** The routing headers from our party to theirs, in versions that have them. */
export function headersFor(partner: Partner, from: PartyRef, to: PartyRef): Record<string, string> {
  return hasInterfaceRoles(partner.version) ? routingHeadersFor(from, to) : {};
}

/** The party a Broadcast Push to a hub is addressed to: the hub's own (undefined for a partner that is no hub). */
export function broadcastParty(partner: Partner): PartyRef | undefined {
  return isHub(partner) ? hubParty(partner) : undefined;
}

type RouteNode = Pick<PartnersContext, 'registry' | 'hubs'>;

/**
 * Who to send to, and with which headers, to reach `to` from our party `from`: the registered
 * partner that claimed the party (a 2.3.0 hub lists the parties behind it in its roles, so it
 * may be that hub), else a registered hub that announced the party with HubClientInfo (one that
 * reports it CONNECTED first). Undefined when no partner reaches the party. The hub status is
 * given for a party behind a hub: the caller decides what OFFLINE or SUSPENDED means for it
 * (the outbox holds or dead-letters; a synchronous call is refused).
 */
export async function routeTo(node: RouteNode, to: PartyRef, from: PartyRef): Promise<Route | undefined> {
  const party = { countryCode: to.countryCode.toUpperCase(), partyId: to.partyId.toUpperCase() };
  const direct = await node.registry.findByParty(party.countryCode, party.partyId);
  if (direct?.status === 'registered') {
    const client = isHub(direct)
      ? await node.hubs.get(direct.id, party.countryCode, party.partyId)
      : undefined;
    return {
      partner: direct,
      to: party,
      headers: headersFor(direct, from, party),
      ...(client ? { hubStatus: client.status } : {}),
    };
  }
  const clients = await node.hubs.hubsOf(party.countryCode, party.partyId);
  const ordered = [...clients].sort(
    (a, b) =>
      Number(b.status === 'CONNECTED') - Number(a.status === 'CONNECTED') ||
      a.partnerId.localeCompare(b.partnerId),
  );
  for (const client of ordered) {
    const hub = await node.registry.get(client.partnerId);
    if (hub?.status === 'registered')
      return { partner: hub, to: party, headers: headersFor(hub, from, party), hubStatus: client.status };
  }
  return undefined;
}

/** Whether a request's OCPI-to names one of `parties` (true when it names none: 2.1.1, open routing). */
export function addressedTo(routing: RoutingHeaders, parties: readonly PartyRef[]): boolean {
  const to = routing.to;
  return to === undefined || parties.some((p) => sameParty(p, to));
}
