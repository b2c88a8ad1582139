import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.ts';
import type { GatewayReporter } from '../modules/commands/gateway.ts';
import type { OcppReservationRepository } from '../store/ocpp-reservation-repository.ts';
import type { StatusNotification16 } from './messages-16.ts';

/** Connector states of a session using the reservation (OCPP 1.6 ChargePointStatus). */
const IN_USE = new Set(['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing']);

export interface ReservationWatchParts {
  repo: OcppReservationRepository;
  clock: Clock;
  log: FastifyBaseLogger;
  reporter(): GatewayReporter | undefined;
}

/**
 * Notices a charger ending a reservation on its own, from its StatusNotifications (OCPP
 * 1.6 has no message for it). The rule:
 *
 * - a reservation is watched from the ReserveNow we send for one connector until the
 *   charger refuses it, we cancel it, or it ends as below; a reservation of the whole
 *   charger (connectorId 0) is not: the charger shows it on a connector of its choice;
 * - the connector reporting Reserved marks it seen; leaving Reserved ends it, once:
 *   - to Preparing, Charging, SuspendedEV/EVSE or Finishing: a session uses it, nothing
 *     to tell;
 *   - to anything else (Available, Unavailable, Faulted) before its expiry_date: the
 *     charger dropped it, the eMSP gets CANCELED_RESERVATION ("canceled by the CPO");
 *   - at or after its expiry_date: it simply expired, which the eMSP knows from the
 *     expiry_date it set: nothing is sent (CANCELED_RESERVATION would claim a cancellation).
 *
 * The node sends CANCELED_RESERVATION only for a reservation still active at the OCPI
 * level: one the eMSP cancelled itself meanwhile is not reported back.
 */
export class ReservationWatch16 {
  constructor(private readonly parts: ReservationWatchParts) {}

  async statusReported(chargerId: string, report: StatusNotification16): Promise<void> {
    if (report.connectorId === 0) return;
    if (report.status === 'Reserved') {
      await this.parts.repo.seen(chargerId, report.connectorId);
      return;
    }
    const ended = await this.parts.repo.endAll(chargerId, report.connectorId);
    if (IN_USE.has(report.status)) return;
    const now = this.parts.clock.now();
    for (const reservation of ended) {
      if (reservation.expiresAt.getTime() <= now) continue;
      const reporter = this.parts.reporter();
      if (!reporter) {
        this.parts.log.warn(
          { charger: chargerId },
          'OCPP: a reservation ended while no reporter is attached',
        );
        continue;
      }
      reporter.reservationCancelled(
        reservation.chargerReservationId,
        `the charger ended the reservation (connector ${report.connectorId} ${report.status})`,
      );
    }
  }
}
