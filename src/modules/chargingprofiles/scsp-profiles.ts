import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { renderObject } from '../../model/objects.ts';
import type {
  ActiveChargingProfile,
  ActiveChargingProfileResult,
  ChargingProfile,
  ChargingProfileResult,
  ClearProfileResult,
} from '../../model/v230/chargingprofiles.ts';
import { describeIssues } from '../../model/validate.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import { isHub } from '../../partners/hubs.ts';
import { parsePartyKey, partyKeyOf, routeTo } from '../../partners/routing.ts';
import type { Partner } from '../../partners/types.ts';
import { ActiveProfileRepository } from '../../store/active-profile-repository.ts';
import { OcpiError } from '../../transport/errors.ts';
import { cpoTarget, SentRequests } from '../commands/sent-requests.ts';
import { PROFILE_REQUESTS, PROFILE_VERSIONS, type ProfileRequestName } from './names.ts';
import {
  type AnyProfileOutcome,
  checkSetChargingProfile,
  isProfileRequest,
  readActiveProfile,
  readProfileResponse,
  readProfileResult,
  type SentProfileRequest,
} from './scsp-objects.ts';

export interface ScspProfileOptions {
  /** Extra seconds to wait for a result beyond the CPO's timeout (default 5). */
  graceSeconds: number;
  /** Seconds to wait when the CPO's answer gives no timeout (default 30). */
  defaultTimeoutSeconds?: number;
}

/** session_id: a CiString(36), as the URL carries it. */
const SESSION_ID = /^[\x20-\x7e]{1,36}$/;

/** What one request adds to the URL or the body, beside its response_url. */
type RequestParts = { charging_profile: ChargingProfile } | { duration: number } | Record<string, never>;

/**
 * The eMSP/SCSP half of ChargingProfiles: setting, getting and clearing a session's
 * profile at a CPO partner, and receiving the results and active-profile updates.
 */
export class ScspChargingProfiles {
  private readonly sent: SentRequests<AnyProfileOutcome>;
  private readonly actives: ActiveProfileRepository;

  constructor(
    readonly node: OcpiNode,
    readonly options: ScspProfileOptions,
  ) {
    this.sent = new SentRequests(node);
    this.actives = new ActiveProfileRepository(node.store.db);
  }

  /** PUT {session_id}: asks the CPO to apply `profile` to the session. */
  set(
    partnerId: string,
    sessionId: string,
    profile: ChargingProfile,
  ): Promise<SentProfileRequest<ChargingProfileResult>> {
    return this.send(partnerId, sessionId, 'SET_CHARGING_PROFILE', { charging_profile: profile });
  }

  /** GET {session_id}?duration=: asks the CPO for the session's profile over the next `durationSeconds`. */
  async get(
    partnerId: string,
    sessionId: string,
    durationSeconds: number,
  ): Promise<SentProfileRequest<ActiveChargingProfileResult>> {
    if (!Number.isInteger(durationSeconds) || durationSeconds < 0)
      throw OcpiError.invalid(`duration: must be a whole number of seconds (got ${durationSeconds})`);
    return this.send(partnerId, sessionId, 'GET_ACTIVE_CHARGING_PROFILE', { duration: durationSeconds });
  }

  /** DELETE {session_id}: asks the CPO to clear the profile it applies for us. */
  clear(partnerId: string, sessionId: string): Promise<SentProfileRequest<ClearProfileResult>> {
    return this.send(partnerId, sessionId, 'CLEAR_PROFILE', {});
  }

  /**
   * The latest ActiveChargingProfile the partner pushed for its session, if any. `to` is what
   * set() took: a partner id, or a CPO party as 'CC*PID', which may be behind a hub (the
   * pushes are kept under the partner that brought them: the hub). Given a hub's id, the
   * latest push for that session id from any party behind it. Read whatever the hub
   * reports of the party now: this sends nothing.
   */
  async active(to: string, sessionId: string): Promise<ActiveChargingProfile | undefined> {
    const party = parsePartyKey(to);
    const us = this.node.parties.find((p) => p.role === 'EMSP') ?? this.node.parties[0];
    if (party) {
      const route = us ? await routeTo(this.node, party, us) : undefined;
      return route && this.actives.get({ partnerId: route.partner.id, party: partyKeyOf(party) }, sessionId);
    }
    const partner = await this.node.registry.get(to);
    // A hub's id names no one CPO: the latest push for the session from any party behind it.
    if (!partner || isHub(partner)) return partner && this.actives.latest(to, sessionId);
    const cpo = partner.parties.find((p) => p.role === 'CPO') ?? partner.parties[0];
    return cpo && this.actives.get({ partnerId: to, party: partyKeyOf(cpo) }, sessionId);
  }

  private async send(
    to: string,
    sessionId: string,
    name: ProfileRequestName,
    parts: RequestParts,
  ): Promise<SentProfileRequest<ActiveChargingProfileResult>> {
    const { partner, token, headers, party } = await cpoTarget(this.node, to);
    const endpoint = receiverOf(partner);
    if (!SESSION_ID.test(sessionId))
      throw OcpiError.invalid(`session_id: must be 1 to 36 printable ASCII characters (got ${sessionId})`);
    const version = partner.version;
    const id = randomUUID();
    const responseUrl = `${versionUrl(this.node, version)}/sender/chargingprofiles/results/${id}`;
    const request = { ...parts, response_url: responseUrl };
    let body: object | undefined;
    if ('charging_profile' in parts) {
      const checked = checkSetChargingProfile(request);
      if (!checked.ok) throw OcpiError.invalid(`invalid ChargingProfile: ${describeIssues(checked.errors)}`);
      body = renderObject(version, 'SetChargingProfile', checked.value);
    }
    const { outcome } = await this.sent.open({
      id,
      partnerId: partner.id,
      version,
      command: name,
      request: { session_id: sessionId, ...request },
      responseUrl,
      ...(party ? { party } : {}),
    });
    const query = new URLSearchParams({
      ...('duration' in parts ? { duration: String(parts.duration) } : {}),
      ...(body ? {} : { response_url: responseUrl }),
    });
    const url = `${endpoint.replace(/\/+$/, '')}/${encodeURIComponent(sessionId)}`;
    const reply = await this.sent.call(id, 'charging profile request', {
      method: PROFILE_REQUESTS[name].method,
      url: body ? url : `${url}?${query}`,
      token,
      encoding: partner.tokenEncoding,
      ...(body ? { body } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    });
    const defaultTimeout = this.options.defaultTimeoutSeconds ?? 30;
    const response = readProfileResponse(reply.envelope.data, defaultTimeout);
    if (reply.httpStatus >= 300 && response.result === 'ACCEPTED') response.result = 'REJECTED';
    this.node.log.info(
      { partner: partner.id, request: id, name, result: response.result },
      'profile request sent',
    );
    if (response.result !== 'ACCEPTED') {
      await this.sent.settle(id, { result: response.result, source: 'response' }, 'done');
    } else {
      const seconds = response.timeout + this.options.graceSeconds;
      await this.sent.awaitResult(id, seconds, { result: 'TIMEOUT', source: 'local-timeout' });
    }
    return { id, response, result: outcome };
  }

  /** POST {response_url}: the CPO's result of one of our requests, as that request expects it. */
  async resultPosted(
    request: FastifyRequest,
    version: OcpiVersion,
    id: string,
    body: unknown,
  ): Promise<void> {
    const row = await this.sent.sentTo(
      request,
      id,
      (r) => isProfileRequest(r.command),
      `charging profile request ${id}`,
    );
    const name = row.command;
    if (!isProfileRequest(name)) return; // sentTo() took only profile requests
    const outcome = readProfileResult(version, name, body);
    if (!outcome.ok)
      throw OcpiError.invalid(`invalid ${PROFILE_REQUESTS[name].result}: ${describeIssues(outcome.errors)}`);
    if ((await this.sent.receive(request, row, outcome.value)) === 'duplicate')
      request.log.info({ request: row.id }, 'duplicate profile result ignored');
  }

  /** PUT {session_id}: the CPO's update of a session's active profile; kept as the latest. */
  async activePushed(request: FastifyRequest, version: OcpiVersion, sessionId: string, body: unknown) {
    const caller = request.ocpi.caller;
    if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
    const partner = caller.partner;
    // Through a hub, `partner` is the hub seen as the CPO party behind it.
    const cpo = partner.parties.find((p) => p.role === 'CPO');
    if (!cpo) throw OcpiError.invalid('only a CPO pushes the active charging profile of its sessions');
    const active = readActiveProfile(version, body);
    if (!active.ok)
      throw OcpiError.invalid(`invalid ActiveChargingProfile: ${describeIssues(active.errors)}`);
    const owner = { partnerId: partner.id, party: partyKeyOf(cpo) };
    await this.actives.put(owner, sessionId, active.value, new Date(this.node.clock.now()));
    this.node.log.info({ partner: partner.id, session: sessionId }, 'active charging profile received');
    this.node.events.emit('received', {
      module: 'chargingprofiles',
      partnerId: partner.id,
      sessionId,
      object: active.value,
    });
  }

  stop(): void {
    this.sent.stop();
  }
}

/** The partner's ChargingProfiles receiver: a 2.2+ CPO's, or a clear error. */
function receiverOf(partner: Partner): string {
  if (!PROFILE_VERSIONS.includes(partner.version))
    throw new OcpiError(
      'OCPI_ERR_UNSUPPORTED_VERSION',
      `partner ${partner.id} speaks OCPI ${partner.version}, which has no ChargingProfiles (2.2 and later)`,
    );
  const endpoint = partnerEndpoint(partner, 'chargingprofiles', 'RECEIVER');
  if (!endpoint)
    throw new OcpiError(
      'OCPI_ERR_NO_MATCHING_ENDPOINTS',
      `partner ${partner.id} offers no chargingprofiles receiver`,
    );
  return endpoint.url;
}
