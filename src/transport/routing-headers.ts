import type { IncomingHttpHeaders } from 'node:http';

/** The OCPI-from/to-country-code/party-id headers of 2.2 and later. */
export interface RoutingHeaders {
  from?: { countryCode: string; partyId: string };
  to?: { countryCode: string; partyId: string };
}

/** The headers of each side as Node gives them (lower case). */
const SIDES = {
  from: { country: 'ocpi-from-country-code', party: 'ocpi-from-party-id' },
  to: { country: 'ocpi-to-country-code', party: 'ocpi-to-party-id' },
} as const;

function party(
  headers: IncomingHttpHeaders,
  side: 'from' | 'to',
): { countryCode: string; partyId: string } | undefined {
  const cc = headers[SIDES[side].country];
  const pid = headers[SIDES[side].party];
  if (typeof cc !== 'string' || typeof pid !== 'string' || cc === '' || pid === '') return undefined;
  // CiString: compared case-insensitively, kept upper-case.
  return { countryCode: cc.trim().toUpperCase(), partyId: pid.trim().toUpperCase() };
}

/** Reads the routing headers; absent or half-given pairs are left out (2.1.1 partners send none). */
export function readRoutingHeaders(headers: IncomingHttpHeaders): RoutingHeaders {
  const routing: RoutingHeaders = {};
  const from = party(headers, 'from');
  const to = party(headers, 'to');
  if (from) routing.from = from;
  if (to) routing.to = to;
  return routing;
}

/** The routing header names, in the spelling we send them (and the outbox stores them) in. */
export const ROUTING_HEADER_NAMES = {
  fromCountry: 'OCPI-from-country-code',
  fromParty: 'OCPI-from-party-id',
  toCountry: 'OCPI-to-country-code',
  toParty: 'OCPI-to-party-id',
} as const;

/** Headers for a request we send: from our party, to theirs. */
export function routingHeadersFor(
  from: { countryCode: string; partyId: string },
  to: { countryCode: string; partyId: string },
) {
  return {
    [ROUTING_HEADER_NAMES.fromCountry]: from.countryCode,
    [ROUTING_HEADER_NAMES.fromParty]: from.partyId,
    [ROUTING_HEADER_NAMES.toCountry]: to.countryCode,
    [ROUTING_HEADER_NAMES.toParty]: to.partyId,
  };
}
