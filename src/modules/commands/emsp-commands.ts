import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PartnerCallError } from '../../client/ocpi-http.ts';
import type { ClockTimer } from '../../clock.ts';
import { commandResultFromV211 } from '../../model/codecs/index.ts';
import { parseObject, renderObject } from '../../model/objects.ts';
import type { DisplayText } from '../../model/v230/common.ts';
import { describeIssues } from '../../model/validate.ts';
import { isSupportedVersion, type OcpiVersion } from '../../model/versions.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import { headersFor, parsePartyKey, partyKeyOf, routeTo } from '../../partners/routing.ts';
import { CommandRepository, type SentCommandSummary } from '../../store/command-repository.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { COMMAND_OBJECTS, type CommandName, isCommand } from './names.ts';
import { commandResultSchema } from './route-schemas.ts';
import { fieldOf, parseCommandResult } from './schema.ts';

/** The DisplayTexts of a `message` a partner sent, if it sent a list. */
function displayTexts(message: unknown): DisplayText[] | undefined {
  if (!Array.isArray(message)) return undefined;
  return message.flatMap((m: unknown) => {
    const language = fieldOf(m, 'language');
    const text = fieldOf(m, 'text');
    return typeof language === 'string' && typeof text === 'string' ? [{ language, text }] : [];
  });
}

/** The CPO's immediate answer. */
export interface CommandResponseInfo {
  result: string;
  /** Seconds the CPO will wait for the charger (absent in 2.1.1). */
  timeout?: number;
  message?: DisplayText[];
}

/** How a command ended, as far as we know. */
export interface CommandOutcomeInfo {
  result: string;
  /** 'partner': the CPO's CommandResult; 'response': the command was not accepted; 'local-timeout': nothing came in time. */
  source: 'partner' | 'response' | 'local-timeout';
  message?: DisplayText[];
}

export interface SentCommand {
  id: string;
  response: CommandResponseInfo;
  /** Settles once: with the CPO's CommandResult, or TIMEOUT after timeout + grace. */
  result: Promise<CommandOutcomeInfo>;
}

/** The eMSP half of commands: sending them, and receiving their results on our response_url. */
export class EmspCommands {
  private readonly waiting = new Map<string, (outcome: CommandOutcomeInfo) => void>();
  private readonly timers = new Map<string, ClockTimer>();
  private readonly commands: CommandRepository;

  constructor(
    private readonly node: OcpiNode,
    private readonly options: { graceSeconds: number; defaultTimeoutSeconds: number },
  ) {
    this.commands = new CommandRepository(node.store.db);
  }

  /**
   * Where a command goes: to a partner by its id (its CPO party), or to a CPO party given as
   * 'CC*PID', on its own platform or behind the hub that announced it. A party its hub
   * reports other than CONNECTED is not sent to (OCPI 4003, "receiving party is not
   * connected"): a command is answered at once or not at all.
   */
  private async target(to: string) {
    const us = this.node.parties.find((p) => p.role === 'EMSP') ?? this.node.parties[0];
    const party = parsePartyKey(to);
    if (!party) {
      const { partner, token } = await this.node.registry.registered(to);
      const cpo = partner.parties.find((p) => p.role === 'CPO') ?? partner.parties[0];
      return { partner, token, us, headers: us && cpo ? headersFor(partner, us, cpo) : {} };
    }
    const route = us && (await routeTo(this.node, party, us));
    if (!route) throw new OcpiError('OCPI_ERR_UNKNOWN_PARTNER', `no registered partner or hub reaches ${to}`);
    if (route.hubStatus !== undefined && route.hubStatus !== 'CONNECTED')
      throw new OcpiError(4003, `${to} is ${route.hubStatus} at its hub; the command is not sent`);
    const { partner, token } = await this.node.registry.registered(route.partner.id);
    return { partner, token, us, headers: route.headers, party: partyKeyOf(route.to) };
  }

  /**
   * Sends a command to a CPO: a partner's id, or a CPO party as 'CC*PID' (see target()).
   * `request` is the command object without `response_url` (we generate one per command),
   * in canonical (2.3.0) shape; it is checked against the command's schema before anything
   * is sent.
   */
  async send(to: string, command: CommandName, request: object): Promise<SentCommand> {
    const { partner, token, us, headers, party } = await this.target(to);
    const partnerId = partner.id;
    const version = partner.version;
    if (!isSupportedVersion(version) || !isCommand(version, command))
      throw OcpiError.invalid(`OCPI ${version} has no ${command}`);
    const endpoint = partnerEndpoint(partner, 'commands', 'RECEIVER');
    if (!endpoint)
      throw new OcpiError(OcpiStatus.NO_MATCHING_ENDPOINTS, 'the partner offers no commands receiver');
    const id = randomUUID();
    const responseUrl = `${versionUrl(this.node, version)}/sender/commands/${command}/${id}`;
    const full = { ...request, response_url: responseUrl };
    const checked = parseObject('2.3.0', COMMAND_OBJECTS[command], full);
    if (!checked.ok)
      throw OcpiError.invalid(`invalid ${COMMAND_OBJECTS[command]}: ${describeIssues(checked.errors)}`);
    const result = new Promise<CommandOutcomeInfo>((resolve) => this.waiting.set(id, resolve));
    // Stored before the POST: a fast CPO may post the result before its own answer reaches us.
    await this.commands.insert({
      id,
      direction: 'sent',
      partner_id: partnerId,
      version,
      command,
      request: JSON.stringify(full),
      response_url: responseUrl,
      status: 'pending',
      result: null,
      deadline: new Date(this.node.clock.now() + 3_600_000),
      party: party ?? null,
    });
    let reply: Awaited<ReturnType<OcpiNode['http']['call']>>;
    try {
      reply = await this.node.http.call({
        method: 'POST',
        url: `${endpoint.url.replace(/\/+$/, '')}/${command}`,
        token,
        encoding: partner.tokenEncoding,
        body: renderObject(version, COMMAND_OBJECTS[command], full, { context: us ?? {} }),
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
      });
    } catch (err) {
      await this.settle(id, { result: 'FAILED', source: 'response' }, 'done');
      if (err instanceof PartnerCallError)
        throw new OcpiError(err.code, `command not delivered: ${err.message}`, {
          cause: err,
        });
      throw err;
    }
    const data = reply.envelope.data;
    const answer = fieldOf(data, 'result');
    const timeout = fieldOf(data, 'timeout');
    const message = displayTexts(fieldOf(data, 'message'));
    const response: CommandResponseInfo = {
      result: typeof answer === 'string' ? answer : 'REJECTED',
      ...(typeof timeout === 'number' ? { timeout } : {}),
      ...(message ? { message } : {}),
    };
    if (reply.httpStatus >= 300 || response.result !== 'ACCEPTED') {
      await this.settle(
        id,
        {
          result: response.result,
          source: 'response',
          ...(response.message ? { message: response.message } : {}),
        },
        'done',
      );
    } else {
      const seconds = (response.timeout ?? this.options.defaultTimeoutSeconds) + this.options.graceSeconds;
      await this.commands.update(id, { deadline: new Date(this.node.clock.now() + seconds * 1000) });
      const timer = this.node.clock.setTimeout(() => {
        this.settle(id, { result: 'TIMEOUT', source: 'local-timeout' }, 'timed_out').catch(() => {});
      }, seconds * 1000);
      timer.unref();
      this.timers.set(id, timer);
    }
    return { id, response, result };
  }

  /** Records an outcome once; later ones only update the stored result of a timed-out command. */
  private async settle(id: string, outcome: CommandOutcomeInfo, status: 'done' | 'timed_out'): Promise<void> {
    if (!(await this.commands.settle(id, status, outcome.result))) return;
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    this.waiting.get(id)?.(outcome);
    this.waiting.delete(id);
  }

  /** What we know of a command we sent. */
  get(id: string): Promise<SentCommandSummary | undefined> {
    return this.commands.sentSummary(id);
  }

  /** POST {response_url}: a CommandResult (2.1.1: a CommandResponse) for one of our commands. */
  routes(app: FastifyInstance, version: OcpiVersion): void {
    const schema = commandResultSchema(version);
    app.post<{ Params: { command: string; id: string } }>('/:command/:id', { schema }, async (request) => {
      const caller = request.ocpi.caller;
      if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
      const row = await this.commands.find(request.params.id, 'sent');
      if (!row || row.command !== request.params.command.toUpperCase()) {
        throw new OcpiError(
          'OCPI_ERR_UNKNOWN_OBJECT',
          `unknown command ${request.params.command}/${request.params.id}`,
        );
      }
      // Through a hub, the result comes from the CPO party the command went to.
      const from = caller.hub ? caller.partner.parties[0] : undefined;
      if (row.partner_id !== caller.partner.id || (from && row.party && partyKeyOf(from) !== row.party))
        throw OcpiError.invalid('this command was not sent to you');
      const outcome = this.partnerOutcome(version, request.body);
      if (row.status === 'pending') await this.settle(row.id, outcome, 'done');
      else if (row.status === 'timed_out') {
        // Late: we already reported TIMEOUT locally; keep what really happened.
        await this.commands.update(row.id, { result: outcome.result, status: 'done' });
        request.log.info({ command: row.id, result: outcome.result }, 'late command result recorded');
      } else if (row.result === 'CANCELED_RESERVATION' || outcome.result !== 'CANCELED_RESERVATION') {
        request.log.info({ command: row.id }, 'duplicate command result ignored');
      } else {
        await this.commands.update(row.id, { result: outcome.result });
      }
      return envelope(undefined);
    });
  }

  /** The CommandResult a CPO posted (2.1.1: a CommandResponse, its result TIMEOUT included read as sent). */
  private partnerOutcome(version: OcpiVersion, body: unknown): CommandOutcomeInfo {
    if (version === '2.1.1') {
      const parsed = parseObject(version, 'CommandResponse', body);
      if (!parsed.ok) throw OcpiError.invalid(`invalid CommandResult: ${describeIssues(parsed.errors)}`);
      const result = commandResultFromV211({ result: fieldOf(body, 'result') }).result;
      return { result: String(result), source: 'partner' };
    }
    const parsed = parseCommandResult(version, body);
    if (!parsed.ok) throw OcpiError.invalid(`invalid CommandResult: ${describeIssues(parsed.errors)}`);
    const { result, message } = parsed.value;
    return { result, source: 'partner', ...(message ? { message } : {}) };
  }

  stop(): void {
    for (const timer of this.timers.values()) timer.cancel();
  }
}
