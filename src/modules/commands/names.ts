import type { OcpiVersion } from '../../model/versions.ts';

/** Each command and the request object it carries. */
export const COMMAND_OBJECTS = {
  START_SESSION: 'StartSession',
  STOP_SESSION: 'StopSession',
  RESERVE_NOW: 'ReserveNow',
  CANCEL_RESERVATION: 'CancelReservation',
  UNLOCK_CONNECTOR: 'UnlockConnector',
} as const;

export type CommandName = keyof typeof COMMAND_OBJECTS;

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_OBJECTS, name);
}

const ALL_COMMANDS: readonly CommandName[] = Object.keys(COMMAND_OBJECTS).filter(isCommandName);

/** 2.1.1 has no CANCEL_RESERVATION. */
export function commandsOf(version: OcpiVersion): CommandName[] {
  return version === '2.1.1' ? ALL_COMMANDS.filter((c) => c !== 'CANCEL_RESERVATION') : [...ALL_COMMANDS];
}

export function isCommand(version: OcpiVersion, name: string): name is CommandName {
  return commandsOf(version).some((command) => command === name);
}
