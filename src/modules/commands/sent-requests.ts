import type { FastifyRequest } from 'fastify';
import { type OcpiCall, type OcpiReply, PartnerCallError } from '../../client/ocpi-http.ts';
import type { ClockTimer } from '../../clock.ts';
import type { DisplayText } from '../../model/v230/common.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { headersFor, parsePartyKey, partyKeyOf, routeTo } from '../../partners/routing.ts';
import type { Partner } from '../../partners/types.ts';
import { CommandRepository, type CommandRow, type CommandStatus } from '../../store/command-repository.ts';
import { OcpiError } from '../../transport/errors.ts';

/*
 * What an eMSP (or SCSP) does for every request it sends to a CPO's receiver whose result
 * comes back later on a response_url of ours: Commands and ChargingProfiles alike. The
 * request is stored in `ocpi_commands` (direction 'sent') before the call, its outcome is a
 * promise settled exactly once (the partner's result, the partner's refusal, or our own
 * TIMEOUT after the partner's timeout plus a grace), and a result that comes late is kept.
 */

/** The DisplayTexts of a `message` a partner sent, if it sent a list. */
export function displayTexts(message: unknown): DisplayText[] | undefined {
  if (!Array.isArray(message)) return undefined;
  return message.flatMap((m: unknown) => {
    if (typeof m !== 'object' || m === null) return [];
    const language = Reflect.get(m, 'language');
    const text = Reflect.get(m, 'text');
    return typeof language === 'string' && typeof text === 'string' ? [{ language, text }] : [];
  });
}

/** The CPO a request goes to: the partner that carries it, our token there, and the headers. */
export interface CpoTarget {
  partner: Partner;
  token: string;
  /** Our eMSP party, the request's sender. */
  us: { countryCode: string; partyId: string } | undefined;
  /** Routing headers (2.2+; none in 2.1.1). */
  headers: Record<string, string>;
  /** The CPO party as 'CC*PID' when it was named so (maybe behind a hub). */
  party?: string;
}

/**
 * Where a request to a CPO goes: to a partner by its id (its CPO party), or to a CPO party
 * given as 'CC*PID', on its own platform or behind the hub that announced it. A party its
 * hub reports other than CONNECTED is not sent to (OCPI 4003, "receiving party is not
 * connected"): such a request is answered at once or not at all.
 */
export async function cpoTarget(node: OcpiNode, to: string): Promise<CpoTarget> {
  const us = node.parties.find((p) => p.role === 'EMSP') ?? node.parties[0];
  const party = parsePartyKey(to);
  if (!party) {
    const { partner, token } = await node.registry.registered(to);
    const cpo = partner.parties.find((p) => p.role === 'CPO') ?? partner.parties[0];
    const headers = us && cpo && hasInterfaceRoles(partner.version) ? headersFor(partner, us, cpo) : {};
    return { partner, token, us, headers };
  }
  const route = us && (await routeTo(node, party, us));
  if (!route) throw new OcpiError('OCPI_ERR_UNKNOWN_PARTNER', `no registered partner or hub reaches ${to}`);
  if (route.hubStatus !== undefined && route.hubStatus !== 'CONNECTED')
    throw new OcpiError(4003, `${to} is ${route.hubStatus} at its hub; the request is not sent`);
  const { partner, token } = await node.registry.registered(route.partner.id);
  return { partner, token, us, headers: route.headers, party: partyKeyOf(route.to) };
}

/** A request about to be sent, as stored. */
export interface OutgoingRequest {
  id: string;
  partnerId: string;
  version: OcpiVersion;
  /** The command, or the ChargingProfiles request (names.ts of each module). */
  command: string;
  /** The request in canonical shape, response_url included. */
  request: object;
  responseUrl: string;
  /** The CPO party as 'CC*PID' when it was named so: its result must come from it. */
  party?: string;
}

/** What became of a result a partner posted to our response_url. */
export type ResultReception = 'settled' | 'late' | 'duplicate';

/**
 * The requests one sender sent and waits for, `O` being the outcome a caller is promised.
 * Rows live in `ocpi_commands`; the promises and timers in this process.
 */
export class SentRequests<O extends { result: string }> {
  private readonly waiting = new Map<string, (outcome: O) => void>();
  private readonly timers = new Map<string, ClockTimer>();
  readonly rows: CommandRepository;

  constructor(private readonly node: OcpiNode) {
    this.rows = new CommandRepository(node.store.db);
  }

  /**
   * Stores the request before it is sent (a fast CPO may post the result before its own
   * answer reaches us), and gives the promise of its outcome.
   */
  async open(sent: OutgoingRequest): Promise<{ outcome: Promise<O> }> {
    const outcome = new Promise<O>((resolve) => this.waiting.set(sent.id, resolve));
    await this.rows.insert({
      id: sent.id,
      direction: 'sent',
      partner_id: sent.partnerId,
      version: sent.version,
      command: sent.command,
      request: JSON.stringify(sent.request),
      response_url: sent.responseUrl,
      status: 'pending',
      result: null,
      deadline: new Date(this.node.clock.now() + 3_600_000),
      party: sent.party ?? null,
    });
    return { outcome };
  }

  /**
   * Calls the partner for request `id`. A call that fails below OCPI leaves the request
   * FAILED (nobody waits for it: the caller gets the error) and throws an OcpiError.
   */
  async call(id: string, what: string, call: OcpiCall): Promise<OcpiReply> {
    try {
      return await this.node.http.call(call);
    } catch (err) {
      this.waiting.delete(id);
      await this.rows.settle(id, 'done', 'FAILED');
      if (err instanceof PartnerCallError)
        throw new OcpiError(err.code, `${what} not delivered: ${err.message}`, { cause: err });
      throw err;
    }
  }

  /** The partner took the request: waits `seconds` for its result, then settles with `timedOut`. */
  async awaitResult(id: string, seconds: number, timedOut: O): Promise<void> {
    // A fast partner may have posted the result before its answer to the request reached us.
    if (!this.waiting.has(id)) return;
    await this.rows.update(id, { deadline: new Date(this.node.clock.now() + seconds * 1000) });
    const timer = this.node.clock.setTimeout(() => {
      this.settle(id, timedOut, 'timed_out').catch(() => {});
    }, seconds * 1000);
    timer.unref();
    this.timers.set(id, timer);
  }

  /** Records an outcome once; later ones change nothing. */
  async settle(id: string, outcome: O, status: 'done' | 'timed_out'): Promise<void> {
    if (!(await this.rows.settle(id, status, outcome.result))) return;
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    this.waiting.get(id)?.(outcome);
    this.waiting.delete(id);
    this.node.events.emit('request-settled', { id, result: outcome.result });
  }

  /**
   * The row of a request we sent, for a result posted to its response_url: unknown
   * (or not `ours`) → unknown object (`unknown {name}`); sent to another partner than the
   * caller → refused.
   */
  async sentTo(
    request: FastifyRequest,
    id: string,
    ours: (row: CommandRow) => boolean,
    name: string,
  ): Promise<CommandRow> {
    const caller = request.ocpi.caller;
    if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
    const row = await this.rows.find(id, 'sent');
    if (!row || !ours(row)) throw new OcpiError('OCPI_ERR_UNKNOWN_OBJECT', `unknown ${name}`);
    // Through a hub, the result comes from the CPO party the request went to.
    const from = caller.hub ? caller.partner.parties[0] : undefined;
    if (row.partner_id !== caller.partner.id || (from && row.party && partyKeyOf(from) !== row.party))
      throw OcpiError.invalid('this request was not sent to you');
    return row;
  }

  /**
   * A result the partner posted: settles a pending request; after our local TIMEOUT it is
   * recorded as what really happened; a second one is ignored.
   */
  async receive(request: FastifyRequest, row: CommandRow, outcome: O): Promise<ResultReception> {
    if (row.status === 'pending') {
      await this.settle(row.id, outcome, 'done');
      return 'settled';
    }
    if (row.status === 'timed_out') {
      await this.rows.update(row.id, { result: outcome.result, status: 'done' satisfies CommandStatus });
      request.log.info({ command: row.id, result: outcome.result }, 'late result recorded');
      return 'late';
    }
    return 'duplicate';
  }

  stop(): void {
    for (const timer of this.timers.values()) timer.cancel();
  }
}
