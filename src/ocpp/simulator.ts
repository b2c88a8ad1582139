import { EventEmitter } from 'node:events';
import { RPCClient } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client.js';
import { type Clock, type ClockTimer, systemClock } from '../clock.ts';
import { PROFILE_ANSWERS, type ProfileAction16, SimulatedProfiles16 } from './simulator-profiles.ts';

/** The remote calls the simulator answers (OCPP 1.6, CSMS to charger). */
export type RemoteAction = StatusAction | ProfileAction16;

/** The remote calls answered with a status only. */
type StatusAction =
  | 'RemoteStartTransaction'
  | 'RemoteStopTransaction'
  | 'UnlockConnector'
  | 'ReserveNow'
  | 'CancelReservation';

/** How the simulator answers a remote call: a status, or a function of the call's payload. */
export type ScriptedAnswer = string | ((params: unknown) => string | Promise<string>);

/** What the simulator does by default: accept (UnlockConnector: Unlocked). */
const DEFAULT_ANSWERS: Record<StatusAction, string> = {
  RemoteStartTransaction: 'Accepted',
  RemoteStopTransaction: 'Accepted',
  UnlockConnector: 'Unlocked',
  ReserveNow: 'Accepted',
  CancelReservation: 'Accepted',
};

export interface ChargerSimulatorOptions {
  /** The CSMS endpoint without the charger id, e.g. `ws://127.0.0.1:3000/ocpp`. */
  url: string;
  /** The charger's OCPP identity. */
  id: string;
  /** HTTP Basic password (security profile 1); absent: no Authorization header. */
  password?: string;
  /** Number of connectors (1..n), default 1. */
  connectors?: number;
  /** Reconnect with backoff after losing the connection (default false: tests decide). */
  reconnect?: boolean;
  /** Heartbeats, meter values and timestamps run on this clock (default the system clock). */
  clock?: Clock;
  /** The energy register when the simulator starts, Wh (default 1000). */
  meterStartWh?: number;
  /** Wh each meter reading adds while charging (default 500). */
  whPerReading?: number;
  /**
   * Seconds between meter readings while charging; absent: none on their own, the test
   * sends them (`meterValues()`).
   */
  meterIntervalSeconds?: number;
  /** The unit meter values are sent in (default 'Wh'). */
  meterUnit?: 'Wh' | 'kWh';
  /**
   * Whether an accepted RemoteStartTransaction starts a transaction (default true); false:
   * the test starts it (`startTransaction()`), as a driver who plugs in later.
   */
  startOnRemote?: boolean;
}

/** A transaction the simulator runs on a connector. */
export interface SimulatedTransaction {
  connectorId: number;
  transactionId: number;
  idTag: string;
  /** The CSMS's idTagInfo.status for it. */
  status: string;
  meterStartWh: number;
}

/** A remote call the simulator received, and what it answered. */
export interface ReceivedCall {
  action: string;
  params: unknown;
  answer: string;
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
export class ChargerSimulator extends EventEmitter {
  /** The ocpp-rpc client, for tests that speak raw frames (`sendRaw`, 'message' events). */
  readonly rpc: RPCClient;
  readonly connectors: number;
  /** Every remote call received, in order. */
  readonly calls: ReceivedCall[] = [];
  private readonly answers = new Map<string, ScriptedAnswer>([
    ...Object.entries(DEFAULT_ANSWERS),
    ...Object.entries(PROFILE_ANSWERS),
  ]);
  /** The charging profiles it holds (SetChargingProfile); they cap its meter readings. */
  readonly profiles: SimulatedProfiles16;
  private readonly clock: Clock;
  private heartbeats: ClockTimer | undefined;
  /** The energy register of each connector, Wh. */
  private readonly registers = new Map<number, number>();
  private readonly running = new Map<number, SimulatedTransaction & { timer?: ClockTimer }>();

  constructor(readonly options: ChargerSimulatorOptions) {
    super();
    this.connectors = options.connectors ?? 1;
    this.clock = options.clock ?? systemClock;
    const rpcOptions: Partial<RPC_ClientOptions> = {
      endpoint: options.url.replace(/\/+$/, ''),
      identity: options.id,
      protocols: ['ocpp1.6'],
      strictMode: true,
      reconnect: options.reconnect ?? false,
      ...(options.password !== undefined ? { password: options.password } : {}),
    };
    // ocpp-rpc's types ask for every option; it fills in defaults for those not given.
    this.rpc = new RPCClient(rpcOptions as RPC_ClientOptions);
    for (const action of Object.keys(DEFAULT_ANSWERS))
      this.rpc.handle(action, async ({ params }) => {
        const status = await this.answer(action, params);
        if (status === 'Accepted') this.afterAccepted(action, params);
        return { status };
      });
    this.profiles = new SimulatedProfiles16(this.rpc, {
      answer: (action, params) => this.answer(action, params),
      now: () => this.clock.now(),
    });
    this.rpc.on('close', () => {
      this.heartbeats?.cancel();
      for (const t of this.running.values()) t.timer?.cancel();
      this.emit('close');
    });
  }

  /** Scripts the answer to a remote call (a status such as 'Rejected', or a function of the payload). */
  script(action: RemoteAction, answer: ScriptedAnswer): void {
    this.answers.set(action, answer);
  }

  /**
   * Connects (rejects when the CSMS refuses the upgrade), sends a BootNotification, and,
   * when accepted, reports every connector Available and starts the heartbeats. Gives the
   * BootNotification's status.
   */
  async start(): Promise<string> {
    await this.rpc.connect();
    const boot = await this.call('BootNotification', {
      chargePointVendor: 'ocpi-toolkit',
      chargePointModel: 'simulator',
    });
    const status = typeof boot.status === 'string' ? boot.status : 'Rejected';
    if (status !== 'Accepted') return status;
    for (let connector = 1; connector <= this.connectors; connector++)
      await this.status(connector, 'Available');
    const interval = typeof boot.interval === 'number' && boot.interval > 0 ? boot.interval : 300;
    this.heartbeats = this.clock.setInterval(() => void this.heartbeat().catch(() => {}), interval * 1000);
    this.heartbeats.unref();
    return status;
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

  /** Sends a Heartbeat; gives the CSMS's time. */
  async heartbeat(): Promise<string> {
    const answer = await this.call('Heartbeat', {});
    return String(answer.currentTime);
  }

  /** Sends any call; gives the answer's payload (rejects with the CALLERROR). */
  async call(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.rpc.call(action, params);
    return typeof answer === 'object' && answer !== null ? { ...answer } : {};
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
    const limit = this.profiles.limitWatts(connectorId, this.clock.now());
    const seconds = this.options.meterIntervalSeconds;
    const step = this.options.whPerReading ?? 500;
    const capped = limit !== undefined && seconds ? Math.min(step, (limit * seconds) / 3600) : step;
    const wh = this.register(connectorId) + Math.round(capped);
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

  private register(connectorId: number): number {
    return this.registers.get(connectorId) ?? this.options.meterStartWh ?? 1000;
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** What follows an accepted remote start or stop, once the answer is on its way. */
  private afterAccepted(action: string, params: unknown): void {
    const field = (name: string): unknown =>
      typeof params === 'object' && params !== null ? Reflect.get(params, name) : undefined;
    let work: (() => Promise<unknown>) | undefined;
    if (action === 'RemoteStartTransaction' && this.options.startOnRemote !== false) {
      const asked = field('connectorId');
      const connectorId = typeof asked === 'number' ? asked : this.freeConnector();
      const idTag = String(field('idTag'));
      if (connectorId !== undefined) work = () => this.startTransaction(connectorId, idTag);
    } else if (action === 'RemoteStopTransaction') {
      const running = [...this.running.values()].find((t) => t.transactionId === field('transactionId'));
      if (running) work = () => this.stopTransaction(running.connectorId, 'Remote');
    }
    if (!work) return;
    const run = work;
    this.clock.setTimeout(() => void run().catch((error: unknown) => this.emit('failure', error)), 0).unref();
  }

  private freeConnector(): number | undefined {
    for (let connector = 1; connector <= this.connectors; connector++)
      if (!this.running.has(connector)) return connector;
    return undefined;
  }

  /** Disconnects (`force`: drops the TCP connection without a close handshake). */
  async stop(force = false): Promise<void> {
    this.heartbeats?.cancel();
    for (const t of this.running.values()) t.timer?.cancel();
    await this.rpc.close({ code: 1000, reason: 'simulator stopped', force });
  }

  private async answer(action: string, params: unknown): Promise<string> {
    const scripted = this.answers.get(action) ?? 'Rejected';
    const answer = typeof scripted === 'string' ? scripted : await scripted(params);
    const call = { action, params, answer };
    this.calls.push(call);
    this.emit('call', call);
    return answer;
  }
}
