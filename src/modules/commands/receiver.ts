import type { FastifyInstance } from 'fastify';
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
  app.post<{ Params: { command: string } }>('/:command', async (request) => {
    const caller = request.ocpi.caller;
    if (caller?.kind !== 'partner') throw OcpiError.unauthorized();
    const partner = caller.partner;
    const command = request.params.command.toUpperCase();
    if (!isCommand(version, command)) {
      throw new OcpiError(
        OcpiStatus.INVALID_PARAMETERS,
        `unknown command ${request.params.command}; OCPI ${version} has ${commandsOf(version).join(', ')}`,
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
    if (verdict.result === 'ACCEPTED' && (await commands.accept(partner, version, received)) === undefined) {
      verdict = { result: 'ACCEPTED', message: 'already accepted; executed once' };
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
  });
}
