import { Type } from '@sinclair/typebox';
import { schemaOf } from '../../model/objects.ts';
import { hasInterfaceRoles, type OcpiVersion } from '../../model/versions.ts';
import { enveloped } from '../../transport/route-schemas.ts';
import { COMMAND_OBJECTS, type CommandName, commandsOf } from './names.ts';

/** POST {response_url}: the result of a command we sent (2.1.1 posts a CommandResponse). */
export function commandResultSchema(version: OcpiVersion) {
  const result = hasInterfaceRoles(version) ? 'CommandResult' : 'CommandResponse';
  return {
    params: Type.Object({
      command: Type.String({ description: `The command: ${commandsOf(version).join(', ')}` }),
      id: Type.String({ description: 'The id in the response_url we gave' }),
    }),
    response: { 200: enveloped() },
    openapi: {
      operationId: 'senderCommandResult',
      summary: 'The result of a command we sent (our response_url)',
      tag: 'commands',
      body: { schema: schemaOf(version, result), required: true },
    },
  };
}

/** POST {commands}/{command}: the command's request object in, a CommandResponse out. */
export function commandSchema(version: OcpiVersion, command: CommandName) {
  const name = COMMAND_OBJECTS[command];
  return {
    response: { 200: enveloped(schemaOf(version, 'CommandResponse')) },
    openapi: {
      operationId: `receiverCommand${name}`,
      summary: `${command}: answered at once with a CommandResponse; the result follows on response_url`,
      tag: 'commands',
      body: { schema: schemaOf(version, name), required: true },
    },
  };
}

/** POST {commands}/{name} for names in another case or unknown: the same answer, not documented. */
export const ANY_COMMAND = { params: Type.Object({ command: Type.String() }), openapi: false } as const;
