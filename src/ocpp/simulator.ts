import type { ClockTimer } from '../clock.ts';
import { type ChargerSimulatorOptions, SimulatorBase } from './simulator-base.ts';
import type { ProfileAction } from './simulator-profiles.ts';

export type { ChargerSimulatorOptions, ReceivedCall, ScriptedAnswer } from './simulator-base.ts';

/** The remote calls the simulator answers (OCPP 1.6, CSMS to charger). */
export type RemoteAction = StatusAction | ProfileAction;

/** The remote calls answered with a status only. */
type StatusAction =
  | 'RemoteStartTransaction'
  | 'RemoteStopTransaction'
  | 'UnlockConnector'
  | 'ReserveNow'
  | 'CancelReservation';

/** What the simulator does by default: accept (UnlockConnector: Unlocked). */
const DEFAULT_ANSWERS: Record<StatusAction, string> = {
  RemoteStartTransaction: 'Accepted',
  RemoteStopTransaction: 'Accepted',
  UnlockConnector: 'Unlocked',
  ReserveNow: 'Accepted',
  CancelReservation: 'Accepted',
};

/** A transaction the simulator runs on a connector. */
export interface SimulatedTransaction {
  connectorId: number;
  transactionId: number;
  idTag: string;
  /** The CSMS's idTagInfo.status for it. */
  status: string;
  meterStartWh: number;
}

/**
 * An OCPP 1.6J charge point, for demos and tests: connects to a CSMS with ocpp-rpc's
 * client (strict schema validation on), boots, reports its connectors' status, sends
 * heartbeats at the interval the CSMS gives, and answers remote calls as scripted
 * (`script()`), accepting by default. It runs transactions: an accepted
 * RemoteStartTransaction is followed by a StartTransaction, meter readings with a rising
 * energy register (on its clock every `meterIntervalSeconds`, or when the test sends
 * them), and an accepted RemoteStopTransaction by the StopTransaction. Events: 'call'
 * (ReceivedCall), 'transaction-started' and 'transaction-stopped' (SimulatedTransaction),
 * 'failure' (an error of what it did on its own), 'close'.
 */
export class ChargerSimulator extends SimulatorBase<
  SimulatedTransaction & { timer?: ClockTimer },
  RemoteAction
> {
  constructor(options: ChargerSimulatorOptions) {
    super(options, 'ocpp1.6', DEFAULT_ANSWERS);
  }

  protected bootPayload(): Record<string, unknown> {
    return { chargePointVendor: 'ocpi-toolkit', chargePointModel: 'simulator' };
  }

  /** Sends a StatusNotification (OCPP 1.6 ChargePointStatus, e.g. 'Charging', 'Faulted'). */
  async status(connectorId: number, status: string, errorCode = 'NoError'): Promise<void> {
    await this.call('StatusNotification', {
      connectorId,
      status,
      errorCode: status === 'Faulted' && errorCode === 'NoError' ? 'OtherError' : errorCode,
      timestamp: new Date(this.clock.now()).toISOString(),
    });
  }

  /** The transaction running on a connector, if any. */
  transaction(connectorId = 1): SimulatedTransaction | undefined {
    const running = this.running.get(connectorId);
    if (!running) return undefined;
    const { timer: _timer, ...transaction } = running;
    return transaction;
  }

  /**
   * Starts a transaction (as a driver with a card would, or after an accepted remote
   * start): StartTransaction, then Charging. An idTag the CSMS does not accept ends it at
   * once (StopTransaction, reason DeAuthorized). Emits 'transaction-started'.
   */
  async startTransaction(connectorId: number, idTag: string): Promise<SimulatedTransaction> {
    const meterStartWh = this.register(connectorId);
    const answer = await this.call('StartTransaction', {
      connectorId,
      idTag,
      meterStart: meterStartWh,
      timestamp: this.now(),
    });
    const info = answer.idTagInfo;
    const status =
      typeof info === 'object' && info !== null && 'status' in info ? String(info.status) : 'Invalid';
    const transaction = {
      connectorId,
      transactionId: Number(answer.transactionId),
      idTag,
      status,
      meterStartWh,
    };
    this.running.set(connectorId, { ...transaction });
    this.emit('transaction-started', transaction);
    if (status !== 'Accepted') {
      await this.stopTransaction(connectorId, 'DeAuthorized');
      return transaction;
    }
    await this.status(connectorId, 'Charging');
    const seconds = this.options.meterIntervalSeconds;
    if (seconds !== undefined && seconds > 0) {
      const timer = this.clock.setInterval(
        () => void this.meterValues(connectorId).catch((error) => this.emit('failure', error)),
        seconds * 1000,
      );
      timer.unref();
      const running = this.running.get(connectorId);
      if (running) running.timer = timer;
    }
    return transaction;
  }

  /** Sends a meter reading of the transaction on a connector: the register `whPerReading` higher. Gives it, Wh. */
  async meterValues(connectorId = 1): Promise<number> {
    const running = this.running.get(connectorId);
    // A profile's limit caps what a reading adds over the meter interval.
    const wh = this.register(connectorId) + this.step(connectorId);
    this.registers.set(connectorId, wh);
    const kwh = this.options.meterUnit === 'kWh';
    await this.call('MeterValues', {
      connectorId,
      ...(running ? { transactionId: running.transactionId } : {}),
      meterValue: [
        {
          timestamp: this.now(),
          sampledValue: [
            {
              value: kwh ? String(wh / 1000) : String(wh),
              context: 'Sample.Periodic',
              measurand: 'Energy.Active.Import.Register',
              unit: kwh ? 'kWh' : 'Wh',
            },
          ],
        },
      ],
    });
    return wh;
  }

  /** Stops the transaction on a connector: StopTransaction, then Available. Emits 'transaction-stopped'. */
  async stopTransaction(connectorId = 1, reason = 'Local'): Promise<void> {
    const running = this.running.get(connectorId);
    if (!running) return;
    running.timer?.cancel();
    this.running.delete(connectorId);
    await this.call('StopTransaction', {
      transactionId: running.transactionId,
      idTag: running.idTag,
      meterStop: this.register(connectorId),
      timestamp: this.now(),
      reason,
    });
    await this.status(connectorId, 'Available');
    const { timer: _timer, ...transaction } = running;
    this.emit('transaction-stopped', transaction);
  }

  /** What follows an accepted remote start or stop, once the answer is on its way. */
  protected afterAccepted(action: string, params: unknown): void {
    const field = (name: string): unknown =>
      typeof params === 'object' && params !== null ? Reflect.get(params, name) : undefined;
    let work: (() => Promise<unknown>) | undefined;
    if (action === 'RemoteStartTransaction' && this.options.startOnRemote !== false) {
      const asked = field('connectorId');
      const connectorId = typeof asked === 'number' ? asked : this.free();
      const idTag = String(field('idTag'));
      if (connectorId !== undefined) work = () => this.startTransaction(connectorId, idTag);
    } else if (action === 'RemoteStopTransaction') {
      const running = [...this.running.values()].find((t) => t.transactionId === field('transactionId'));
      if (running) work = () => this.stopTransaction(running.connectorId, 'Remote');
    }
    if (work) this.later(work);
  }
}
