import type { Clock } from '../clock.ts';
import type { Token } from '../model/v230/tokens.ts';
import type { ChargerCommand, ChargerOutcome, GatewayReporter } from '../modules/commands/gateway.ts';
import type { OcppRepository } from '../store/ocpp-repository.ts';
import type { Ocpp201Repository } from '../store/ocpp201-repository.ts';
import type { ChargerRegistry } from './chargers.ts';
import { answer, findTarget, statusOf } from './command-results.ts';
import type { ChargerCalls } from './routes.ts';

/** What the 2.0.1 gateway works with. */
export interface Ocpp201GatewayParts {
  /** The chargers, connected to this instance or (PostgreSQL) to another. */
  bridge: ChargerCalls;
  chargers: ChargerRegistry;
  repo: OcppRepository;
  repo201: Ocpp201Repository;
  clock: Clock;
}

/** The version a charger reports when it connects with subprotocol `ocpp2.0.1`. */
export const OCPP_201 = '2.0.1';

/**
 * The IdTokenType of an OCPI Token: an RFID card is ISO14443 (the common MIFARE cards);
 * app, ad-hoc and other tokens are Central, "a centrally, in the CSMS (or other server)
 * generated id", which is what an eMSP's token is to the charger. 2.0.1 idTokens take 36
 * characters, as OCPI uids: sent as they are, never mapped as 1.6's idTags are.
 */
function idTokenOf(token: Token): { idToken: string; type: string } {
  return { idToken: token.uid, type: token.type === 'RFID' ? 'ISO14443' : 'Central' };
}

/**
 * The charger gateway for chargers that connected with OCPP 2.0.1 (Ocpp16Gateway hands it
 * their commands):
 *
 * - START_SESSION: RequestStartTransaction {idToken, remoteStartId, evseId}; the remote
 *   start is noted first (with the integer remoteStartId the charger's TransactionEvent
 *   gives back), so that the transaction it causes is its Session;
 * - STOP_SESSION: RequestStopTransaction with the charger's transactionId of the session;
 * - RESERVE_NOW / CANCEL_RESERVATION: ReserveNow {id, expiryDateTime, idToken, evseId} /
 *   CancelReservation {reservationId}, the same integer id 1.6 uses for the reservation;
 * - UNLOCK_CONNECTOR: UnlockConnector {evseId, connectorId}, connectorId the place of the
 *   OCPI connector in its EVSE (1, 2, …).
 *
 * Answers become results as with 1.6 (command-results.ts).
 */
export class Ocpp201Gateway {
  constructor(private readonly parts: Ocpp201GatewayParts) {}

  /** Whether a command is for a 2.0.1 charger (a STOP_SESSION: for a 2.0.1 transaction). */
  async takes(command: ChargerCommand): Promise<boolean> {
    if (command.type === 'STOP_SESSION') {
      const transaction = await this.parts.repo.bySession(command.sessionId);
      return transaction !== undefined && transaction.ocpp_transaction_id !== null;
    }
    const target = await findTarget(this.parts.chargers, command.locationId, command.evseUid);
    return target?.charger.ocppVersion === OCPP_201;
  }

  async execute(command: ChargerCommand, report: GatewayReporter): Promise<void> {
    const done = (outcome: ChargerOutcome, message?: string) =>
      report.outcome(command.commandId, outcome, message);
    const { bridge, repo, repo201, chargers } = this.parts;
    if (command.type === 'STOP_SESSION') {
      const transaction = await repo.bySession(command.sessionId);
      if (!transaction?.ocpp_transaction_id)
        return done('REJECTED', 'no session of our chargers has that id');
      if (transaction.stopped_at !== null) return done('REJECTED', 'the session has stopped already');
      return answer(
        await bridge.call(transaction.charger_id, 'RequestStopTransaction', {
          transactionId: transaction.ocpp_transaction_id,
        }),
        done,
      );
    }
    if (command.type === 'CANCEL_RESERVATION') {
      const reservationId = await repo.knownReservationId(command.reservationId);
      if (reservationId === undefined) return done('UNKNOWN_RESERVATION');
    }
    const target = await findTarget(chargers, command.locationId, command.evseUid);
    if (!target) return done('FAILED', 'no charger of ours has that EVSE');
    const evseId = target.connectorId;
    const chargerId = target.charger.id;
    switch (command.type) {
      case 'START_SESSION': {
        await repo.addRemoteStart({
          commandId: command.commandId,
          chargerId,
          ...(evseId !== undefined ? { connectorId: evseId } : {}),
          idTag: command.token.uid,
          sentAt: new Date(this.parts.clock.now()),
        });
        const remoteStartId = await repo201.remoteStartId(command.commandId);
        const outcome = await bridge.call(chargerId, 'RequestStartTransaction', {
          idToken: idTokenOf(command.token),
          remoteStartId,
          ...(evseId !== undefined ? { evseId } : {}),
        });
        // Not accepted: no transaction is to be taken for it. Lost: the charger may still start.
        if (outcome.kind !== 'lost' && statusOf(outcome) !== 'Accepted')
          await repo.removeRemoteStart(command.commandId);
        return answer(outcome, done);
      }
      case 'RESERVE_NOW':
        return answer(
          await bridge.call(chargerId, 'ReserveNow', {
            id: await repo.reservationId(command.reservationId),
            expiryDateTime: command.expiryDate,
            idToken: idTokenOf(command.token),
            // No evseId: any EVSE of the charger (a reservation of the Location).
            ...(evseId !== undefined ? { evseId } : {}),
          }),
          done,
        );
      case 'CANCEL_RESERVATION':
        return answer(
          await bridge.call(chargerId, 'CancelReservation', {
            reservationId: await repo.reservationId(command.reservationId),
          }),
          done,
        );
      case 'UNLOCK_CONNECTOR': {
        const location = await chargers.locationOf(target.charger);
        const evse = location?.evses?.find((e) => e.uid === command.evseUid);
        const connectorId = (evse?.connectors.findIndex((c) => c.id === command.connectorId) ?? -1) + 1;
        if (evseId === undefined || connectorId === 0)
          return done('FAILED', 'no charger of ours has that connector');
        return answer(await bridge.call(chargerId, 'UnlockConnector', { evseId, connectorId }), done);
      }
    }
  }
}
