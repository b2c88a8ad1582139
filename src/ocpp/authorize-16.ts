import type { Clock } from '../clock.ts';
import type { JsonObject } from '../model/json.ts';
import type { CdrToken } from '../model/v230/cdrs.ts';
import type { OcppRepository } from '../store/ocpp-repository.ts';
import type { IdTags } from './id-tags.ts';
import type { AuthorizationStatus16 } from './messages-16.ts';
import type { Allowed, RealTimeAuthorizer } from './realtime-auth.ts';

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

/** The OCPP 1.6 AuthorizationStatus of an eMSP's AllowedType. */
const STATUS_OF: Record<Allowed, AuthorizationStatus16> = {
  ALLOWED: 'Accepted',
  BLOCKED: 'Blocked',
  EXPIRED: 'Expired',
  NO_CREDIT: 'Invalid',
  NOT_ALLOWED: 'Invalid',
};

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
 *    false → Blocked; else by its whitelist (OCPI WhitelistType):
 *    - ALWAYS: Accepted from our copy (real-time authorization is not allowed);
 *    - ALLOWED, ALLOWED_OFFLINE, NEVER: asked of the eMSP in real time; its answer decides
 *      (ALLOWED → Accepted, BLOCKED → Blocked, EXPIRED → Expired, NO_CREDIT and
 *      NOT_ALLOWED → Invalid: OCPP 1.6 has nothing closer). When the eMSP cannot be
 *      reached in time: ALLOWED_OFFLINE is Accepted (the spec: "the CPO shall allow this
 *      Token to be used"), NEVER is Invalid (whitelisting is forbidden), and ALLOWED is
 *      Accepted too: the spec lets the CPO whitelist it ("It is allowed to whitelist the
 *      token"), so the copy we hold is a valid authority when the eMSP is silent;
 *    without a real-time client (none configured) the eMSP counts as unreachable;
 * 3. else Invalid.
 */
export class IdTagAuthorizer {
  constructor(
    private readonly repo: OcppRepository,
    private readonly idTags: IdTags,
    private readonly clock: Clock,
    private readonly realTime?: RealTimeAuthorizer,
  ) {}

  async decide(chargerId: string, idTag: string, connectorId?: number): Promise<IdTagDecision> {
    const since = new Date(this.clock.now() - REMOTE_START_SECONDS * 1000);
    const commandId = await this.repo.remoteStart(chargerId, idTag, since, connectorId);
    if (commandId) return { status: 'Accepted', commandId };
    const uid = await this.idTags.uidOf(idTag);
    const [token] = await this.repo.receivedTokens(uid);
    if (!token) return { status: 'Invalid' };
    if (token.valid === false) return { status: 'Blocked' };
    const cdrToken = cdrTokenOf(token);
    if (!cdrToken) return { status: 'Invalid' };
    const whitelist = text(token, 'whitelist') ?? 'ALLOWED';
    if (whitelist === 'ALWAYS') return { status: 'Accepted', token: cdrToken };
    const answer = this.realTime
      ? await this.realTime(cdrToken)
      : { unreachable: 'no real-time authorization configured' };
    const status =
      'allowed' in answer ? STATUS_OF[answer.allowed] : whitelist === 'NEVER' ? 'Invalid' : 'Accepted';
    return status === 'Accepted' ? { status, token: cdrToken } : { status };
  }
}
