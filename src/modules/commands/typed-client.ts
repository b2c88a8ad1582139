import type {
  CancelReservation,
  ReserveNow,
  StartSession,
  StopSession,
  UnlockConnector,
} from '../../model/v230/commands.ts';
import type { SentCommand } from './emsp-commands.ts';
import type { CommandName } from './names.ts';
import type { CommandRequests } from './schema.ts';

/** A command's request as the caller gives it (canonical 2.3.0 shape): we add our own response_url. */
export type CommandRequest<T> = Omit<T, 'response_url'>;

/** One typed method per command, for an eMSP sending to a CPO partner. */
export interface TypedCommands {
  startSession(partnerId: string, request: CommandRequest<StartSession>): Promise<SentCommand>;
  stopSession(partnerId: string, request: CommandRequest<StopSession>): Promise<SentCommand>;
  reserveNow(partnerId: string, request: CommandRequest<ReserveNow>): Promise<SentCommand>;
  /** Not in OCPI 2.1.1. */
  cancelReservation(partnerId: string, request: CommandRequest<CancelReservation>): Promise<SentCommand>;
  unlockConnector(partnerId: string, request: CommandRequest<UnlockConnector>): Promise<SentCommand>;
}

type Send = <C extends CommandName>(
  partnerId: string,
  command: C,
  request: CommandRequest<CommandRequests[C]>,
) => Promise<SentCommand>;

export function typedCommands(send: Send): TypedCommands {
  return {
    startSession: (partnerId, request) => send(partnerId, 'START_SESSION', request),
    stopSession: (partnerId, request) => send(partnerId, 'STOP_SESSION', request),
    reserveNow: (partnerId, request) => send(partnerId, 'RESERVE_NOW', request),
    cancelReservation: (partnerId, request) => send(partnerId, 'CANCEL_RESERVATION', request),
    unlockConnector: (partnerId, request) => send(partnerId, 'UNLOCK_CONNECTOR', request),
  };
}
