import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { DateTime, Enum, Int, Obj, Opt, Str, Url } from '../primitives.ts';
import { Token } from './tokens.ts';

/** The four commands of 2.1.1 (no CANCEL_RESERVATION). */
export const CommandType = Enum([
  'RESERVE_NOW',
  'START_SESSION',
  'STOP_SESSION',
  'UNLOCK_CONNECTOR',
] as const);
export type CommandType = Static<typeof CommandType>;

export const CommandResponseType = Enum([
  'NOT_SUPPORTED',
  'REJECTED',
  'ACCEPTED',
  'TIMEOUT',
  'UNKNOWN_SESSION',
] as const);
export type CommandResponseType = Static<typeof CommandResponseType>;

/**
 * Outcome of a command: the CPO's synchronous answer and also the body it later POSTs to
 * `response_url` (2.1.1 has no CommandResult, timeout or message).
 */
export const CommandResponse = Obj({
  result: CommandResponseType,
});
export type CommandResponse = Static<typeof CommandResponse>;

/** RESERVE_NOW request body. */
export const ReserveNow = Obj({
  response_url: Url(),
  token: Token,
  expiry_date: DateTime(),
  reservation_id: Int(),
  location_id: Str(39),
  evse_uid: Opt(Str(39)),
});
export type ReserveNow = Static<typeof ReserveNow>;

/** START_SESSION request body. */
export const StartSession = Obj({
  response_url: Url(),
  token: Token,
  location_id: Str(39),
  evse_uid: Opt(Str(39)),
});
export type StartSession = Static<typeof StartSession>;

/** STOP_SESSION request body. */
export const StopSession = Obj({
  response_url: Url(),
  session_id: Str(36),
});
export type StopSession = Static<typeof StopSession>;

/** UNLOCK_CONNECTOR request body (help-desk use only). */
export const UnlockConnector = Obj({
  response_url: Url(),
  location_id: Str(39),
  evse_uid: Str(39),
  connector_id: Str(36),
});
export type UnlockConnector = Static<typeof UnlockConnector>;

export const objects: ModuleSchemas['objects'] = {
  CommandResponse,
  ReserveNow,
  StartSession,
  StopSession,
  UnlockConnector,
  CommandResponseType,
  CommandType,
};

export const patches: ModuleSchemas['patches'] = {};
