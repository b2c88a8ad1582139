import type { CodecContextExt } from '../../model/codecs/index.ts';
import { isJsonObject } from '../../model/json.ts';
import type { CdrToken } from '../../model/v230/cdrs.ts';
import type { ChargingPreferences, ChargingPreferencesResponse, Session } from '../../model/v230/sessions.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { Partner } from '../../partners/types.ts';
import type { CanonicalObject } from '../objects/service.ts';
import type { RenderSources } from '../objects/spec.ts';

export type { ChargingPreferences, ChargingPreferencesResponse };

/**
 * Decides what to do with a driver's charging preferences for one of our Sessions (CPO,
 * 2.2+), sent by the eMSP of the session's token. Return the answer; throw
 * `new OcpiError(2001, '…', { httpStatus: 404 })` when the EVSE is not
 * CHARGING_PREFERENCES_CAPABLE, as the spec asks.
 */
export type ChargingPreferencesHandler = (
  session: CanonicalObject,
  preferences: ChargingPreferences,
  partner: Partner,
) => ChargingPreferencesResponse | Promise<ChargingPreferencesResponse>;

/** The default: no smart charging here, so no preference can be promised. */
export const defaultChargingPreferences: ChargingPreferencesHandler = () => 'NOT_POSSIBLE';

/**
 * Who a Session or CDR is meant for: the eMSP of its token ('CC*PID' of cdr_token), the
 * only partner that is sent it and may list it.
 */
export function tokenAudience(object: CanonicalObject): string | undefined {
  const token = object.cdr_token;
  if (!isJsonObject(token) || typeof token.country_code !== 'string' || typeof token.party_id !== 'string')
    return undefined;
  return `${token.country_code}*${token.party_id}`.toUpperCase();
}

/**
 * 2.1.1 Sessions and CDRs embed the whole Location; 2.2+ keeps only its ids (Session) or a
 * CdrLocation (CDR). For a 2.1.1 partner, our own Locations are looked up so that the
 * codec can embed the real one (reduced to the session's EVSE and connector).
 */
export async function embeddedLocations(
  node: RenderSources,
  version: OcpiVersion,
  objects: CanonicalObject[],
): Promise<CodecContextExt> {
  if (version !== '2.1.1') return {};
  const ids = new Set<string>();
  for (const o of objects) {
    const id = o.location_id ?? (isJsonObject(o.cdr_location) ? o.cdr_location.id : undefined);
    if (typeof id === 'string') ids.add(id);
  }
  const found = new Map<string, CanonicalObject>();
  for (const id of ids) {
    const location = await node.services.locations.getOwn(id);
    if (location) found.set(id, location);
  }
  return found.size > 0 ? { findLocation: (id: string) => found.get(id) } : {};
}

/** Where and for whom a charger started charging, as a remote START_SESSION asked it. */
export interface ChargeStart {
  /** The charger's id of the session, which becomes the Session id. */
  id: string;
  /** The CPO party the Session belongs to: the Location's owner. */
  owner: { country_code: string; party_id: string };
  /** When charging started (DateTime). */
  start: string;
  /** The token of the START_SESSION (a Token or a CdrToken: its CdrToken fields are taken). */
  token: CdrToken;
  authorizationReference?: string;
  locationId: string;
  evseUid: string;
  connectorId: string;
  /** The currency of the connector's tariff. */
  currency: string;
}

/** The ACTIVE Session of a charge a command started, with nothing charged yet. */
export function startedSession(start: ChargeStart): Session {
  const { country_code, party_id, uid, type, contract_id } = start.token;
  return {
    country_code: start.owner.country_code,
    party_id: start.owner.party_id,
    id: start.id,
    start_date_time: start.start,
    kwh: 0,
    cdr_token: { country_code, party_id, uid, type, contract_id },
    auth_method: 'COMMAND',
    ...(start.authorizationReference ? { authorization_reference: start.authorizationReference } : {}),
    location_id: start.locationId,
    evse_uid: start.evseUid,
    connector_id: start.connectorId,
    currency: start.currency,
    status: 'ACTIVE',
    last_updated: start.start,
  };
}
