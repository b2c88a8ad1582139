import { randomUUID } from 'node:crypto';
import type { GatewayReporter } from '../modules/commands/gateway.ts';
import type { OcppTransactionRow } from '../store/ocpp-repository.ts';
import type { Ocpp201Repository } from '../store/ocpp201-repository.ts';
import { type IdTagDecision, REMOTE_START_SECONDS } from './authorize-16.ts';
import { type Charger, evseOfConnector } from './chargers.ts';
import type { TransactionEventAnswer201 } from './handlers-201.ts';
import { energyWh201, lastEnergyWh201, type TransactionEvent201 } from './messages-201.ts';
import { kwhBetween, reportSession, sessionEvent } from './session-events.ts';
import type { TransactionParts } from './transactions-16.ts';

/** What the 2.0.1 transactions need: what 1.6's do, and the 2.0.1 queries. */
export interface Transaction201Parts extends TransactionParts {
  repo201: Ocpp201Repository;
}

/**
 * OCPP 2.0.1 TransactionEvents to OCPI Sessions, through the same store and session
 * events as 1.6 (transactions-16.ts):
 *
 * - Started records the transaction under the charger's transactionId, with an OCPI
 *   session id made for it. It is a Session (sessionStarted) once authorized: by the
 *   remoteStartId of a RequestStartTransaction we sent that charger in the last
 *   REMOTE_START_SECONDS (linked to that START_SESSION), else by its idToken, decided as
 *   1.6's idTags are (IdTagAuthorizer). A Started without either (a cable plugged in
 *   first) waits for the Updated that brings the idToken; its Session counts the energy
 *   from that event's reading on (what flowed before is not the token's to pay).
 * - Updated reports the energy since the first reading (sessionProgress), Ended completes
 *   the Session (sessionStopped) with the last reading; the CDR follows from the tracker.
 * - A TransactionEvent seen before (same transactionId and seqNo: a retry) is answered and
 *   not handled again; an Updated or Ended of a transaction we do not know is answered and
 *   logged, and changes nothing.
 *
 * The energy register is Energy.Active.Import.Register in the event's meterValue (Wh or
 * kWh, with the unit's multiplier); a transaction whose Started has none starts at its
 * first reading.
 */
export class Transactions201 {
  constructor(private readonly parts: Transaction201Parts) {}

  /** The charger's time when it gave a readable one, else now. */
  private timeOf(timestamp: string): Date {
    const at = Date.parse(timestamp);
    return new Date(Number.isNaN(at) ? this.parts.clock.now() : at);
  }

  async event(charger: Charger, request: TransactionEvent201): Promise<TransactionEventAnswer201> {
    const id = request.transactionInfo.transactionId;
    const { repo201, log } = this.parts;
    let row = await repo201.transaction(charger.id, id);
    if (row && (await repo201.seen(charger.id, id, request.seqNo))) {
      log.info(
        { charger: charger.id, transactionId: id, seqNo: request.seqNo },
        'OCPP: TransactionEvent sent again; answered, not handled twice',
      );
      return this.answer(request, row.accepted ? 'Accepted' : 'Invalid');
    }
    let status: IdTagDecision['status'] | undefined;
    if (!row) {
      if (request.eventType !== 'Started') {
        log.warn(
          { charger: charger.id, transactionId: id, eventType: request.eventType },
          'OCPP: a transaction we do not know',
        );
        return this.answer(request, 'Invalid');
      }
      ({ row, status } = await this.start(charger, request));
    } else if (!row.accepted && row.stopped_at === null) {
      ({ row, status } = await this.authorizeLater(charger, row, request));
    }
    if (row.stopped_at === null) await this.metered(charger, row, request);
    await repo201.handled(charger.id, id, request.seqNo);
    return this.answer(request, status ?? (row.accepted ? 'Accepted' : 'Invalid'));
  }

  private answer(request: TransactionEvent201, status: IdTagDecision['status']): TransactionEventAnswer201 {
    return request.idToken ? { idTokenInfo: { status } } : {};
  }

  /** Who a transaction is for: its remote start's command, or its idToken's decision. */
  private async decide(
    charger: Charger,
    request: TransactionEvent201,
    evseId: number | undefined,
  ): Promise<IdTagDecision | undefined> {
    const remoteStartId = request.transactionInfo.remoteStartId;
    if (remoteStartId !== undefined) {
      const since = new Date(this.parts.clock.now() - REMOTE_START_SECONDS * 1000);
      const commandId = await this.parts.repo201.commandOfRemoteStart(charger.id, remoteStartId, since);
      if (commandId) return { status: 'Accepted', commandId };
    }
    if (!request.idToken) return undefined;
    return this.parts.authorizer.decide(charger.id, request.idToken.idToken, evseId);
  }

  private async start(
    charger: Charger,
    request: TransactionEvent201,
  ): Promise<{ row: OcppTransactionRow; status?: IdTagDecision['status'] }> {
    const location = await this.parts.chargers.locationOf(charger);
    const evseId = request.evse?.id;
    const evseUid = location && evseId !== undefined ? evseOfConnector(charger, location, evseId) : undefined;
    if (!evseUid)
      this.parts.log.warn(
        { charger: charger.id, evseId },
        'OCPP: a transaction on an EVSE that is none of ours',
      );
    const decision = await this.decide(charger, request, evseId);
    const status = decision && !evseUid ? 'Invalid' : decision?.status;
    const firstWh = request.meterValue?.map(energyWh201).find((wh) => wh !== undefined);
    const { row, created } = await this.parts.repo201.startTransaction({
      sessionId: randomUUID(),
      chargerId: charger.id,
      ocppTransactionId: request.transactionInfo.transactionId,
      evseId: evseId ?? 0,
      ...(request.evse?.connectorId !== undefined ? { connector: request.evse.connectorId } : {}),
      startedAt: this.timeOf(request.timestamp),
      idToken: request.idToken?.idToken ?? '',
      ...(firstWh !== undefined ? { meterStart: firstWh } : {}),
      locationId: charger.locationId,
      evseUid: evseUid ?? '',
      ...(decision?.commandId ? { commandId: decision.commandId } : {}),
      ...(decision?.token ? { token: JSON.stringify(decision.token) } : {}),
      accepted: status === 'Accepted',
    });
    if (created && row.accepted) this.started(row, request, location);
    return { row, ...(status ? { status } : {}) };
  }

  /** A transaction not authorized yet: this event's remoteStartId or idToken may. */
  private async authorizeLater(
    charger: Charger,
    row: OcppTransactionRow,
    request: TransactionEvent201,
  ): Promise<{ row: OcppTransactionRow; status?: IdTagDecision['status'] }> {
    if (!row.evse_uid) return { row };
    const decision = await this.decide(charger, request, row.connector_id);
    if (decision?.status !== 'Accepted') return { row, ...(decision ? { status: decision.status } : {}) };
    const wh = request.meterValue?.map(energyWh201).find((reading) => reading !== undefined);
    const accepted = await this.parts.repo201.authorize(row, {
      idToken: request.idToken?.idToken ?? row.id_tag,
      ...(wh !== undefined ? { meterStart: wh } : {}),
      ...(decision.commandId ? { commandId: decision.commandId } : {}),
      ...(decision.token ? { token: JSON.stringify(decision.token) } : {}),
    });
    if (!accepted) return { row, status: decision.status };
    this.started(accepted, request, await this.parts.chargers.locationOf(charger));
    return { row: accepted, status: decision.status };
  }

  private started(
    row: OcppTransactionRow,
    request: TransactionEvent201,
    location: Awaited<ReturnType<Transaction201Parts['chargers']['locationOf']>>,
  ): void {
    const at = this.timeOf(request.timestamp);
    const event = sessionEvent(row, 0, at, location, row.evse_connector ?? undefined);
    this.report(row, (r) => r.sessionStarted(event));
  }

  /** The energy of an event: progress while it runs, the Session completed at its end. */
  private async metered(
    charger: Charger,
    row: OcppTransactionRow,
    request: TransactionEvent201,
  ): Promise<void> {
    const wh = lastEnergyWh201(request.meterValue);
    const startWh = wh === undefined ? undefined : await this.parts.repo201.reading(row, wh);
    const at = this.timeOf(request.timestamp);
    const connector = row.evse_connector ?? undefined;
    if (request.eventType === 'Ended') {
      if (!(await this.parts.repo.stop(charger.id, row.transaction_id, at)) || !row.accepted) return;
      const lastWh = wh ?? (row.meter_last === null ? undefined : Number(row.meter_last));
      const start = startWh ?? (row.meter_start === null ? undefined : Number(row.meter_start));
      const kwh = lastWh === undefined || start === undefined ? 0 : kwhBetween(start, lastWh);
      const location = await this.parts.chargers.locationOf(charger);
      this.report(row, (r) => r.sessionStopped(sessionEvent(row, kwh, at, location, connector)));
    } else if (row.accepted && wh !== undefined && startWh !== undefined && request.eventType === 'Updated') {
      const location = await this.parts.chargers.locationOf(charger);
      const kwh = kwhBetween(startWh, wh);
      this.report(row, (r) => r.sessionProgress(sessionEvent(row, kwh, at, location, connector)));
    }
  }

  private report(row: OcppTransactionRow, send: (reporter: GatewayReporter) => void): void {
    reportSession(this.parts.reporter(), this.parts.log, row, send);
  }
}
