import type { Clock } from '../clock.ts';
import { hasInterfaceRoles } from '../model/versions.ts';
import type { OcpiNode } from '../node.ts';
import { partnerEndpoint } from '../partners/endpoints.ts';
import { routeTo } from '../partners/routing.ts';
import { errorMessage } from '../transport/errors.ts';

/** The AllowedType an eMSP answers a real-time authorization with. */
export type Allowed = 'ALLOWED' | 'BLOCKED' | 'EXPIRED' | 'NO_CREDIT' | 'NOT_ALLOWED';

/** What a real-time authorization came to: the eMSP's answer, or none (unreachable, no such interface). */
export type RealTimeAnswer = { allowed: Allowed } | { unreachable: string };

/** The token asked about: whose it is and which. */
export interface AskedToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: string;
}

/** Asks the eMSP of a token whether it may charge now. */
export type RealTimeAuthorizer = (token: AskedToken) => Promise<RealTimeAnswer>;

const ALLOWED: readonly Allowed[] = ['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'];
const isAllowed = (value: unknown): value is Allowed => ALLOWED.some((a) => a === value);
/** OCPI 2004, unknown token: the eMSP does not know it, so it may not charge. */
const UNKNOWN_TOKEN = 2004;

/**
 * The client of an eMSP's real-time authorization: POST {its tokens sender endpoint}/{uid}
 * /authorize (?type= in 2.2+), routed to the token's party (directly or through a hub),
 * answered within `timeoutMs` or taken as unreachable. No body (LocationReferences is
 * optional). An eMSP that answers 2004 (unknown token) is NOT_ALLOWED; any other failure,
 * HTTP error or malformed answer is unreachable: the token's whitelist decides then.
 */
export function realTimeAuthorizer(
  node: Pick<OcpiNode, 'registry' | 'hubs' | 'http' | 'parties'>,
  clock: Clock,
  timeoutMs: number,
): RealTimeAuthorizer {
  const ask = async (token: AskedToken): Promise<RealTimeAnswer> => {
    const us = node.parties.find((p) => p.role === 'CPO');
    if (!us) return { unreachable: 'we have no CPO party' };
    const route = await routeTo(node, { countryCode: token.country_code, partyId: token.party_id }, us);
    const endpoint = route && partnerEndpoint(route.partner, 'tokens', 'SENDER');
    const secret = route && (await node.registry.outboundToken(route.partner.id));
    if (!route || !endpoint || !secret) return { unreachable: 'no tokens interface of the eMSP' };
    const query = hasInterfaceRoles(route.partner.version) ? `?type=${encodeURIComponent(token.type)}` : '';
    const url = `${endpoint.url.replace(/\/+$/, '')}/${encodeURIComponent(token.uid)}/authorize${query}`;
    const { envelope } = await node.http.call({
      method: 'POST',
      url,
      token: secret,
      encoding: route.partner.tokenEncoding,
      headers: route.headers,
    });
    if (envelope.status_code === UNKNOWN_TOKEN) return { allowed: 'NOT_ALLOWED' };
    const data = envelope.data;
    const allowed = typeof data === 'object' && data !== null && 'allowed' in data ? data.allowed : undefined;
    if (envelope.status_code !== 1000 || !isAllowed(allowed))
      return { unreachable: `the eMSP answered OCPI ${envelope.status_code}` };
    return { allowed };
  };
  return (token) =>
    new Promise<RealTimeAnswer>((resolve) => {
      const timer = clock.setTimeout(() => resolve({ unreachable: 'no answer in time' }), timeoutMs);
      ask(token).then(
        (answer) => {
          timer.cancel();
          resolve(answer);
        },
        (error: unknown) => {
          timer.cancel();
          resolve({ unreachable: errorMessage(error) });
        },
      );
    });
}
