import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Location } from '../model/v230/locations.ts';
import type { ChargerSessionEvent, GatewayReporter } from '../modules/commands/gateway.ts';
import type { OcppRepository, OcppTransactionRow } from '../store/ocpp-repository.ts';
import type { IdTagAuthorizer } from './authorize-16.ts';
import { type Charger, type ChargerRegistry, evseOfConnector } from './chargers.ts';
import type {
  AuthorizationStatus16,
  MeterValue16,
  MeterValues16,
  StartTransaction16,
  StopTransaction16,
} from './messages-16.ts';
import { kwhBetween, reportSession, sessionEvent } from './session-events.ts';

/** What the transactions need. `reporter` is there once the node attached the gateway. */
export interface TransactionParts {
  repo: OcppRepository;
  chargers: ChargerRegistry;
  authorizer: IdTagAuthorizer;
  clock: Clock;
  log: FastifyBaseLogger;
  reporter(): GatewayReporter | undefined;
}

const ENERGY = 'Energy.Active.Import.Register';

/** The energy register of a meter value, in Wh (kWh converted), if it has one. */
export function energyWh(value: MeterValue16): number | undefined {
  const sample =
    value.sampledValue.find((s) => (s.measurand ?? ENERGY) === ENERGY && s.phase === undefined) ??
    value.sampledValue.find((s) => (s.measurand ?? ENERGY) === ENERGY);
  if (!sample || (sample.format ?? 'Raw') !== 'Raw') return undefined;
  const number = Number(sample.value);
  if (!Number.isFinite(number)) return undefined;
  return sample.unit === 'kWh' ? number * 1000 : number;
}

/**
 * OCPP 1.6 transactions to OCPI Sessions. StartTransaction records the transaction
 * (its transactionId is ours, a serial of the store) with an OCPI session id made for it,
 * and starts the Session when its idTag is Accepted, linked to the START_SESSION that
 * caused it; MeterValues report the energy since meterStart; StopTransaction completes
 * the Session, whose CDR the session tracker issues. Everything is read from the store,
 * so a node restarted mid-transaction (or another instance) finishes it.
 *
 * A StartTransaction sent again (a charger retrying after a reconnect: same connector and
 * start time) gets the same transactionId and starts no second Session; a StopTransaction
 * for a transaction we do not know, or one already stopped, is answered and changes nothing.
 */
export class Transactions16 {
  constructor(private readonly parts: TransactionParts) {}

  /** Now, or the charger's time when it gave a readable one. */
  private timeOf(timestamp: string | undefined): Date {
    const at = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
    return new Date(Number.isNaN(at) ? this.parts.clock.now() : at);
  }

  async start(
    charger: Charger,
    request: StartTransaction16,
  ): Promise<{ transactionId: number; idTagInfo: { status: AuthorizationStatus16 } }> {
    const location = await this.parts.chargers.locationOf(charger);
    const evseUid = location && evseOfConnector(charger, location, request.connectorId);
    const decision = await this.parts.authorizer.decide(charger.id, request.idTag, request.connectorId);
    const status: AuthorizationStatus16 = evseUid ? decision.status : 'Invalid';
    if (!evseUid)
      this.parts.log.warn(
        { charger: charger.id, connectorId: request.connectorId },
        'OCPP: a transaction on a connector that is no EVSE of ours',
      );
    const { row, created } = await this.parts.repo.startTransaction({
      sessionId: randomUUID(),
      chargerId: charger.id,
      connectorId: request.connectorId,
      startedAt: this.timeOf(request.timestamp),
      idTag: request.idTag,
      meterStart: request.meterStart,
      locationId: charger.locationId,
      evseUid: evseUid ?? '',
      ...(decision.commandId ? { commandId: decision.commandId } : {}),
      ...(decision.token ? { token: JSON.stringify(decision.token) } : {}),
      accepted: status === 'Accepted',
    });
    if (!created)
      this.parts.log.info(
        { charger: charger.id, transactionId: row.transaction_id },
        'OCPP: StartTransaction sent again; answered with the transaction it started',
      );
    else if (row.accepted)
      this.report(row, (r) => r.sessionStarted(this.event(row, 0, new Date(row.started_at), location)));
    return {
      transactionId: row.transaction_id,
      idTagInfo: { status: created ? status : row.accepted ? 'Accepted' : 'Invalid' },
    };
  }

  async meterValues(charger: Charger, request: MeterValues16): Promise<void> {
    if (request.transactionId === undefined) return;
    const row = await this.live(charger, request.transactionId, 'MeterValues');
    if (!row) return;
    const location = await this.parts.chargers.locationOf(charger);
    for (const value of request.meterValue) {
      const wh = energyWh(value);
      if (wh === undefined) continue;
      const kwh = kwhBetween(Number(row.meter_start), wh);
      this.report(row, (r) =>
        r.sessionProgress(this.event(row, kwh, this.timeOf(value.timestamp), location)),
      );
    }
  }

  async stop(charger: Charger, request: StopTransaction16): Promise<{ idTagInfo?: { status: 'Accepted' } }> {
    const answer = request.idTag === undefined ? {} : { idTagInfo: { status: 'Accepted' as const } };
    const row = await this.live(charger, request.transactionId, 'StopTransaction');
    if (!row) return answer;
    const at = this.timeOf(request.timestamp);
    if (!(await this.parts.repo.stop(charger.id, row.transaction_id, at))) return answer;
    const kwh = kwhBetween(Number(row.meter_start), request.meterStop);
    const location = await this.parts.chargers.locationOf(charger);
    if (row.accepted) this.report(row, (r) => r.sessionStopped(this.event(row, kwh, at, location)));
    return answer;
  }

  /** A transaction of this charger that has not stopped; logged when there is none. */
  private async live(
    charger: Charger,
    transactionId: number,
    action: string,
  ): Promise<OcppTransactionRow | undefined> {
    const row = await this.parts.repo.transaction(charger.id, transactionId);
    if (!row || row.stopped_at !== null) {
      this.parts.log.warn(
        { charger: charger.id, transactionId, action },
        row ? 'OCPP: a transaction that has stopped already' : 'OCPP: a transaction we do not know',
      );
      return undefined;
    }
    return row;
  }

  private report(row: OcppTransactionRow, send: (reporter: GatewayReporter) => void): void {
    reportSession(this.parts.reporter(), this.parts.log, row, send);
  }

  private event(
    row: OcppTransactionRow,
    kwh: number,
    at: Date,
    location: Location | undefined,
  ): ChargerSessionEvent {
    return sessionEvent(row, kwh, at, location);
  }
}
