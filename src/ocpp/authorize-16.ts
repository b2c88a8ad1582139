import type { Clock } from '../clock.ts';
import type { JsonObject } from '../model/json.ts';
import type { CdrToken } from '../model/v230/cdrs.ts';
import type { OcppRepository } from '../store/ocpp-repository.ts';
import type { IdTags } from './id-tags.ts';
import type { AuthorizationStatus16 } from './messages-16.ts';

/**
 * How long a RemoteStartTransaction waits for its StartTransaction: a driver has this
 * long to plug in. OCPP 1.6's ConnectionTimeOut is commonly one or two minutes; this is
 * generous, and an idTag of a remote start older than this is no longer taken for it.
 */
export const REMOTE_START_SECONDS = 600;

/** What an idTag is: its status, and what the session it starts is linked to. */
export interface IdTagDecision {
  status: AuthorizationStatus16;
  /** The START_SESSION this idTag was sent with, when it is a pending remote start. */
  commandId?: string;
  /** The Token an eMSP pushed to us that the idTag is (for a session started locally). */
  token?: CdrToken;
}

function text(object: JsonObject, field: string): string | undefined {
  const value = object[field];
  return typeof value === 'string' ? value : undefined;
}

function cdrTokenOf(token: JsonObject): CdrToken | undefined {
  const country_code = text(token, 'country_code');
  const party_id = text(token, 'party_id');
  const uid = text(token, 'uid');
  const type = text(token, 'type');
  const contract_id = text(token, 'contract_id');
  return country_code && party_id && uid && type && contract_id
    ? { country_code, party_id, uid, type, contract_id }
    : undefined;
}

/**
 * Decides the idTags chargers present (Authorize, and the idTag of a StartTransaction):
 *
 * 1. the idTag of a RemoteStartTransaction we sent that charger (on that connector, or
 *    on none named) within REMOTE_START_SECONDS: Accepted, linked to its START_SESSION;
 * 2. else a Token an eMSP pushed to us with that uid (the idTag mapped back when it
 *    stands for a long uid; the newest pushed when several eMSPs have one): `valid`
 *    false → Blocked; whitelist ALWAYS, ALLOWED or ALLOWED_OFFLINE → Accepted from our
 *    copy. OCPI wants real-time authorization first for ALLOWED_OFFLINE, and always for
 *    NEVER; the bridge does not ask the eMSP in real time yet, so ALLOWED_OFFLINE is
 *    decided as if the eMSP were unreachable (the whitelist then allows it) and NEVER is
 *    Invalid: our copy may not be used for it;
 * 3. else Invalid.
 */
export class IdTagAuthorizer {
  constructor(
    private readonly repo: OcppRepository,
    private readonly idTags: IdTags,
    private readonly clock: Clock,
  ) {}

  async decide(chargerId: string, idTag: string, connectorId?: number): Promise<IdTagDecision> {
    const since = new Date(this.clock.now() - REMOTE_START_SECONDS * 1000);
    const commandId = await this.repo.remoteStart(chargerId, idTag, since, connectorId);
    if (commandId) return { status: 'Accepted', commandId };
    const uid = await this.idTags.uidOf(idTag);
    const [token] = await this.repo.receivedTokens(uid);
    if (!token) return { status: 'Invalid' };
    if (token.valid === false) return { status: 'Blocked' };
    if (token.whitelist === 'NEVER') return { status: 'Invalid' };
    const cdrToken = cdrTokenOf(token);
    return cdrToken ? { status: 'Accepted', token: cdrToken } : { status: 'Invalid' };
  }
}
