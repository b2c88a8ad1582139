import type { Capability, EVSE } from '../../model/v230/locations.ts';
import type { OcpiNode } from '../../node.ts';
import { isPartnerParty } from '../../partners/registry.ts';
import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { type CommandResponseType, fieldOf, type ReceivedCommand } from './schema.ts';

/** The CPO's synchronous verdict (CommandResponseType), with the OCPI status to answer with. */
export interface Verdict {
  result: CommandResponseType;
  statusCode?: number;
  message?: string;
}

/** Where a command points: a Location, and maybe one of its EVSEs and connectors. */
interface Target {
  location_id: string;
  evse_uid?: string;
  connector_id?: string;
}

const accepted: Verdict = { result: 'ACCEPTED' };

function hasCapability(evse: EVSE | undefined, capability: Capability): boolean {
  return evse?.capabilities?.includes(capability) ?? false;
}

/** Whether a token (or a Session's cdr_token) belongs to one of the partner's parties. */
function partnerOwns(partner: Partner, token: unknown): boolean {
  return isPartnerParty(
    partner,
    String(fieldOf(token, 'country_code') ?? ''),
    String(fieldOf(token, 'party_id') ?? ''),
  );
}

/**
 * Where a command points: the Location (one of ours), and the EVSE and Connector when
 * given, with the capability the command needs. Unknown location → 2003 + REJECTED.
 */
async function checkTarget(node: OcpiNode, request: Target, capability: Capability): Promise<Verdict> {
  if (request.connector_id !== undefined && request.evse_uid === undefined) {
    throw OcpiError.invalid('connector_id: given without evse_uid');
  }
  const location = await node.services.locations.getOwn(request.location_id);
  if (!location)
    return {
      result: 'REJECTED',
      statusCode: OcpiStatus.UNKNOWN_LOCATION,
      message: `unknown location ${request.location_id}`,
    };
  if (request.evse_uid === undefined) {
    const capable = location.evses?.some((e) => hasCapability(e, capability));
    return capable
      ? accepted
      : { result: 'NOT_SUPPORTED', message: `no EVSE of this location is ${capability}` };
  }
  const evse = location.evses?.find((e) => e.uid === request.evse_uid);
  if (!evse || evse.status === 'REMOVED')
    return {
      result: 'REJECTED',
      statusCode: OcpiStatus.UNKNOWN_LOCATION,
      message: `unknown EVSE ${request.evse_uid}`,
    };
  if (request.connector_id !== undefined && !evse.connectors.some((c) => c.id === request.connector_id)) {
    return {
      result: 'REJECTED',
      statusCode: OcpiStatus.UNKNOWN_LOCATION,
      message: `unknown connector ${request.connector_id}`,
    };
  }
  if (!hasCapability(evse, capability))
    return { result: 'NOT_SUPPORTED', message: `EVSE ${request.evse_uid} is not ${capability}` };
  return accepted;
}

/** The checks the CPO makes before it hands a command to the charger. */
export async function checkCommand(
  node: OcpiNode,
  partner: Partner,
  received: ReceivedCommand,
  withRoles: boolean,
): Promise<Verdict> {
  // An eMSP may only use its own tokens (2.1.1 tokens carry no owner).
  const tokenCheck = (token: unknown): Verdict | undefined =>
    withRoles && !partnerOwns(partner, token)
      ? { result: 'REJECTED', message: 'the token does not belong to the requesting party' }
      : undefined;
  switch (received.command) {
    case 'START_SESSION':
      return (
        tokenCheck(received.request.token) ?? checkTarget(node, received.request, 'REMOTE_START_STOP_CAPABLE')
      );
    case 'RESERVE_NOW': {
      const { request } = received;
      const expiry = Date.parse(String(request.expiry_date));
      if (!(expiry > node.clock.now())) throw OcpiError.invalid('expiry_date: is in the past');
      return tokenCheck(request.token) ?? checkTarget(node, request, 'RESERVABLE');
    }
    case 'UNLOCK_CONNECTOR':
      return checkTarget(node, received.request, 'UNLOCK_CAPABLE');
    case 'STOP_SESSION': {
      const { request } = received;
      const session = await node.services.sessions?.getOwn(String(request.session_id));
      if (!session) return { result: 'UNKNOWN_SESSION', message: `unknown session ${request.session_id}` };
      const token = session.cdr_token ?? fieldOf(session, 'x_token');
      if (withRoles && !partnerOwns(partner, token))
        return { result: 'REJECTED', message: 'the session belongs to another party' };
      return accepted;
    }
    default:
      return accepted;
  }
}
