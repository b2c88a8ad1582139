import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../model/json.ts';
import type { EmspCommands } from '../modules/commands/emsp-commands.ts';
import { COMMAND_OBJECTS, type CommandName } from '../modules/commands/names.ts';
import type { OcpiNode } from '../node.ts';
import { OcpiError } from '../transport/errors.ts';
import { partnerNamed } from './partner-named.ts';
import { CommandBody, CommandParams } from './schemas.ts';

/** Emitted by the node when a partner pushes an object to us: { module, partnerId, object }. */
export interface ReceivedEvent {
  module: string;
  partnerId: string;
  /** ChargingProfiles: the session whose active profile `object` is. */
  sessionId?: string;
  object: JsonObject;
}

/** `start-session` or `START_SESSION`: the command it names, if any. */
function commandNamed(name: string): CommandName | undefined {
  const command = name.toUpperCase().replace(/-/g, '_');
  return isCommandName(command) ? command : undefined;
}

/** Own keys only: `constructor` or `__proto__` are no command. */
function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_OBJECTS, name);
}

/**
 * POST /admin/commands/{command} { partner: 'CC*PID' | id, request, follow?: seconds }:
 * sends a command and streams NDJSON lines: the CommandResponse, the CommandResult, then
 * (START_SESSION) the Session updates the CPO pushes, until it completes or `follow` ends.
 */
export function adminCommandRoutes(
  app: FastifyInstance,
  node: OcpiNode,
  commands: EmspCommands,
  received: EventEmitter,
) {
  const config = { ocpiAuth: 'none' as const };
  const schema = { params: CommandParams, body: CommandBody };
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.post('/commands/:command', { config, schema }, async (request, reply) => {
    const command = commandNamed(request.params.command);
    if (!command) throw OcpiError.invalid(`unknown command ${request.params.command}`);
    const body = request.body;
    const partner = await partnerNamed(node, body.partner);
    const req: JsonObject = { ...body.request };
    // A token given by uid alone is one of ours.
    if (typeof req.token === 'string') {
      const token =
        (await node.services.tokens.getOwn(req.token, 'RFID')) ??
        (await node.services.tokens.getOwn(req.token, 'APP_USER'));
      if (!token) throw OcpiError.invalid(`token: no own token ${req.token}`);
      req.token = token;
    }
    const sent = await commands.send(partner.id, command, req);
    const stream = new Readable({ read() {} });
    const line = (value: unknown) => stream.push(`${JSON.stringify(value)}\n`);
    line({ id: sent.id, response: sent.response });
    reply.type('application/x-ndjson');
    const follow = Math.min(body.follow ?? 0, 3600);
    sent.result.then((result) => {
      line({ result });
      if (command !== 'START_SESSION' || result.result !== 'ACCEPTED' || follow <= 0)
        return stream.push(null);
      const onSession = (event: ReceivedEvent) => {
        const ref = event.object.authorization_reference;
        if (
          event.module !== 'sessions' ||
          event.partnerId !== partner.id ||
          (req.authorization_reference && ref !== req.authorization_reference)
        )
          return;
        line({ session: event.object });
        if (event.object.status === 'COMPLETED' || event.object.status === 'INVALID') finish();
      };
      const onCdr = (event: ReceivedEvent) => {
        if (event.module === 'cdrs' && event.partnerId === partner.id) line({ cdr: event.object });
      };
      const timer = node.clock.setTimeout(() => finish(), follow * 1000);
      const finish = () => {
        timer.cancel();
        received.off('received', onSession);
        received.off('received', onCdr);
        node.clock.setTimeout(() => stream.push(null), 1000);
      };
      received.on('received', onSession);
      received.on('received', onCdr);
    });
    return reply.send(stream);
  });
}
