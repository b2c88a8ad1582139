import { checkOutboundUrl } from '../../client/url-guard.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';

/** Which hosts a command's response_url may point to. */
export type ResponseUrlPolicy =
  /** Only hosts the partner registered: its versions URL or one of its endpoints (default). */
  | 'partner-hosts'
  /** Any host the outbound URL policy allows. */
  | 'any';

/** A partner's registered hosts, per Partner object (one is never changed, only replaced). */
const hostsOf = new WeakMap<Partner, Set<string>>();

function registeredHosts(partner: Partner): Set<string> {
  let hosts = hostsOf.get(partner);
  if (!hosts) {
    hosts = new Set(
      [partner.versionsUrl, ...partner.endpoints.map((e) => e.url)].map((u) => new URL(u).host.toLowerCase()),
    );
    hostsOf.set(partner, hosts);
  }
  return hosts;
}

/** Checks a response_url before we ever call it; a refusal is OCPI 2001 and nothing is sent. */
export function checkResponseUrl(
  node: OcpiNode,
  partner: Partner,
  value: string,
  policy: ResponseUrlPolicy,
): void {
  const url = checkOutboundUrl(value, 'response_url', node.urlPolicy);
  if (policy === 'any') return;
  const hosts = registeredHosts(partner);
  if (!hosts.has(url.host.toLowerCase())) {
    throw OcpiError.invalid(
      `response_url: host ${url.host} is not one the partner registered (${[...hosts].join(', ')})`,
    );
  }
}
