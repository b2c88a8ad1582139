import type {
  ChargerCommand,
  ChargerGateway,
  ChargerOutcome,
  GatewayReporter,
} from '../modules/commands/gateway.ts';
import type { Charger, ChargerRegistry } from './chargers.ts';
import { connectorOfEvse } from './chargers.ts';
import type { CallOutcome, OcppBridge } from './csms.ts';

/** OCPP 1.6 idTags are CiString20; longer token uids would need a mapping (not done yet). */
const MAX_ID_TAG = 20;

/** Where a command goes: the charger, and its connector when the command names an EVSE. */
interface Target {
  charger: Charger;
  connectorId?: number;
}

/** The OCPI result of a charger's status answer (RemoteStart/Stop: Accepted/Rejected; UnlockConnector). */
const RESULTS: Record<string, ChargerOutcome> = {
  Accepted: 'ACCEPTED',
  Rejected: 'REJECTED',
  Unlocked: 'ACCEPTED',
  UnlockFailed: 'FAILED',
  NotSupported: 'NOT_SUPPORTED',
};

/**
 * The charger gateway over OCPP 1.6: START_SESSION is a RemoteStartTransaction (idTag =
 * the token's uid, connectorId = the EVSE's), STOP_SESSION a RemoteStopTransaction
 * (transactionId = the session id, which is the charger's transaction id), UNLOCK_CONNECTOR
 * an UnlockConnector. The charger's answer is the result; a charger that does not answer
 * is left to the node's TIMEOUT. Reservations and charging profiles are not taken yet:
 * NOT_SUPPORTED.
 */
export class Ocpp16Gateway implements ChargerGateway {
  constructor(
    private readonly bridge: OcppBridge,
    private readonly chargers: ChargerRegistry,
  ) {}

  async execute(command: ChargerCommand, report: GatewayReporter): Promise<void> {
    const done = (outcome: ChargerOutcome, message?: string) =>
      report.outcome(command.commandId, outcome, message);
    switch (command.type) {
      case 'START_SESSION': {
        if (command.token.uid.length > MAX_ID_TAG)
          return done(
            'NOT_SUPPORTED',
            `token uids over ${MAX_ID_TAG} characters are not mapped to OCPP 1.6 idTags yet`,
          );
        const target = await this.target(command.locationId, command.evseUid);
        if (!target) return done('FAILED', 'no charger of ours has that EVSE');
        const params = {
          idTag: command.token.uid,
          ...(target.connectorId !== undefined ? { connectorId: target.connectorId } : {}),
        };
        return this.answer(await this.bridge.call(target.charger.id, 'RemoteStartTransaction', params), done);
      }
      case 'STOP_SESSION': {
        const transactionId = Number(command.sessionId);
        if (!Number.isSafeInteger(transactionId)) return done('REJECTED', 'not a session of our chargers');
        const target = command.locationId
          ? await this.target(command.locationId, command.evseUid)
          : undefined;
        if (!target) return done('FAILED', 'the charger of the session is not known');
        return this.answer(
          await this.bridge.call(target.charger.id, 'RemoteStopTransaction', { transactionId }),
          done,
        );
      }
      case 'UNLOCK_CONNECTOR': {
        const target = await this.target(command.locationId, command.evseUid);
        if (target?.connectorId === undefined) return done('FAILED', 'no charger of ours has that EVSE');
        return this.answer(
          await this.bridge.call(target.charger.id, 'UnlockConnector', { connectorId: target.connectorId }),
          done,
        );
      }
      default:
        return done('NOT_SUPPORTED', `${command.type} is not supported over OCPP yet`);
    }
  }

  /** The charger of an EVSE of a Location, or the Location's only charger when no EVSE is named. */
  private async target(locationId: string, evseUid: string | undefined): Promise<Target | undefined> {
    const chargers = await this.chargers.atLocation(locationId);
    if (evseUid === undefined)
      return chargers.length === 1 && chargers[0] ? { charger: chargers[0] } : undefined;
    for (const charger of chargers) {
      const location = await this.chargers.locationOf(charger);
      const connectorId = location && connectorOfEvse(charger, location, evseUid);
      if (connectorId !== undefined) return { charger, connectorId };
    }
    return undefined;
  }

  private answer(outcome: CallOutcome, done: (outcome: ChargerOutcome, message?: string) => void): void {
    if (outcome.kind === 'offline') {
      done('FAILED', 'the charger is offline');
    } else if (outcome.kind === 'refused') {
      const unsupported = outcome.code === 'NotSupported' || outcome.code === 'NotImplemented';
      done(unsupported ? 'NOT_SUPPORTED' : 'FAILED', `the charger answered ${outcome.code}`);
    } else if (outcome.kind === 'answered') {
      const payload = outcome.payload;
      const status =
        typeof payload === 'object' && payload !== null && 'status' in payload ? String(payload.status) : '';
      done(RESULTS[status] ?? 'FAILED', `the charger answered ${status}`);
    }
    // 'lost', no answer: the node sends TIMEOUT when its command timeout runs out.
  }
}
