import { OcpiError } from '../transport/errors.ts';
import type { RoutingHeaders } from '../transport/routing-headers.ts';
import type { PartnersContext } from './context.ts';
import { hubParty, isHub } from './hubs.ts';
import type { Authenticated } from './registry.ts';
import { addressedTo, type PartyRef, partyKeyOf, sameParty } from './routing.ts';
import type { Caller, Partner, PartnerParty } from './types.ts';

type AttributionNode = Pick<PartnersContext, 'registry' | 'hubs' | 'parties'>;

/** OCPI 4001, "unknown receiver": the status the spec has for a TO address that is not known. */
const UNKNOWN_RECEIVER = 4001;

/** A party as a PartnerParty; one known from HubClientInfo alone has no business details but its key. */
function asPartnerParty(party: PartyRef, role: string, known?: PartnerParty): PartnerParty {
  return {
    role,
    countryCode: party.countryCode.toUpperCase(),
    partyId: party.partyId.toUpperCase(),
    businessDetails: known?.businessDetails ?? { name: partyKeyOf(party) },
  };
}

/** The hub with other parties: the same platform (id, endpoints, token), seen as speaking for them. */
function withParties(hub: Partner, parties: PartnerParty[]): Partner {
  return {
    id: hub.id,
    status: hub.status,
    version: hub.version,
    versionsUrl: hub.versionsUrl,
    tokenEncoding: hub.tokenEncoding,
    parties,
    endpoints: hub.endpoints,
    createdAt: hub.createdAt,
    updatedAt: hub.updatedAt,
  };
}

/**
 * The hub as itself (no OCPI-from, or its own party there): its own party and every party
 * it announced, in its credentials roles (2.3.0) or with HubClientInfo. A Broadcast Push
 * the hub passes on comes from the hub but keeps the original owner's party in its URL, so
 * the hub writes under any party it announced.
 */
async function hubItself(node: AttributionNode, hub: Partner, own: PartyRef): Promise<Partner> {
  const parties = new Map<string, PartnerParty>();
  const first = hub.parties[0];
  parties.set(
    partyKeyOf(own),
    asPartnerParty(own, 'HUB', hub.parties.find((p) => sameParty(p, own)) ?? first),
  );
  for (const p of hub.parties) if (!parties.has(partyKeyOf(p))) parties.set(partyKeyOf(p), p);
  for (const c of await node.hubs.list(hub.id))
    if (!parties.has(partyKeyOf(c))) parties.set(partyKeyOf(c), asPartnerParty(c, c.role));
  return {
    ...withParties(hub, [...parties.values()]),
    ...(hub.hubPartyId ? { hubPartyId: hub.hubPartyId } : {}),
  };
}

/**
 * Who a request on a functional module is from, given its routing headers (2.2+):
 *
 * - From a hub, OCPI-to must name one of our parties when it is given; otherwise OCPI 4001
 *   ("unknown receiver", the spec's status for a TO address that is not known: the hub
 *   routed to a platform that does not host that party, and nothing is done with it).
 * - A request from a hub that names in OCPI-from a party the hub announced (HubClientInfo, or
 *   its 2.3.0 credentials roles) is that party's: the caller is the hub seen as that party
 *   only, so every ownership check downstream sees that party.
 * - A hub naming a party it never announced is refused with OCPI 2001 naming the headers
 *   (4xxx are the statuses of a hub's own routing failures; a sender the hub made up is an
 *   invalid parameter of the request), before anything is read or stored.
 * - A hub's request without OCPI-from, or with its own party there, is the hub's own.
 *
 * Requests of other partners are left as they are.
 */
export async function attributeCaller(
  node: AttributionNode,
  caller: Caller,
  routing: RoutingHeaders,
): Promise<Caller> {
  if (caller.kind === 'registration') return caller;
  const hub = caller.partner;
  const own = isHub(hub) ? hubParty(hub) : undefined;
  // A direct partner's OCPI-to is not read: the URL and its token say who it talks to,
  // and a sloppy header of a peer is no reason to refuse its data.
  if (!own) return caller;
  if (!addressedTo(routing, node.parties) && routing.to)
    throw new OcpiError(
      UNKNOWN_RECEIVER,
      `OCPI-to-country-code/OCPI-to-party-id: ${partyKeyOf(routing.to)} is not a party of this platform`,
    );
  const from = routing.from;
  if (!from || sameParty(from, own)) return { ...caller, partner: await hubItself(node, hub, own) };
  const client = await node.hubs.get(hub.id, from.countryCode, from.partyId);
  const listed = hub.parties.find((p) => sameParty(p, from) && p.role !== 'HUB');
  if (!client && !listed)
    throw OcpiError.invalid(
      `OCPI-from-country-code/OCPI-from-party-id: ${partyKeyOf(from)} is not a party this hub announced`,
    );
  const party = asPartnerParty(from, client?.role ?? listed?.role ?? 'OTHER', listed);
  return { ...caller, partner: withParties(hub, [party]), hub };
}

/**
 * The partner registry as the transport's authenticator, with the attribution of requests
 * that come through a hub (see attributeCaller).
 */
export class RoutedAuthenticator {
  constructor(private readonly node: AttributionNode) {}

  authenticate(header: string | undefined): Promise<Authenticated | undefined> {
    return this.node.registry.authenticate(header);
  }

  attribute(caller: Caller, routing: RoutingHeaders): Promise<Caller> {
    return attributeCaller(this.node, caller, routing);
  }
}
