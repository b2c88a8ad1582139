import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { renderObject } from '../../model/objects.ts';
import { describeIssues } from '../../model/validate.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import type { OcpiNode } from '../../node.ts';
import { envelope } from '../../transport/envelope.ts';
import { OcpiError } from '../../transport/errors.ts';
import { OcpiStatus } from '../../transport/status-codes.ts';
import { checkCommand, type Verdict } from './checks.ts';
import type { CpoCommands } from './cpo-commands.ts';
import { COMMAND_OBJECTS, commandsOf, isCommand } from './names.ts';
import { checkResponseUrl, type ResponseUrlPolicy } from './response-url.ts';
import { ANY_COMMAND, commandSchema } from './route-schemas.ts';
import { parseCommand } from './schema.ts';

/**
 * POST {commands}/{command}: the CPO's receiver. Answers at once with a CommandResponse;
 * the charger's outcome follows on the response_url.
 */
export function commandReceiverRoutes(
  app: FastifyInstance,
  version: OcpiVersion,
  node: OcpiNode,
  commands: CpoCommands,
  policy: ResponseUrlPolicy,
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
    const parsed = parseCommand(version, command, request.body, context);
    if (!parsed.ok) throw OcpiError.invalid(`invalid ${objectName}: ${describeIssues(parsed.errors)}`);
    const received = parsed.value;
    checkResponseUrl(node, partner, received.request.response_url, policy);

    let verdict: Verdict = await checkCommand(node, partner, received, hasInterfaceRoles(version));
    const booking = verdict.result === 'ACCEPTED' ? await commands.bookingVerdict(received) : undefined;
    if (booking?.refused) verdict = booking.refused;
    if (verdict.result === 'ACCEPTED') {
      const id = await commands.accept(partner, version, received);
      // A booking it uses is FULFILLED when the charger reports the session started.
      if (id === undefined) verdict = { result: 'ACCEPTED', message: 'already accepted; executed once' };
    }
    const response = {
      result: verdict.result,
      timeout: commands.timeoutSeconds,
      ...(verdict.message ? { message: [{ language: 'en', text: verdict.message }] } : {}),
    };
    request.log.info({ command, result: verdict.result }, 'command answered');
    return envelope(
      renderObject(version, 'CommandResponse', response),
      verdict.statusCode ?? OcpiStatus.SUCCESS,
      verdict.message,
    );
  };
  for (const command of commandsOf(version))
    app.post(`/${command}`, { schema: commandSchema(version, command) }, (request) =>
      answer(request, command),
    );
  // Names in lower case, and unknown ones (answered 2001, HTTP 404).
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  routes.post('/:command', { schema: ANY_COMMAND }, (request) => answer(request, request.params.command));
}
