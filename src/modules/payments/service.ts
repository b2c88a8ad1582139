import type { Session } from '../../model/v230/sessions.ts';
import type { OcpiNode } from '../../node.ts';
import { PaymentsStore } from './store.ts';

export type { StoredActivation } from './activations.ts';
export type { Confirmation, PaymentsApi, StoredFac } from './api.ts';
export type { ReceivedFac } from './read.ts';
export type { PutOptions, StoredTerminal, TerminalAssignment, WhichPtp } from './terminals.ts';

/**
 * The invoice_reference_id of our CDR of a Session (CPO side), or undefined for none. The
 * rule: the Session was started by a PTP partner (its token's party is a PTP party of a
 * registered partner), it has an authorization_reference, and a Terminal that partner posted
 * to us, and not deactivated, is assigned to the Session's Location (location_ids) or EVSE (evse_uids) and says
 * invoice_creator CPO. Then the CPO issues the invoice, found at invoice_base_url +
 * authorization_reference, so the reference is the authorization_reference (CiString 36,
 * within invoice_reference_id's 39). Otherwise the PTP invoices and the CDR carries none,
 * which tells the PTP so (Payments, Transaction flow).
 */
export async function invoiceReferenceFor(node: OcpiNode, session: Session): Promise<string | undefined> {
  const reference = session.authorization_reference;
  if (!reference) return undefined;
  const { country_code, party_id } = session.cdr_token;
  const partner = await node.registry.findByParty(country_code, party_id);
  const isPtp = partner?.parties.some(
    (p) =>
      p.role === 'PTP' &&
      p.countryCode.toUpperCase() === country_code.toUpperCase() &&
      p.partyId.toUpperCase() === party_id.toUpperCase(),
  );
  if (!partner || !isPtp) return undefined;
  // A Terminal we deactivated serves no longer.
  const { items } = await new PaymentsStore(node.store.db).terminals.list({
    partnerId: partner.id,
    active: true,
  });
  const serving = items.find(
    ({ object: terminal }) =>
      terminal.invoice_creator === 'CPO' &&
      ((terminal.location_ids ?? []).includes(session.location_id) ||
        (terminal.evse_uids ?? []).includes(session.evse_uid)),
  );
  return serving ? reference : undefined;
}
