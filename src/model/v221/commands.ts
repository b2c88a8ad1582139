import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Enum, Int, Many, Obj, Opt, Url } from '../primitives.ts';
import { DisplayText } from './common.ts';
import { Token } from './tokens.ts';

/** OCPI 2.2.1 Commands module (mod_commands). */

/** The CPO's immediate verdict on a command request. */
export const CommandResponseType = Enum([
  'NOT_SUPPORTED',
  'REJECTED',
  'ACCEPTED',
  'UNKNOWN_SESSION',
] as const);
export type CommandResponseType = Static<typeof CommandResponseType>;

/** The outcome reported by the Charge Point, delivered later to `response_url`. */
export const CommandResultType = Enum([
  'ACCEPTED',
  'CANCELED_RESERVATION',
  'EVSE_OCCUPIED',
  'EVSE_INOPERATIVE',
  'FAILED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TIMEOUT',
  'UNKNOWN_RESERVATION',
] as const);
export type CommandResultType = Static<typeof CommandResultType>;

/** The command named in the request URL. */
export const CommandType = Enum([
  'CANCEL_RESERVATION',
  'RESERVE_NOW',
  'START_SESSION',
  'STOP_SESSION',
  'UNLOCK_CONNECTOR',
] as const);
export type CommandType = Static<typeof CommandType>;

/** Body of CANCEL_RESERVATION. */
export const CancelReservation = Obj({
  response_url: Url(),
  reservation_id: CiString(36),
});
export type CancelReservation = Static<typeof CancelReservation>;

/** Synchronous answer of the CPO to a command request. */
export const CommandResponse = Obj({
  result: CommandResponseType,
  timeout: Int(),
  message: Many(DisplayText),
});
export type CommandResponse = Static<typeof CommandResponse>;

/** Asynchronous result of a command, POSTed by the CPO to `response_url`. */
export const CommandResult = Obj({
  result: CommandResultType,
  message: Many(DisplayText),
});
export type CommandResult = Static<typeof CommandResult>;

/** Body of RESERVE_NOW. */
export const ReserveNow = Obj({
  response_url: Url(),
  token: Token,
  expiry_date: DateTime(),
  reservation_id: CiString(36),
  location_id: CiString(36),
  evse_uid: Opt(CiString(36)),
  authorization_reference: Opt(CiString(36)),
});
export type ReserveNow = Static<typeof ReserveNow>;

/** Body of START_SESSION. */
export const StartSession = Obj({
  response_url: Url(),
  token: Token,
  location_id: CiString(36),
  evse_uid: Opt(CiString(36)),
  connector_id: Opt(CiString(36)),
  authorization_reference: Opt(CiString(36)),
});
export type StartSession = Static<typeof StartSession>;

/** Body of STOP_SESSION. */
export const StopSession = Obj({
  response_url: Url(),
  session_id: CiString(36),
});
export type StopSession = Static<typeof StopSession>;

/** Body of UNLOCK_CONNECTOR. */
export const UnlockConnector = Obj({
  response_url: Url(),
  location_id: CiString(36),
  evse_uid: CiString(36),
  connector_id: CiString(36),
});
export type UnlockConnector = Static<typeof UnlockConnector>;

export const objects: ModuleSchemas['objects'] = {
  CancelReservation,
  CommandResponse,
  CommandResult,
  ReserveNow,
  StartSession,
  StopSession,
  UnlockConnector,
  CommandResponseType,
  CommandResultType,
  CommandType,
};

/** Commands are POSTed only; nothing is PATCHed. */
export const patches: ModuleSchemas['patches'] = {};
