import { randomUUID } from 'node:crypto';
import type { ClockTimer } from '../clock.ts';
import { type ChargerSimulatorOptions, SimulatorBase } from './simulator-base.ts';
import type { ProfileAction } from './simulator-profiles.ts';

/** The remote calls the 2.0.1 simulator answers (CSMS to charging station). */
export type RemoteAction201 =
  | 'RequestStartTransaction'
  | 'RequestStopTransaction'
  | 'UnlockConnector'
  | 'ReserveNow'
  | 'CancelReservation'
  | ProfileAction;

const DEFAULT_ANSWERS: Record<Exclude<RemoteAction201, ProfileAction>, string> = {
  RequestStartTransaction: 'Accepted',
  RequestStopTransaction: 'Accepted',
  UnlockConnector: 'Unlocked',
  ReserveNow: 'Accepted',
  CancelReservation: 'Accepted',
};

/** A transaction the 2.0.1 simulator runs on an EVSE (its connector 1). */
export interface SimulatedTransaction201 {
  evseId: number;
  transactionId: string;
  idToken: string;
  /** The CSMS's idTokenInfo.status for its Started event, if it had an idToken. */
  status: string;
  meterStartWh: number;
}

type Running201 = SimulatedTransaction201 & { seqNo: number; timer?: ClockTimer };

function field(params: unknown, name: string): unknown {
  return typeof params === 'object' && params !== null ? Reflect.get(params, name) : undefined;
}

/**
 * An OCPP 2.0.1 charging station, for demos and tests, as ChargerSimulator is a 1.6 one
 * (the same options, `connectors` being its EVSEs, each of one connector): boots, reports
 * each EVSE's connector Available, sends heartbeats, answers remote calls as scripted
 * (accepting by default). An accepted RequestStartTransaction is followed by a
 * TransactionEvent Started (its remoteStartId, idToken, EVSE and energy register), meter
 * readings are TransactionEvent Updated, and an accepted RequestStopTransaction ends it
 * (Ended). It holds charging profiles as the 1.6 one does (simulator-profiles.ts).
 * Events: 'call', 'transaction-started', 'transaction-stopped', 'failure', 'close'.
 */
export class ChargerSimulator201 extends SimulatorBase<Running201, RemoteAction201> {
  constructor(options: ChargerSimulatorOptions) {
    super(options, 'ocpp2.0.1', DEFAULT_ANSWERS);
  }

  protected bootPayload(): Record<string, unknown> {
    return { reason: 'PowerUp', chargingStation: { vendorName: 'ocpi-toolkit', model: 'simulator' } };
  }

  /** Sends a StatusNotification (ConnectorStatusEnumType: Available, Occupied, Reserved, Unavailable, Faulted). */
  async status(evseId: number, connectorStatus: string, connectorId = 1): Promise<void> {
    await this.call('StatusNotification', { timestamp: this.now(), connectorStatus, evseId, connectorId });
  }

  transaction(evseId = 1): SimulatedTransaction201 | undefined {
    const running = this.running.get(evseId);
    if (!running) return undefined;
    const { timer: _timer, seqNo: _seqNo, ...transaction } = running;
    return transaction;
  }

  /**
   * Starts a transaction on an EVSE: Occupied, then TransactionEvent Started with the
   * idToken (and the remoteStartId of a remote start). One the CSMS does not accept is
   * ended at once (Ended, DeAuthorized). Emits 'transaction-started'.
   */
  async startTransaction(
    evseId: number,
    idToken: string,
    remoteStartId?: number,
  ): Promise<SimulatedTransaction201> {
    const meterStartWh = this.register(evseId);
    const transaction = { evseId, transactionId: randomUUID(), idToken, status: 'Invalid', meterStartWh };
    const running: Running201 = { ...transaction, seqNo: 0 };
    this.running.set(evseId, running);
    await this.status(evseId, 'Occupied');
    const answer = await this.event(
      running,
      'Started',
      remoteStartId === undefined ? 'Authorized' : 'RemoteStart',
      {
        idToken: { idToken, type: remoteStartId === undefined ? 'ISO14443' : 'Central' },
        evse: { id: evseId, connectorId: 1 },
        ...(remoteStartId !== undefined ? { remoteStartId } : {}),
        meterValue: [this.reading(meterStartWh, 'Transaction.Begin')],
      },
    );
    const info = answer.idTokenInfo;
    running.status =
      typeof info === 'object' && info !== null && 'status' in info ? String(info.status) : 'Invalid';
    const started = { ...transaction, status: running.status };
    this.emit('transaction-started', started);
    if (running.status !== 'Accepted') {
      await this.stopTransaction(evseId, 'DeAuthorized');
      return started;
    }
    const seconds = this.options.meterIntervalSeconds;
    if (seconds !== undefined && seconds > 0) {
      running.timer = this.clock.setInterval(
        () => void this.meterValues(evseId).catch((error) => this.emit('failure', error)),
        seconds * 1000,
      );
      running.timer.unref();
    }
    return started;
  }

  /**
   * Sends a TransactionEvent Updated with the register `whPerReading` higher (within a
   * profile's limit); gives it, Wh.
   */
  async meterValues(evseId = 1): Promise<number> {
    // A profile's limit caps what a reading adds over the meter interval.
    const wh = this.register(evseId) + this.step(evseId);
    this.registers.set(evseId, wh);
    const running = this.running.get(evseId);
    if (running)
      await this.event(running, 'Updated', 'MeterValuePeriodic', {
        meterValue: [this.reading(wh, 'Sample.Periodic')],
      });
    return wh;
  }

  /** Ends the transaction on an EVSE (TransactionEvent Ended), then Available. Emits 'transaction-stopped'. */
  async stopTransaction(evseId = 1, reason = 'Local'): Promise<void> {
    const running = this.running.get(evseId);
    if (!running) return;
    running.timer?.cancel();
    this.running.delete(evseId);
    await this.event(running, 'Ended', reason === 'Remote' ? 'RemoteStop' : 'StopAuthorized', {
      stoppedReason: reason,
      meterValue: [this.reading(this.register(evseId), 'Transaction.End')],
    });
    await this.status(evseId, 'Available');
    const { timer: _timer, seqNo: _seqNo, ...transaction } = running;
    this.emit('transaction-stopped', transaction);
  }

  /** Sends a TransactionEvent of a running transaction, with its next seqNo. */
  private event(
    running: SimulatedTransaction201 & { seqNo: number },
    eventType: 'Started' | 'Updated' | 'Ended',
    triggerReason: string,
    extra: { stoppedReason?: string; remoteStartId?: number; [key: string]: unknown },
  ): Promise<Record<string, unknown>> {
    const { stoppedReason, remoteStartId, ...rest } = extra;
    return this.call('TransactionEvent', {
      eventType,
      timestamp: this.now(),
      triggerReason,
      seqNo: running.seqNo++,
      transactionInfo: {
        transactionId: running.transactionId,
        ...(eventType === 'Ended' ? {} : { chargingState: 'Charging' }),
        ...(stoppedReason !== undefined ? { stoppedReason } : {}),
        ...(remoteStartId !== undefined ? { remoteStartId } : {}),
      },
      ...rest,
    });
  }

  private reading(wh: number, context: string): Record<string, unknown> {
    const kwh = this.options.meterUnit === 'kWh';
    return {
      timestamp: this.now(),
      sampledValue: [
        {
          value: kwh ? wh / 1000 : wh,
          context,
          measurand: 'Energy.Active.Import.Register',
          unitOfMeasure: { unit: kwh ? 'kWh' : 'Wh' },
        },
      ],
    };
  }

  protected afterAccepted(action: string, params: unknown): void {
    let work: (() => Promise<unknown>) | undefined;
    if (action === 'RequestStartTransaction' && this.options.startOnRemote !== false) {
      const asked = field(params, 'evseId');
      const evseId = typeof asked === 'number' ? asked : this.free();
      const idToken = String(field(field(params, 'idToken'), 'idToken'));
      const remoteStartId = Number(field(params, 'remoteStartId'));
      if (evseId !== undefined) work = () => this.startTransaction(evseId, idToken, remoteStartId);
    } else if (action === 'RequestStopTransaction') {
      const running = [...this.running.values()].find(
        (t) => t.transactionId === field(params, 'transactionId'),
      );
      if (running) work = () => this.stopTransaction(running.evseId, 'Remote');
    }
    if (work) this.later(work);
  }
}
