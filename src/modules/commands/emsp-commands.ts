import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { PartnerCallError } from '../../client/ocpi-http.ts';
import type { ClockTimer } from '../../clock.ts';
import { commandResultFromV211 } from '../../model/codecs/index.ts';
import { parseObject, renderObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import { type OcpiNode, versionUrl } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { routingHeadersFor } from '../../transport/routing-headers.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { partnerEndpoint } from '../objects/push-targets.ts';
import { COMMAND_OBJECTS, type CommandName, isCommand } from './names.ts';

type Json = Record<string, unknown>;

/** The CPO's immediate answer. */
export interface CommandResponseInfo {
  result: string;
  /** Seconds the CPO will wait for the charger (absent in 2.1.1). */
  timeout?: number;
  message?: Array<{ language: string; text: string }>;
}

/** How a command ended, as far as we know. */
export interface CommandOutcomeInfo {
  result: string;
  /** 'partner': the CPO's CommandResult; 'response': the command was not accepted; 'local-timeout': nothing came in time. */
  source: 'partner' | 'response' | 'local-timeout';
  message?: Array<{ language: string; text: string }>;
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

  constructor(
    private readonly node: OcpiNode,
    private readonly options: { graceSeconds: number; defaultTimeoutSeconds: number },
  ) {}

  /**
   * Sends a command to a CPO partner. `request` is the command object without
   * `response_url` (we generate one per command), in canonical (2.3.0) shape.
   */
  async send(partnerId: string, command: CommandName, request: Json): Promise<SentCommand> {
    const { partner, token } = await this.node.registry.registered(partnerId);
    const version = partner.version as OcpiVersion;
    if (!isCommand(version, command)) throw OcpiError.invalid(`OCPI ${version} has no ${command}`);
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
    await this.node.store.db
      .insertInto('ocpi_commands')
      .values({
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
      })
      .execute();
    const us = this.node.parties.find((p) => p.role === 'EMSP') ?? this.node.parties[0];
    const cpo = partner.parties.find((p) => p.role === 'CPO') ?? partner.parties[0];
    let reply: Awaited<ReturnType<OcpiNode['http']['call']>>;
    try {
      reply = await this.node.http.call({
        method: 'POST',
        url: `${endpoint.url.replace(/\/+$/, '')}/${command}`,
        token,
        encoding: partner.tokenEncoding,
        body: renderObject(version, COMMAND_OBJECTS[command], full, { context: us ?? {} }),
        ...(hasInterfaceRoles(version) && us && cpo ? { headers: routingHeadersFor(us, cpo) } : {}),
      });
    } catch (err) {
      await this.settle(id, { result: 'FAILED', source: 'response' }, 'done');
      if (err instanceof PartnerCallError)
        throw new OcpiError(OcpiStatus.UNABLE_TO_USE_CLIENT_API, `command not delivered: ${err.message}`, {
          cause: err,
        });
      throw err;
    }
    const data = (reply.envelope.data ?? {}) as Json;
    const response: CommandResponseInfo = {
      result: typeof data.result === 'string' ? data.result : 'REJECTED',
      ...(typeof data.timeout === 'number' ? { timeout: data.timeout } : {}),
      ...(Array.isArray(data.message) ? { message: data.message as CommandResponseInfo['message'] } : {}),
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
      await this.node.store.db
        .updateTable('ocpi_commands')
        .set({ deadline: new Date(this.node.clock.now() + seconds * 1000) })
        .where('id', '=', id)
        .execute();
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
    const updated = await this.node.store.db
      .updateTable('ocpi_commands')
      .set({ status, result: outcome.result })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return;
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    this.waiting.get(id)?.(outcome);
    this.waiting.delete(id);
  }

  /** What we know of a command we sent. */
  async get(id: string) {
    return this.node.store.db
      .selectFrom('ocpi_commands')
      .select(['id', 'command', 'status', 'result', 'partner_id', 'created_at'])
      .where('id', '=', id)
      .where('direction', '=', 'sent')
      .executeTakeFirst();
  }

  /** POST {response_url}: a CommandResult (2.1.1: a CommandResponse) for one of our commands. */
  routes(app: FastifyInstance, version: OcpiVersion): void {
    app.post<{ Params: { command: string; id: string } }>('/:command/:id', async (request) => {
      const caller = request.ocpi.caller;
      if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
      const row = await this.node.store.db
        .selectFrom('ocpi_commands')
        .selectAll()
        .where('id', '=', request.params.id)
        .where('direction', '=', 'sent')
        .executeTakeFirst();
      if (!row || row.command !== request.params.command.toUpperCase()) {
        throw new OcpiError(
          OcpiStatus.UNKNOWN_LOCATION,
          `unknown command ${request.params.command}/${request.params.id}`,
        );
      }
      if (row.partner_id !== caller.partner.id) throw OcpiError.invalid('this command was not sent to you');
      const parsed =
        version === '2.1.1'
          ? parseObject(version, 'CommandResponse', request.body)
          : parseObject(version, 'CommandResult', request.body);
      if (!parsed.ok) throw OcpiError.invalid(`invalid CommandResult: ${describeIssues(parsed.errors)}`);
      // 2.1.1 posts its CommandResponse shape; its result (TIMEOUT included) is read as sent.
      const body = (version === '2.1.1' ? commandResultFromV211(request.body as Json) : parsed.value) as Json;
      const outcome: CommandOutcomeInfo = {
        result: String(body.result),
        source: 'partner',
        ...(Array.isArray(body.message) ? { message: body.message as CommandOutcomeInfo['message'] } : {}),
      };
      if (row.status === 'pending') await this.settle(row.id, outcome, 'done');
      else if (row.status === 'timed_out') {
        // Late: we already reported TIMEOUT locally; keep what really happened.
        await this.node.store.db
          .updateTable('ocpi_commands')
          .set({ result: outcome.result, status: 'done' })
          .where('id', '=', row.id)
          .execute();
        request.log.info({ command: row.id, result: outcome.result }, 'late command result recorded');
      } else if (row.result === 'CANCELED_RESERVATION' || outcome.result !== 'CANCELED_RESERVATION') {
        request.log.info({ command: row.id }, 'duplicate command result ignored');
      } else {
        await this.node.store.db
          .updateTable('ocpi_commands')
          .set({ result: outcome.result })
          .where('id', '=', row.id)
          .execute();
      }
      return envelope(undefined);
    });
  }

  stop(): void {
    for (const timer of this.timers.values()) timer.cancel();
  }
}
