import type { DisplayText } from '../../model/v230/common.ts';
import type { Capability, Connector, EVSE, Location } from '../../model/v230/locations.ts';
import type { Session } from '../../model/v230/sessions.ts';
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
  message?: string | DisplayText[];
}

/** What the checks found of what a command names: a decision is handed these. */
export interface Found {
  location?: Location;
  evse?: EVSE;
  connector?: Connector;
  session?: Session;
}

/** The checks' verdict, and what they found on the way. */
export interface Checked {
  verdict: Verdict;
  found: Found;
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
async function checkTarget(node: OcpiNode, request: Target, capability: Capability): Promise<Checked> {
  if (request.connector_id !== undefined && request.evse_uid === undefined) {
    throw OcpiError.invalid('connector_id: given without evse_uid');
  }
  const location = await node.services.locations.getOwn(request.location_id);
  if (!location) return unknownLocation(`unknown location ${request.location_id}`, {});
  if (request.evse_uid === undefined) {
    const capable = location.evses?.some((e) => hasCapability(e, capability));
    const verdict: Verdict = capable
      ? accepted
      : { result: 'NOT_SUPPORTED', message: `no EVSE of this location is ${capability}` };
    return { verdict, found: { location } };
  }
  const evse = location.evses?.find((e) => e.uid === request.evse_uid);
  if (!evse || evse.status === 'REMOVED')
    return unknownLocation(`unknown EVSE ${request.evse_uid}`, { location });
  const connector =
    request.connector_id === undefined
      ? undefined
      : evse.connectors.find((c) => c.id === request.connector_id);
  if (request.connector_id !== undefined && !connector)
    return unknownLocation(`unknown connector ${request.connector_id}`, { location, evse });
  const found: Found = { location, evse, ...(connector ? { connector } : {}) };
  if (!hasCapability(evse, capability))
    return {
      verdict: { result: 'NOT_SUPPORTED', message: `EVSE ${request.evse_uid} is not ${capability}` },
      found,
    };
  return { verdict: accepted, found };
}

function unknownLocation(message: string, found: Found): Checked {
  return { verdict: { result: 'REJECTED', statusCode: OcpiStatus.UNKNOWN_LOCATION, message }, found };
}

/** The checks the CPO makes before it hands a command to the charger. */
export async function checkCommand(
  node: OcpiNode,
  partner: Partner,
  received: ReceivedCommand,
  withRoles: boolean,
): Promise<Checked> {
  // An eMSP may only use its own tokens (2.1.1 tokens carry no owner).
  const tokenCheck = (token: unknown): Checked | undefined =>
    withRoles && !partnerOwns(partner, token)
      ? {
          verdict: { result: 'REJECTED', message: 'the token does not belong to the requesting party' },
          found: {},
        }
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
      if (!session)
        return {
          verdict: { result: 'UNKNOWN_SESSION', message: `unknown session ${request.session_id}` },
          found: {},
        };
      const token = session.cdr_token ?? fieldOf(session, 'x_token');
      if (withRoles && !partnerOwns(partner, token))
        return {
          verdict: { result: 'REJECTED', message: 'the session belongs to another party' },
          found: {},
        };
      return { verdict: accepted, found: { session } };
    }
    default:
      return { verdict: accepted, found: {} };
  }
}
