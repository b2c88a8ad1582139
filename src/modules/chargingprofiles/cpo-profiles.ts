import { enqueue, type OutboxMessage } from '../../delivery/outbox.ts';
import { isJsonObject } from '../../model/json.ts';
import { renderObject } from '../../model/objects.ts';
import type {
  ActiveChargingProfile,
  ChargingProfile,
  ChargingProfileResponseType,
  ChargingProfileResultType,
} from '../../model/v230/chargingprofiles.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { ProfileSubscriberRepository } from '../../store/profile-subscriber-repository.ts';
import type { ChargerGateway, ChargerProfileRequest, GatewayReporter } from '../commands/gateway.ts';
import {
  cpoRoutingHeaders,
  type PendingRow,
  ReceivedRequests,
  type ResultBacklogOptions,
} from '../commands/received-requests.ts';
import { type ActingParty, checkSession } from './cpo-checks.ts';
import { activeProfilePushes, type Subscriber } from './cpo-pushes.ts';
import { type RateLimit, RateLimiter } from './cpo-rate-limit.ts';
import { PROFILE_REQUESTS, type ProfileRequestName } from './names.ts';

type Db = OcpiNode['store']['db'];

export interface CpoProfileOptions {
  gateway: ChargerGateway;
  /** What the gateway is handed with each request, to report back. */
  reporter: GatewayReporter;
  /** Seconds announced in ChargingProfileResponse.timeout; a REJECTED result follows after it. */
  timeoutSeconds: number;
  /** Requests per session beyond which the answer is TOO_OFTEN. */
  rateLimit: RateLimit;
  /** Called after each commit that enqueued something. */
  wake: () => void;
  /** How many of a partner's ChargingProfileResults may wait to be sent before its new requests wait. */
  resultBacklog: ResultBacklogOptions;
}

/** A request of the Receiver interface, as the routes read it. */
export type ProfileRequest =
  | { type: 'SET_CHARGING_PROFILE'; sessionId: string; responseUrl: string; profile: ChargingProfile }
  | { type: 'GET_ACTIVE_CHARGING_PROFILE'; sessionId: string; responseUrl: string; durationSeconds: number }
  | { type: 'CLEAR_PROFILE'; sessionId: string; responseUrl: string };

/** What we keep of a request in `ocpi_commands.request` to send its result and remember its setter. */
interface StoredRequest {
  session_id: string;
  party: { country_code: string; party_id: string };
  charging_profile?: ChargingProfile;
  duration?: number;
}

function isProfileRequestName(name: string): name is ProfileRequestName {
  return Object.hasOwn(PROFILE_REQUESTS, name);
}

/** The session and acting party of a request we stored (JSON we wrote from a StoredRequest). */
function storedOf(row: PendingRow): { sessionId: string; party?: ActingParty } | undefined {
  const json: unknown = JSON.parse(row.request);
  if (!isJsonObject(json) || typeof json.session_id !== 'string') return undefined;
  const party = json.party;
  return {
    sessionId: json.session_id,
    ...(isJsonObject(party) && typeof party.country_code === 'string' && typeof party.party_id === 'string'
      ? { party: { countryCode: party.country_code, partyId: party.party_id } }
      : {}),
  };
}

/**
 * The CPO half of ChargingProfiles: each accepted request is persisted (beside the commands,
 * in `ocpi_commands`), handed to the charger without waiting, and exactly one result goes to
 * its response_url through the outbox, even across restarts. A charger that does not answer
 * within the timeout gets REJECTED sent for it: ChargingProfileResultType has no TIMEOUT, and
 * UNKNOWN means "no profile matched", which a silence does not say.
 *
 * The partners that successfully set a profile on a session are remembered (the result they
 * were sent was ACCEPTED); they, and only they, get the session's ActiveChargingProfile when
 * it changes: after a SET or CLEAR the charger accepted, or when the charger reports a change
 * of its own.
 */
export class CpoChargingProfiles {
  private readonly received: ReceivedRequests;
  private readonly subscribers: ProfileSubscriberRepository;
  private readonly limiter: RateLimiter;
  /** Outcomes and changes are handled one at a time, in the order the charger reported them. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly node: OcpiNode,
    readonly options: CpoProfileOptions,
  ) {
    this.received = new ReceivedRequests(node, {
      names: Object.keys(PROFILE_REQUESTS),
      timeoutSeconds: options.timeoutSeconds,
      wake: options.wake,
      expire: (id) => this.finish(id, 'timed_out', 'REJECTED'),
      results: { kind: 'profile-result', ...options.resultBacklog },
    });
    this.subscribers = new ProfileSubscriberRepository(node.store.db);
    this.limiter = new RateLimiter(node.clock, options.rateLimit);
  }

  get timeoutSeconds(): number {
    return this.received.timeoutSeconds;
  }

  /**
   * The CPO's answer to a request: NOT_SUPPORTED without a charger that does profiles, the
   * session checks (checkSession), TOO_OFTEN over the rate limit; an ACCEPTED request is
   * persisted and handed to the charger. The same request again on the same response_url
   * within the timeout is answered ACCEPTED and executed once (it counts toward the rate
   * limit, as every request that passed the session checks does).
   */
  async request(
    partner: Partner,
    version: OcpiVersion,
    request: ProfileRequest,
  ): Promise<{ result: ChargingProfileResponseType; message?: string }> {
    const gateway = this.options.gateway;
    if (!gateway.profile)
      return { result: 'NOT_SUPPORTED', message: 'no charger gateway does smart charging' };
    const verdict = await checkSession(this.node, partner, request.sessionId);
    if (verdict.result !== 'ACCEPTED') return verdict;
    if (!this.limiter.allow(request.sessionId))
      return { result: 'TOO_OFTEN', message: `more than ${this.options.rateLimit.requests} requests` };
    const stored: StoredRequest = {
      session_id: request.sessionId,
      party: { country_code: verdict.party.countryCode, party_id: verdict.party.partyId },
      ...(request.type === 'SET_CHARGING_PROFILE' ? { charging_profile: request.profile } : {}),
      ...(request.type === 'GET_ACTIVE_CHARGING_PROFILE' ? { duration: request.durationSeconds } : {}),
    };
    const accepted = await this.received.insert({
      partner,
      version,
      command: request.type,
      request: stored,
      responseUrl: request.responseUrl,
    });
    if (!accepted) return { result: 'ACCEPTED', message: 'already accepted; executed once' };
    this.received.arm(accepted.id, accepted.deadline);
    const charger = toChargerRequest(accepted.id, request);
    Promise.resolve()
      .then(() => gateway.profile?.(charger, this.options.reporter))
      .catch((err: Error) =>
        this.node.log.error({ err, command: accepted.id }, 'charger gateway failed; REJECTED will follow'),
      );
    return { result: 'ACCEPTED' };
  }

  private run(what: string, fn: () => Promise<unknown>): void {
    this.chain = this.chain
      .then(fn)
      .catch((err: Error) => this.node.log.error({ err }, `charging profiles: ${what} failed`));
  }

  /** The charger's outcome of a profile request. */
  profileOutcome(requestId: string, result: ChargingProfileResultType, active?: ActiveChargingProfile): void {
    this.run('recording an outcome', () => this.finish(requestId, 'done', result, active));
  }

  /** The charger changed a session's active profile on its own: its setters hear of it. */
  activeProfileChanged(sessionId: string, active: ActiveChargingProfile): void {
    this.run('an active profile update', async () => {
      const session = await this.node.services.sessions.getOwn(sessionId);
      if (session?.status !== 'ACTIVE' && session?.status !== 'PENDING') {
        // Over (or never ours): nobody is told, and its setters are forgotten.
        await this.subscribers.remove(sessionId);
        return;
      }
      const pushes = await this.pushes(sessionId, active);
      if (pushes.length === 0) return;
      await this.node.store.db.transaction().execute(async (trx) => {
        for (const push of pushes) await enqueue(trx, push);
      });
      this.options.wake();
      this.node.log.info({ session: sessionId, partners: pushes.length }, 'active charging profile pushed');
    });
  }

  /** The ActiveChargingProfile PUTs to a session's setters (and `also`, who just became one). */
  private async pushes(sessionId: string, active: ActiveChargingProfile, also?: Subscriber) {
    const known = await this.subscribers.list(sessionId);
    const all: Subscriber[] = [];
    for (const s of known) {
      if (s.partner_id === also?.partner.id) continue;
      const partner = await this.node.registry.get(s.partner_id);
      if (partner) all.push({ partner, party: { countryCode: s.country_code, partyId: s.party_id } });
    }
    if (also) all.push(also);
    return activeProfilePushes(this.node, sessionId, active, all);
  }

  /**
   * Settles a request with the charger's result (or REJECTED at its deadline) and enqueues,
   * in the same transaction, its result to the response_url; an ACCEPTED SET makes its
   * partner a setter of the session, and an ACCEPTED SET or CLEAR pushes the new active
   * profile to the setters. Once: a late answer is logged and not sent.
   */
  private async finish(
    id: string,
    status: 'done' | 'timed_out',
    result: ChargingProfileResultType,
    active?: ActiveChargingProfile,
  ): Promise<boolean> {
    const sent = await this.received.settle(id, status, result, async (row, partner) => {
      const name = isProfileRequestName(row.command) ? row.command : 'SET_CHARGING_PROFILE';
      const stored = storedOf(row);
      const setter =
        name === 'SET_CHARGING_PROFILE' && result === 'ACCEPTED' && stored?.party
          ? { partner, party: stored.party }
          : undefined;
      const changed = result === 'ACCEPTED' && name !== 'GET_ACTIVE_CHARGING_PROFILE';
      const pushes = changed && active && stored ? await this.pushes(stored.sessionId, active, setter) : [];
      const message = this.resultMessage(row, partner, stored?.party, name, { result, active });
      const subscribe =
        setter && stored
          ? (trx: Db) =>
              this.subscribers.add(
                stored.sessionId,
                {
                  partner_id: partner.id,
                  country_code: setter.party.countryCode,
                  party_id: setter.party.partyId,
                },
                trx,
              )
          : undefined;
      return { messages: [message, ...pushes], ...(subscribe ? { also: subscribe } : {}) };
    });
    if (!sent && status === 'done')
      this.node.log.warn(
        { command: id, result },
        'charger answered a profile request already answered (late, after its timeout); not sent',
      );
    return sent;
  }

  /** The POST of a request's result to its response_url. */
  private resultMessage(
    row: PendingRow,
    partner: Partner,
    party: ActingParty | undefined,
    name: ProfileRequestName,
    { result, active }: { result: ChargingProfileResultType; active: ActiveChargingProfile | undefined },
  ): OutboxMessage {
    const profile = name === 'GET_ACTIVE_CHARGING_PROFILE' && result === 'ACCEPTED' && active;
    return {
      partnerId: partner.id,
      orderingKey: `chargingprofiles/results/${row.id}`,
      method: 'POST',
      url: row.response_url,
      body: renderObject(row.version, PROFILE_REQUESTS[name].result, {
        result,
        ...(profile ? { profile } : {}),
      }),
      kind: 'profile-result',
      ...cpoRoutingHeaders(this.node, partner, row.version, party),
    };
  }

  /** After a restart: results for what expired while we were down, timers for the rest. */
  async resume(): Promise<void> {
    await this.received.resume();
  }

  /** Resolves when every outcome and change reported so far has been handled. */
  idle(): Promise<unknown> {
    return this.chain;
  }

  stop(): void {
    this.received.stop();
  }
}

function toChargerRequest(requestId: string, request: ProfileRequest): ChargerProfileRequest {
  const { sessionId } = request;
  switch (request.type) {
    case 'SET_CHARGING_PROFILE':
      return { type: request.type, requestId, sessionId, profile: request.profile };
    case 'GET_ACTIVE_CHARGING_PROFILE':
      return { type: request.type, requestId, sessionId, durationSeconds: request.durationSeconds };
    case 'CLEAR_PROFILE':
      return { type: request.type, requestId, sessionId };
  }
}
