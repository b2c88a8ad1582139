import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import type { Partner } from '../../partners/types.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { checkCommand, type Found, type Verdict } from './checks.ts';
import type { AcceptedCommand, CpoCommands } from './cpo-commands.ts';
import { displayTextsOf } from './decide.ts';
import type { Decisions } from './decisions.ts';
import type { EvseIdAlias } from './evse-id-alias.ts';
import { COMMAND_OBJECTS, commandsOf, isCommand } from './names.ts';
import { checkResponseUrl, type ResponseUrlPolicy } from './response-url.ts';
import { ANY_COMMAND, commandSchema } from './route-schemas.ts';
import { parseCommand, type ReceivedCommand } from './schema.ts';

export interface CommandReceiverParts {
  commands: CpoCommands;
  decisions: Decisions;
  policy: ResponseUrlPolicy;
  alias: EvseIdAlias;
}

/**
 * POST {commands}/{command}: the CPO's receiver. Answers at once with a CommandResponse (the
 * built-in checks, then the bookings, then the deciders); the charger's outcome follows on
 * the response_url.
 */
export function commandReceiverRoutes(
  app: FastifyInstance,
  version: OcpiVersion,
  node: OcpiNode,
  { commands, decisions, policy, alias }: CommandReceiverParts,
) {
  const answer = async (request: FastifyRequest, name: string) => {
    const caller = request.ocpi.caller;
    if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
    const partner = caller.partner;
    const command = name.toUpperCase();
    if (!isCommand(version, command)) {
      throw new OcpiError(
        OcpiStatus.INVALID_PARAMETERS,
        `unknown command ${name}; OCPI ${version} has ${commandsOf(version).join(', ')}`,
        { httpStatus: 404 },
      );
    }
    const objectName = COMMAND_OBJECTS[command];
    // 2.1.1 tokens carry no owner: they are the calling eMSP's.
    const owner = partner.parties.find((p) => p.role === 'EMSP') ?? partner.parties[0];
    const context = owner ? { countryCode: owner.countryCode, partyId: owner.partyId } : {};
    const body = alias.apply(command, request.body, partner.id, request.log);
    const parsed = parseCommand(version, command, body, context);
    if (!parsed.ok) throw OcpiError.invalid(`invalid ${objectName}: ${describeIssues(parsed.errors)}`);
    const received = parsed.value;
    checkResponseUrl(node, partner, received.request.response_url, policy);

    // The bookings are read while the checks run (a round trip less); what they say, and
    // whether reading them failed, matters only for a command the checks accept.
    const bookingRead = commands.bookingVerdict(received);
    bookingRead.catch(() => {});
    const checked = await checkCommand(node, partner, received, hasInterfaceRoles(version));
    let verdict: Verdict = checked.verdict;
    const booking = verdict.result === 'ACCEPTED' ? await bookingRead : undefined;
    if (booking?.refused) verdict = booking.refused;
    // Deciders see only what the checks let through: a refusal of theirs stands.
    let added: AcceptedCommand = {};
    if (verdict.result === 'ACCEPTED' && decisions.any)
      ({ verdict, added } = await decide(request, partner, received, checked.found));
    if (verdict.result === 'ACCEPTED') {
      const id = await commands.accept(partner, version, received, added);
      // A booking it uses is FULFILLED when the charger reports the session started.
      if (id === undefined) verdict = { result: 'ACCEPTED', message: 'already accepted; executed once' };
    }
    const message = displayTextsOf(verdict.message);
    const response = {
      result: verdict.result,
      timeout: added.timeoutSeconds ?? commands.timeoutSeconds,
      ...(message ? { message } : {}),
    };
    request.log.info({ command, result: verdict.result }, 'command answered');
    return envelope(
      renderObject(version, 'CommandResponse', response),
      verdict.statusCode ?? OcpiStatus.SUCCESS,
      message?.[0]?.text,
    );
  };

  /** The deciders' verdict on a command the checks let through, and what their decision adds to it. */
  const decide = async (
    request: FastifyRequest,
    partner: Partner,
    received: ReceivedCommand,
    found: Found,
  ): Promise<{ verdict: Verdict; added: AcceptedCommand }> => {
    const decision = await decisions.decide(
      { ...received, version },
      { partner, ...found, clock: node.clock, log: request.log },
    );
    const timeout = decision.timeout === undefined ? {} : { timeoutSeconds: decision.timeout };
    const message = decision.message === undefined ? {} : { message: decision.message };
    const verdict: Verdict = { result: decision.result, ...message };
    if (decision.result !== 'ACCEPTED' || decision.outcome === undefined) return { verdict, added: timeout };
    return { verdict, added: { ...timeout, outcome: { result: decision.outcome, ...message } } };
  };
  for (const command of commandsOf(version))
    app.post(`/${command}`, { schema: commandSchema(version, command) }, (request) =>
      answer(request, command),
    );
  // Names in lower case, and unknown ones (answered 2001, HTTP 404).
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.post('/:command', { schema: ANY_COMMAND }, (request) => answer(request, request.params.command));
}
