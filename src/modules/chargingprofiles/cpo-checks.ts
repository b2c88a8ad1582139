import type { ChargingProfileResponseType } from '../../model/v230/chargingprofiles.ts';
import type { OcpiNode } from '../../node.ts';
import { isPartnerParty } from '../../partners/registry.ts';
import type { Partner } from '../../partners/types.ts';

/** A party of the calling partner, on whose behalf a profile is set. */
export interface ActingParty {
  countryCode: string;
  partyId: string;
}

/** The CPO's verdict on a profile request before the charger is asked; the acting party when ACCEPTED. */
export type SessionVerdict =
  | { result: 'ACCEPTED'; party: ActingParty }
  | { result: Exclude<ChargingProfileResponseType, 'ACCEPTED'>; message: string };

/** Sessions a profile can act on: charging, or about to. */
const LIVE = new Set(['ACTIVE', 'PENDING']);

/**
 * Whether the partner may set, get or clear the profile of one of our sessions:
 *
 * - the session must be ours (UNKNOWN_SESSION otherwise);
 * - it must belong to the partner: its cdr_token is of one of the partner's parties (the
 *   eMSP of the driver, the spec's "owner of a Token"), or the partner has a party with
 *   role SCSP (the topology where the CPO delegated smart charging to an SCSP: registering
 *   an SCSP is the CPO's contract with it, and it acts on every session). Another eMSP's
 *   session is REJECTED, as the spec's ChargingProfileResponseType says ("Session might not
 *   be from a customer of the eMSP that send this request") and as commands answer a
 *   STOP_SESSION of another party's session: session ids are no secret worth a lie.
 * - it must be ACTIVE or PENDING: a COMPLETED (or INVALID, RESERVATION) session is known but
 *   has no charging left to shape, so it is REJECTED rather than UNKNOWN_SESSION.
 */
export async function checkSession(
  node: OcpiNode,
  partner: Partner,
  sessionId: string,
): Promise<SessionVerdict> {
  const session = await node.services.sessions.getOwn(sessionId);
  if (!session) return { result: 'UNKNOWN_SESSION', message: `unknown session ${sessionId}` };
  const token = session.cdr_token;
  const party: ActingParty | undefined =
    token && isPartnerParty(partner, token.country_code, token.party_id)
      ? { countryCode: token.country_code.toUpperCase(), partyId: token.party_id.toUpperCase() }
      : partner.parties.find((p) => p.role === 'SCSP');
  if (!party) return { result: 'REJECTED', message: 'the session belongs to another party' };
  if (!LIVE.has(session.status))
    return { result: 'REJECTED', message: `the session is ${session.status}, not charging` };
  return { result: 'ACCEPTED', party: { countryCode: party.countryCode, partyId: party.partyId } };
}
