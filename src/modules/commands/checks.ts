import type { OcpiNode } from '../../node.ts';
import { isPartnerParty } from '../../partners/registry.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import type { CanonicalObject } from '../objects/service.ts';

/** The CPO's synchronous verdict (CommandResponseType), with the OCPI status to answer with. */
export interface Verdict {
  result: 'ACCEPTED' | 'REJECTED' | 'NOT_SUPPORTED' | 'UNKNOWN_SESSION';
  statusCode?: number;
  message?: string;
}

type Json = Record<string, unknown>;

const accepted: Verdict = { result: 'ACCEPTED' };

function evseOf(location: CanonicalObject, uid: unknown): Json | undefined {
  return (location.evses as Json[] | undefined)?.find((e) => e.uid === uid);
}

function hasCapability(evse: Json | undefined, capability: string): boolean {
  return Array.isArray(evse?.capabilities) && (evse.capabilities as string[]).includes(capability);
}

function partnerOwns(partner: Partner, object: Json | undefined): boolean {
  return isPartnerParty(partner, String(object?.country_code ?? ''), String(object?.party_id ?? ''));
}

/**
 * Where a command points: the Location (one of ours), and the EVSE and Connector when
 * given, with the capability the command needs. Unknown location → 2003 + REJECTED.
 */
async function checkTarget(node: OcpiNode, request: Json, capability: string | undefined): Promise<Verdict> {
  if (request.connector_id !== undefined && request.evse_uid === undefined) {
    throw OcpiError.invalid('connector_id: given without evse_uid');
  }
  const location = await node.services.locations.getOwn(String(request.location_id));
  if (!location)
    return {
      result: 'REJECTED',
      statusCode: OcpiStatus.UNKNOWN_LOCATION,
      message: `unknown location ${request.location_id}`,
    };
  if (request.evse_uid === undefined) {
    const capable = (location.evses as Json[] | undefined)?.some(
      (e) => !capability || hasCapability(e, capability),
    );
    return capable
      ? accepted
      : { result: 'NOT_SUPPORTED', message: `no EVSE of this location is ${capability}` };
  }
  const evse = evseOf(location, request.evse_uid);
  if (!evse || evse.status === 'REMOVED')
    return {
      result: 'REJECTED',
      statusCode: OcpiStatus.UNKNOWN_LOCATION,
      message: `unknown EVSE ${request.evse_uid}`,
    };
  if (
    request.connector_id !== undefined &&
    !(evse.connectors as Json[]).some((c) => c.id === request.connector_id)
  ) {
    return {
      result: 'REJECTED',
      statusCode: OcpiStatus.UNKNOWN_LOCATION,
      message: `unknown connector ${request.connector_id}`,
    };
  }
  if (capability && !hasCapability(evse, capability))
    return { result: 'NOT_SUPPORTED', message: `EVSE ${request.evse_uid} is not ${capability}` };
  return accepted;
}

/** The checks the CPO makes before it hands a command to the charger. */
export async function checkCommand(
  node: OcpiNode,
  partner: Partner,
  command: string,
  request: Json,
  withRoles: boolean,
): Promise<Verdict> {
  // An eMSP may only use its own tokens (2.1.1 tokens carry no owner).
  const tokenCheck = (): Verdict | undefined =>
    withRoles && !partnerOwns(partner, request.token as Json)
      ? { result: 'REJECTED', message: 'the token does not belong to the requesting party' }
      : undefined;
  switch (command) {
    case 'START_SESSION':
      return tokenCheck() ?? checkTarget(node, request, 'REMOTE_START_STOP_CAPABLE');
    case 'RESERVE_NOW': {
      const expiry = Date.parse(String(request.expiry_date));
      if (!(expiry > node.clock.now())) throw OcpiError.invalid('expiry_date: is in the past');
      return tokenCheck() ?? checkTarget(node, request, 'RESERVABLE');
    }
    case 'UNLOCK_CONNECTOR':
      return checkTarget(node, request, 'UNLOCK_CAPABLE');
    case 'STOP_SESSION': {
      const session = await node.services.sessions?.getOwn(String(request.session_id));
      if (!session) return { result: 'UNKNOWN_SESSION', message: `unknown session ${request.session_id}` };
      const token = (session.cdr_token ?? session.x_token) as Json | undefined;
      if (withRoles && !partnerOwns(partner, token))
        return { result: 'REJECTED', message: 'the session belongs to another party' };
      return accepted;
    }
    default:
      return accepted;
  }
}
