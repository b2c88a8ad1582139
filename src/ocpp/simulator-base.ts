import { EventEmitter } from 'node:events';
import { RPCClient } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client.js';
import { type Clock, type ClockTimer, systemClock } from '../clock.ts';
import {
  handleProfiles16,
  handleProfiles201,
  PROFILE_ANSWERS,
  SimulatedProfiles,
} from './simulator-profiles.ts';

/** How the simulator answers a remote call: a status, or a function of the call's payload. */
export type ScriptedAnswer = string | ((params: unknown) => string | Promise<string>);

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

/** A remote call the simulator received, and what it answered. */
export interface ReceivedCall {
  action: string;
  params: unknown;
  answer: string;
}

/**
 * What the 1.6 and the 2.0.1 simulators share: the ocpp-rpc client (strict schema validation
 * on), booting and reporting every connector (1.6) or EVSE (2.0.1) Available, heartbeats at
 * the interval the CSMS gives, scripted answers to remote calls (accepting by default), the
 * energy registers and the transactions running, each by connector or EVSE number. `Running`
 * is what the version keeps of a running transaction; `Action` the remote calls it answers.
 * Both hold charging profiles (simulator-profiles.ts, in the version's messages) that cap
 * what their meter readings add.
 */
export abstract class SimulatorBase<
  Running extends { timer?: ClockTimer },
  Action extends string,
> extends EventEmitter {
  /** The ocpp-rpc client, for tests that speak raw frames (`sendRaw`, 'message' events). */
  readonly rpc: RPCClient;
  readonly connectors: number;
  /** Every remote call received, in order. */
  readonly calls: ReceivedCall[] = [];
  private readonly answers: Map<string, ScriptedAnswer>;
  protected readonly clock: Clock;
  private heartbeats: ClockTimer | undefined;
  /** The energy register of each connector or EVSE, Wh. */
  protected readonly registers = new Map<number, number>();
  protected readonly running = new Map<number, Running>();
  /** The charging profiles it holds (SetChargingProfile); they cap its meter readings. */
  readonly profiles = new SimulatedProfiles();

  /**
   * `statusAnswers`: the remote calls answered with a status only, and their defaults (an
   * accepted one is followed by afterAccepted()); `otherAnswers`: the defaults of calls the
   * version registers itself (the profile calls are registered here, accepted by default).
   */
  constructor(
    readonly options: ChargerSimulatorOptions,
    protocol: 'ocpp1.6' | 'ocpp2.0.1',
    statusAnswers: Record<string, string>,
    otherAnswers: Record<string, ScriptedAnswer> = {},
  ) {
    super();
    this.connectors = options.connectors ?? 1;
    this.clock = options.clock ?? systemClock;
    this.answers = new Map([
      ...Object.entries(statusAnswers),
      ...Object.entries(PROFILE_ANSWERS),
      ...Object.entries(otherAnswers),
    ]);
    const rpcOptions: Partial<RPC_ClientOptions> = {
      endpoint: options.url.replace(/\/+$/, ''),
      identity: options.id,
      protocols: [protocol],
      strictMode: true,
      reconnect: options.reconnect ?? false,
      ...(options.password !== undefined ? { password: options.password } : {}),
    };
    // ocpp-rpc's types ask for every option; it fills in defaults for those not given.
    this.rpc = new RPCClient(rpcOptions as RPC_ClientOptions);
    for (const action of Object.keys(statusAnswers))
      this.rpc.handle(action, async ({ params }) => {
        const status = await this.answer(action, params);
        if (status === 'Accepted') this.afterAccepted(action, params);
        return { status };
      });
    (protocol === 'ocpp1.6' ? handleProfiles16 : handleProfiles201)(
      this.rpc,
      { answer: (action, params) => this.answer(action, params), now: () => this.clock.now() },
      this.profiles,
    );
    this.rpc.on('close', () => {
      this.heartbeats?.cancel();
      for (const t of this.running.values()) t.timer?.cancel();
      this.emit('close');
    });
  }

  /** The BootNotification payload, as the version has it. */
  protected abstract bootPayload(): Record<string, unknown>;

  /** Sends a StatusNotification of a connector (1.6) or of an EVSE's connector (2.0.1). */
  abstract status(slot: number, status: string): Promise<void>;

  /** What follows an accepted remote call, once the answer is on its way (see later()). */
  protected abstract afterAccepted(action: string, params: unknown): void;

  /** Scripts the answer to a remote call (a status such as 'Rejected', or a function of the payload). */
  script(action: Action, answer: ScriptedAnswer): void {
    this.answers.set(action, answer);
  }

  /**
   * Connects (rejects when the CSMS refuses the upgrade), sends a BootNotification, and,
   * when accepted, reports every connector or EVSE Available and starts the heartbeats.
   * Gives the BootNotification's status.
   */
  async start(): Promise<string> {
    await this.rpc.connect();
    const boot = await this.call('BootNotification', this.bootPayload());
    const status = typeof boot.status === 'string' ? boot.status : 'Rejected';
    if (status !== 'Accepted') return status;
    for (let slot = 1; slot <= this.connectors; slot++) await this.status(slot, 'Available');
    const interval = typeof boot.interval === 'number' && boot.interval > 0 ? boot.interval : 300;
    this.heartbeats = this.clock.setInterval(() => void this.heartbeat().catch(() => {}), interval * 1000);
    this.heartbeats.unref();
    return status;
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
    for (const t of this.running.values()) t.timer?.cancel();
    await this.rpc.close({ code: 1000, reason: 'simulator stopped', force });
  }

  protected register(slot: number): number {
    return this.registers.get(slot) ?? this.options.meterStartWh ?? 1000;
  }

  /** What a meter reading adds, Wh: `whPerReading`, capped by a profile's limit over the meter interval. */
  protected step(slot: number): number {
    const limit = this.profiles.limitWatts(slot, this.clock.now());
    const seconds = this.options.meterIntervalSeconds;
    const step = this.options.whPerReading ?? 500;
    return Math.round(limit !== undefined && seconds ? Math.min(step, (limit * seconds) / 3600) : step);
  }

  protected now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Runs `work` on the clock once the current answer is on its way; its error is a 'failure'. */
  protected later(work: () => Promise<unknown>): void {
    this.clock
      .setTimeout(() => void work().catch((error: unknown) => this.emit('failure', error)), 0)
      .unref();
  }

  /** The first connector or EVSE with no transaction running. */
  protected free(): number | undefined {
    for (let slot = 1; slot <= this.connectors; slot++) if (!this.running.has(slot)) return slot;
    return undefined;
  }

  protected async answer(action: string, params: unknown): Promise<string> {
    const scripted = this.answers.get(action) ?? 'Rejected';
    const answer = typeof scripted === 'string' ? scripted : await scripted(params);
    const call = { action, params, answer };
    this.calls.push(call);
    this.emit('call', call);
    return answer;
  }
}
