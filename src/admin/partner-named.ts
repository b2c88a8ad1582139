import type { OcpiNode } from '../node.ts';
import type { Partner } from '../partners/types.ts';
import { OcpiError } from '../transport/errors.ts';

/** The registered partner an operator names: 'CC*PID' (one of its parties) or its id. */
export async function partnerNamed(node: OcpiNode, who: string | undefined): Promise<Partner> {
  if (!who) throw OcpiError.invalid('partner: is required');
  const [cc, pid] = who.split('*');
  const partner = cc && pid ? await node.registry.findByParty(cc, pid) : await node.registry.get(who);
  if (!partner) throw OcpiError.invalid(`partner: no registered partner ${who}`);
  return partner;
}
