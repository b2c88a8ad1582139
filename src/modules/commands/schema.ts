import type { CodecContext } from '../../model/codecs/types.ts';
import { parseObject } from '../../model/objects.ts';
import type { CdrToken } from '../../model/v230/cdrs.ts';
import type {
  CancelReservation,
  CommandResponseType,
  CommandResult,
  CommandResultType,
  ReserveNow,
  StartSession,
  StopSession,
  UnlockConnector,
} from '../../model/v230/commands.ts';
import type { ParseResult } from '../../model/validate.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { COMMAND_OBJECTS, type CommandName } from './names.ts';

export type { CommandResponseType, CommandResult, CommandResultType };

/** Each command's request object, in the canonical (2.3.0) shape. */
export interface CommandRequests {
  START_SESSION: StartSession;
  STOP_SESSION: StopSession;
  RESERVE_NOW: ReserveNow;
  CANCEL_RESERVATION: CancelReservation;
  UNLOCK_CONNECTOR: UnlockConnector;
}

/** A command as received: its name, and the request that name types. */
export type ReceivedCommand = {
  [K in CommandName]: { command: K; request: CommandRequests[K] };
}[CommandName];

/**
 * Reads a partner's command request (lenient, see parseObject). What the codecs give is
 * the canonical 2.3.0 object the schema of `command` describes, hence its type.
 */
export function parseCommand(
  version: OcpiVersion,
  command: CommandName,
  json: unknown,
  context: CodecContext,
): ParseResult<ReceivedCommand> {
  const parsed = parseObject(version, COMMAND_OBJECTS[command], json, { context });
  if (!parsed.ok) return parsed;
  return { ok: true, value: { command, request: parsed.value } as ReceivedCommand };
}

/** Reads a CommandResult (2.2+) a CPO posted to our response_url, as its canonical type. */
export function parseCommandResult(version: OcpiVersion, json: unknown): ParseResult<CommandResult> {
  const parsed = parseObject(version, 'CommandResult', json);
  return parsed.ok ? { ok: true, value: parsed.value as CommandResult } : parsed;
}

/** A field of a JSON value that may be anything: undefined unless `value` is an object. */
export function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const field = fieldOf(value, key);
  return typeof field === 'string' ? field : undefined;
}

/**
 * The token and authorization_reference of a START_SESSION request we stored (JSON we
 * wrote from a StartSession), read back: the token only when it has its CdrToken fields.
 */
export function storedSessionStart(request: unknown): {
  token?: CdrToken;
  authorizationReference?: string;
} {
  const token = fieldOf(request, 'token');
  const country_code = stringField(token, 'country_code');
  const party_id = stringField(token, 'party_id');
  const uid = stringField(token, 'uid');
  const type = stringField(token, 'type');
  const contract_id = stringField(token, 'contract_id');
  const authorizationReference = stringField(request, 'authorization_reference');
  return {
    ...(country_code && party_id && uid && type && contract_id
      ? { token: { country_code, party_id, uid, type, contract_id } }
      : {}),
    ...(authorizationReference ? { authorizationReference } : {}),
  };
}
