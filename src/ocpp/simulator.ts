import { EventEmitter } from 'node:events';
import { RPCClient } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client.js';
import { type Clock, type ClockTimer, systemClock } from '../clock.ts';

/** The remote calls the simulator answers (OCPP 1.6, CSMS to charger). */
export type RemoteAction = 'RemoteStartTransaction' | 'RemoteStopTransaction' | 'UnlockConnector';

/** How the simulator answers a remote call: a status, or a function of the call's payload. */
export type ScriptedAnswer = string | ((params: unknown) => string | Promise<string>);

/** What the simulator does by default: accept (UnlockConnector: Unlocked). */
const DEFAULT_ANSWERS: Record<RemoteAction, string> = {
  RemoteStartTransaction: 'Accepted',
  RemoteStopTransaction: 'Accepted',
  UnlockConnector: 'Unlocked',
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
  /** Heartbeats run on this clock (default the system clock). */
  clock?: Clock;
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
 * (`answer()`), accepting by default. Events: 'call' (ReceivedCall), 'close'.
 */
export class ChargerSimulator extends EventEmitter {
  /** The ocpp-rpc client, for tests that speak raw frames (`sendRaw`, 'message' events). */
  readonly rpc: RPCClient;
  readonly connectors: number;
  /** Every remote call received, in order. */
  readonly calls: ReceivedCall[] = [];
  private readonly answers = new Map<string, ScriptedAnswer>(Object.entries(DEFAULT_ANSWERS));
  private readonly clock: Clock;
  private heartbeats: ClockTimer | undefined;

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
      this.rpc.handle(action, async ({ params }) => ({ status: await this.answer(action, params) }));
    this.rpc.on('close', () => {
      this.heartbeats?.cancel();
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

  /** Disconnects (`force`: drops the TCP connection without a close handshake). */
  async stop(force = false): Promise<void> {
    this.heartbeats?.cancel();
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
