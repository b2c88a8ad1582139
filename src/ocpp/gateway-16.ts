import type { Clock } from '../clock.ts';
import type {
  ChargerCommand,
  ChargerGateway,
  ChargerOutcome,
  ChargerProfileRequest,
  GatewayReporter,
} from '../modules/commands/gateway.ts';
import type { OcppRepository } from '../store/ocpp-repository.ts';
import type { OcppReservationRepository } from '../store/ocpp-reservation-repository.ts';
import type { ChargerRegistry } from './chargers.ts';
import { answer, findTarget, statusOf, type Target } from './command-results.ts';
import type { Ocpp201Gateway } from './gateway-201.ts';
import type { IdTags } from './id-tags.ts';
import { runProfile } from './profiles.ts';
import { calls16 } from './profiles-16.ts';
import { calls201 } from './profiles-201.ts';
import type { ChargerCalls } from './routes.ts';

/** What the gateway works with. */
export interface Ocpp16GatewayParts {
  /** The chargers, connected to this instance or (PostgreSQL) to another. */
  bridge: ChargerCalls;
  chargers: ChargerRegistry;
  repo: OcppRepository;
  /** What the chargers hold of our reservations (reservations-16.ts watches them). */
  reservations: OcppReservationRepository;
  idTags: IdTags;
  clock: Clock;
  /** Takes the commands for chargers that connected with OCPP 2.0.1. */
  v201?: Ocpp201Gateway;
}

/**
 * The charger gateway over OCPP 1.6:
 *
 * - START_SESSION: RemoteStartTransaction (idTag = the token's uid, or the short idTag
 *   that stands for a longer one; connectorId = the EVSE's), noted as a pending remote
 *   start first, so that the StartTransaction it causes (however soon) is its Session;
 * - STOP_SESSION: RemoteStopTransaction with the transactionId of the OCPI session, on
 *   the charger that runs it;
 * - RESERVE_NOW / CANCEL_RESERVATION: ReserveNow / CancelReservation with an integer
 *   reservationId kept for the command's reservation id (the same one to cancel);
 * - UNLOCK_CONNECTOR: UnlockConnector;
 * - ChargingProfiles: see runProfile(), over 1.6 (profiles-16.ts) or, for a transaction of
 *   a 2.0.1 charger, over 2.0.1 (profiles-201.ts).
 *
 * The charger's answer is the result; a charger that does not answer is left to the
 * node's TIMEOUT. The reporter the node attaches is what transactions report to. A command
 * for a charger that connected with OCPP 2.0.1 goes to the 2.0.1 gateway (gateway-201.ts).
 */
export class Ocpp16Gateway implements ChargerGateway {
  /** The node's reporter, once attached. */
  reporter: GatewayReporter | undefined;

  constructor(private readonly parts: Ocpp16GatewayParts) {}

  attach(report: GatewayReporter): void {
    this.reporter = report;
  }

  /**
   * Smart charging: SetChargingProfile, GetCompositeSchedule, ClearChargingProfile
   * (profiles.ts), in the OCPP version of the session's transaction: a 2.0.1 one has the
   * charger's own transaction id.
   */
  profile(request: ChargerProfileRequest, report: GatewayReporter): Promise<void> {
    const { bridge, repo, clock } = this.parts;
    return runProfile(request, report, {
      repo,
      clock,
      callsFor: (tx) => (tx.ocpp_transaction_id !== null ? calls201 : calls16)(bridge, tx),
    });
  }

  async execute(command: ChargerCommand, report: GatewayReporter): Promise<void> {
    const done = (outcome: ChargerOutcome, message?: string) =>
      report.outcome(command.commandId, outcome, message);
    const { bridge, repo, idTags, v201 } = this.parts;
    if (v201 && (await v201.takes(command))) return v201.execute(command, report);
    switch (command.type) {
      case 'START_SESSION': {
        const target = await this.target(command.locationId, command.evseUid);
        if (!target) return done('FAILED', 'no charger of ours has that EVSE');
        const idTag = await idTags.idTagOf(command.token.uid);
        await repo.addRemoteStart({
          commandId: command.commandId,
          chargerId: target.charger.id,
          ...(target.connectorId !== undefined ? { connectorId: target.connectorId } : {}),
          idTag,
          sentAt: new Date(this.parts.clock.now()),
        });
        const params = {
          idTag,
          ...(target.connectorId !== undefined ? { connectorId: target.connectorId } : {}),
        };
        const outcome = await bridge.call(target.charger.id, 'RemoteStartTransaction', params);
        // Not accepted: no StartTransaction is to be taken for it. Lost: the charger may still start.
        if (outcome.kind !== 'lost' && statusOf(outcome) !== 'Accepted')
          await repo.removeRemoteStart(command.commandId);
        return answer(outcome, done);
      }
      case 'STOP_SESSION': {
        const transaction = await repo.bySession(command.sessionId);
        if (!transaction) return done('REJECTED', 'no session of our chargers has that id');
        if (transaction.stopped_at !== null) return done('REJECTED', 'the session has stopped already');
        return answer(
          await bridge.call(transaction.charger_id, 'RemoteStopTransaction', {
            transactionId: transaction.transaction_id,
          }),
          done,
        );
      }
      case 'RESERVE_NOW': {
        const target = await this.target(command.locationId, command.evseUid);
        if (!target) return done('FAILED', 'no charger of ours has that EVSE');
        const params = {
          // connectorId 0: any connector of the charger (a reservation of the Location).
          connectorId: target.connectorId ?? 0,
          expiryDate: command.expiryDate,
          idTag: await idTags.idTagOf(command.token.uid),
          reservationId: await repo.reservationId(command.reservationId),
        };
        // Held before it is sent, so that a Reserved status however soon finds it.
        const { reservations } = this.parts;
        await reservations.held(
          params.reservationId,
          target.charger.id,
          params.connectorId,
          new Date(command.expiryDate),
        );
        const outcome = await bridge.call(target.charger.id, 'ReserveNow', params);
        if (outcome.kind !== 'lost' && statusOf(outcome) !== 'Accepted')
          await reservations.ended(params.reservationId);
        return answer(outcome, done);
      }
      case 'CANCEL_RESERVATION': {
        const reservationId = await repo.knownReservationId(command.reservationId);
        if (reservationId === undefined) return done('UNKNOWN_RESERVATION');
        const target = await this.target(command.locationId, command.evseUid);
        if (!target) return done('FAILED', 'no charger of ours has that EVSE');
        const outcome = await bridge.call(target.charger.id, 'CancelReservation', { reservationId });
        if (statusOf(outcome) === 'Accepted') await this.parts.reservations.ended(reservationId);
        return answer(outcome, done);
      }
      case 'UNLOCK_CONNECTOR': {
        const target = await this.target(command.locationId, command.evseUid);
        if (target?.connectorId === undefined) return done('FAILED', 'no charger of ours has that EVSE');
        return answer(
          await bridge.call(target.charger.id, 'UnlockConnector', { connectorId: target.connectorId }),
          done,
        );
      }
    }
  }

  /** The charger of an EVSE of a Location, or the Location's only charger when no EVSE is named. */
  private target(locationId: string, evseUid: string | undefined): Promise<Target | undefined> {
    return findTarget(this.parts.chargers, locationId, evseUid);
  }
}
