import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { commandResultFromV211 } from '../../model/codecs/index.ts';
import { parseObject, renderObject } from '../../model/objects.ts';
import type { DisplayText } from '../../model/v230/common.ts';
import { describeIssues } from '../../model/validate.ts';
import { isSupportedVersion, type OcpiVersion } from '../../model/versions.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import { partnerEndpoint } from '../../partners/endpoints.ts';
import type { SentCommandSummary } from '../../store/command-repository.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { COMMAND_OBJECTS, type CommandName, isCommand } from './names.ts';
import { commandResultSchema } from './route-schemas.ts';
import { fieldOf, parseCommandResult } from './schema.ts';
import { cpoTarget, displayTexts, SentRequests } from './sent-requests.ts';

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
  private readonly sent: SentRequests<CommandOutcomeInfo>;

  constructor(
    private readonly node: OcpiNode,
    private readonly options: { graceSeconds: number; defaultTimeoutSeconds: number },
  ) {
    this.sent = new SentRequests(node);
  }

  /**
   * Sends a command to a CPO: a partner's id, or a CPO party as 'CC*PID' (see cpoTarget()).
   * `request` is the command object without `response_url` (we generate one per command),
   * in canonical (2.3.0) shape; it is checked against the command's schema before anything
   * is sent.
   */
  async send(to: string, command: CommandName, request: object): Promise<SentCommand> {
    const { partner, token, us, headers, party } = await cpoTarget(this.node, to);
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
    const { outcome: result } = await this.sent.open({
      id,
      partnerId,
      version,
      command,
      request: full,
      responseUrl,
      ...(party ? { party } : {}),
    });
    const reply = await this.sent.call(id, 'command', {
      method: 'POST',
      url: `${endpoint.url.replace(/\/+$/, '')}/${command}`,
      token,
      encoding: partner.tokenEncoding,
      body: renderObject(version, COMMAND_OBJECTS[command], full, { context: us ?? {} }),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    });
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
      await this.sent.settle(
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
      await this.sent.awaitResult(id, seconds, { result: 'TIMEOUT', source: 'local-timeout' });
    }
    return { id, response, result };
  }

  /** What we know of a command we sent. */
  get(id: string): Promise<SentCommandSummary | undefined> {
    return this.sent.rows.sentSummary(id);
  }

  /** POST {response_url}: a CommandResult (2.1.1: a CommandResponse) for one of our commands. */
  routes(app: FastifyInstance, version: OcpiVersion): void {
    const schema = commandResultSchema(version);
    app.post<{ Params: { command: string; id: string } }>('/:command/:id', { schema }, async (request) => {
      const { command, id } = request.params;
      const row = await this.sent.sentTo(
        request,
        id,
        (r) => r.command === command.toUpperCase() && isCommand(version, r.command),
        `command ${command}/${id}`,
      );
      const outcome = this.partnerOutcome(version, request.body);
      if ((await this.sent.receive(request, row, outcome)) !== 'duplicate') return envelope(undefined);
      // A CPO-initiated cancellation comes on the RESERVE_NOW's response_url after its result.
      if (row.result !== 'CANCELED_RESERVATION' && outcome.result === 'CANCELED_RESERVATION')
        await this.sent.rows.update(row.id, { result: outcome.result });
      else request.log.info({ command: row.id }, 'duplicate command result ignored');
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
    this.sent.stop();
  }
}
