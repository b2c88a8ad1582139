import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Obj, OpenEnum } from '../primitives.ts';
import * as V221 from '../v221/commands.ts';
import { enumValues } from './common.ts';
import { Token } from './tokens.ts';

/**
 * OCPI 2.3.0 Commands module: as 2.2.1, except that CommandType is open and the commands that
 * carry a Token carry the 2.3.0 one.
 */

export const CommandResponseType = V221.CommandResponseType;
export type CommandResponseType = V221.CommandResponseType;
export const CommandResultType = V221.CommandResultType;
export type CommandResultType = V221.CommandResultType;

/** The command named in the request URL; open in 2.3.0. */
export const CommandType = OpenEnum(enumValues(V221.CommandType));
export type CommandType = Static<typeof CommandType>;

export const CancelReservation = V221.CancelReservation;
export type CancelReservation = V221.CancelReservation;
export const CommandResponse = V221.CommandResponse;
export type CommandResponse = V221.CommandResponse;
export const CommandResult = V221.CommandResult;
export type CommandResult = V221.CommandResult;
export const StopSession = V221.StopSession;
export type StopSession = V221.StopSession;
export const UnlockConnector = V221.UnlockConnector;
export type UnlockConnector = V221.UnlockConnector;

/** Body of RESERVE_NOW. */
export const ReserveNow = Obj({ ...V221.ReserveNow.properties, token: Token });
export type ReserveNow = Static<typeof ReserveNow>;

/** Body of START_SESSION. */
export const StartSession = Obj({ ...V221.StartSession.properties, token: Token });
export type StartSession = Static<typeof StartSession>;

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
