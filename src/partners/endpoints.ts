import { hasInterfaceRoles } from '../model/versions.ts';
import type { Partner, PartnerEndpoint } from './types.ts';

/**
 * A partner's endpoint of a module for one interface. 2.1.1 has no roles: the module's
 * one endpoint is the partner's side of it (for a CPO pushing locations, the eMSP's).
 */
export function partnerEndpoint(
  partner: Partner,
  module: string,
  role: 'SENDER' | 'RECEIVER',
): PartnerEndpoint | undefined {
  if (!hasInterfaceRoles(partner.version)) return partner.endpoints.find((e) => e.identifier === module);
  return partner.endpoints.find((e) => e.identifier === module && e.role === role);
}
