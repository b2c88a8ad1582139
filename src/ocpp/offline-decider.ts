import type { CommandDecider, CommandDecision, IncomingCommand } from '../modules/commands/decide.ts';
import type { OcppRepository } from '../store/ocpp-repository.ts';
import type { ChargerRegistry } from './chargers.ts';
import { findTarget } from './command-results.ts';

/** What the decider asks: the chargers and their transactions, and whether a charger is connected to any instance. */
export interface OfflineDeciderParts {
  chargers: ChargerRegistry;
  repo: OcppRepository;
  online(chargerId: string): Promise<boolean>;
}

const NO_OPINION: CommandDecision = { result: 'ACCEPTED' };

/**
 * The OCPP bridge's decision: a command whose charger is offline (connected to no instance)
 * is REJECTED at once, which tells the eMSP more, and sooner, than ACCEPTED and then FAILED.
 * The charger is the EVSE's (or, naming no EVSE, every charger of the Location: one online
 * will do); STOP_SESSION's is the one running the session. A command we cannot place on one
 * of our chargers (CANCEL_RESERVATION, an unbound Location) is left to the gateway.
 */
export function offlineDecider(parts: OfflineDeciderParts): CommandDecider {
  return async (command) => {
    const chargers = await chargersOf(parts, command);
    if (chargers.length === 0) return NO_OPINION;
    for (const id of chargers) if (await parts.online(id)) return NO_OPINION;
    const what = chargers.length === 1 ? `the charger ${chargers[0]} is` : 'the chargers of the location are';
    return { result: 'REJECTED', message: `${what} offline` };
  };
}

/** The ids of the chargers that could carry out a command. */
async function chargersOf(
  parts: OfflineDeciderParts,
  { command, request }: IncomingCommand,
): Promise<string[]> {
  switch (command) {
    case 'START_SESSION':
    case 'RESERVE_NOW':
    case 'UNLOCK_CONNECTOR': {
      if (request.evse_uid === undefined)
        return (await parts.chargers.atLocation(request.location_id)).map((c) => c.id);
      const target = await findTarget(parts.chargers, request.location_id, request.evse_uid);
      return target ? [target.charger.id] : [];
    }
    case 'STOP_SESSION': {
      const transaction = await parts.repo.bySession(request.session_id);
      return transaction && transaction.stopped_at === null ? [transaction.charger_id] : [];
    }
    case 'CANCEL_RESERVATION':
      return [];
  }
}
