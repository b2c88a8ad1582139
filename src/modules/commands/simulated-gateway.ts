import { randomUUID } from 'node:crypto';
import { type Clock, type ClockTimer, systemClock } from '../../clock.ts';
import type { ChargerCommand, ChargerGateway, ChargerOutcome, GatewayReporter } from './gateway.ts';

/**
 * How a simulated EVSE answers: ACCEPTED, REJECTED, EVSE_OCCUPIED, EVSE_INOPERATIVE;
 * 'slow' answers ACCEPTED after `slowMs`; 'silent' never answers (the node sends TIMEOUT).
 */
export const SIMULATED_BEHAVIOURS = [
  'accept',
  'reject',
  'occupied',
  'inoperative',
  'slow',
  'silent',
] as const;
export type SimulatedBehaviour = (typeof SIMULATED_BEHAVIOURS)[number];

export interface SimulatedGatewayOptions {
  /** Behaviour per EVSE uid; others use `default` (accept). */
  evses?: Record<string, SimulatedBehaviour>;
  default?: SimulatedBehaviour;
  /** Delay of a 'slow' answer (default 3 s). */
  slowMs?: number;
  /** Delay of an ordinary answer (default 20 ms). */
  answerMs?: number;
  /** Meter values while charging: every `tickMs`, `kwhPerTick` more (default 1 s, 0.5 kWh). */
  tickMs?: number;
  kwhPerTick?: number;
  /** Times the answers and meter values, and stamps the events (default the system clock). */
  clock?: Clock;
}

const OUTCOME: Record<Exclude<SimulatedBehaviour, 'slow' | 'silent'>, ChargerOutcome> = {
  accept: 'ACCEPTED',
  reject: 'REJECTED',
  occupied: 'EVSE_OCCUPIED',
  inoperative: 'EVSE_INOPERATIVE',
};

interface Charging {
  sessionId: string;
  commandId?: string;
  locationId: string;
  evseUid: string;
  connectorId: string;
  kwh: number;
  timer: ClockTimer;
}

/**
 * Chargers that do not exist: for `ocpi serve --demo` and tests. Accepted START_SESSIONs
 * become charging sessions with meter values until a STOP_SESSION.
 */
export class SimulatedGateway implements ChargerGateway {
  private readonly charging = new Map<string, Charging>();
  private readonly timers = new Set<ClockTimer>();

  private readonly clock: Clock;

  constructor(private readonly options: SimulatedGatewayOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Changes how an EVSE behaves from now on. */
  setBehaviour(evseUid: string, behaviour: SimulatedBehaviour): void {
    this.options.evses = { ...this.options.evses, [evseUid]: behaviour };
  }

  private later(ms: number, fn: () => void): void {
    const timer = this.clock.setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  execute(command: ChargerCommand, report: GatewayReporter): void {
    const evse = 'evseUid' in command && command.evseUid ? command.evseUid : '';
    const sessionEvse =
      command.type === 'STOP_SESSION' ? this.charging.get(command.sessionId)?.evseUid : undefined;
    const behaviour = this.options.evses?.[sessionEvse ?? evse] ?? this.options.default ?? 'accept';
    if (behaviour === 'silent') return;
    const delay = behaviour === 'slow' ? (this.options.slowMs ?? 3000) : (this.options.answerMs ?? 20);
    const outcome = behaviour === 'slow' ? 'ACCEPTED' : OUTCOME[behaviour];
    this.later(delay, () => {
      if (command.type === 'STOP_SESSION' && !this.charging.has(command.sessionId)) {
        report.outcome(command.commandId, 'REJECTED', 'no such session on the charger');
        return;
      }
      report.outcome(command.commandId, outcome);
      if (outcome !== 'ACCEPTED') return;
      if (command.type === 'START_SESSION') this.start(command, report);
      if (command.type === 'STOP_SESSION') this.stop(command.sessionId, report);
    });
  }

  private start(command: Extract<ChargerCommand, { type: 'START_SESSION' }>, report: GatewayReporter): void {
    const session: Charging = {
      sessionId: randomUUID(),
      commandId: command.commandId,
      locationId: command.locationId,
      evseUid: command.evseUid ?? 'ANY',
      connectorId: command.connectorId ?? '1',
      kwh: 0,
      timer: this.clock.setInterval(() => {
        session.kwh = Math.round((session.kwh + (this.options.kwhPerTick ?? 0.5)) * 1000) / 1000;
        report.sessionProgress(this.event(session));
      }, this.options.tickMs ?? 1000),
    };
    session.timer.unref();
    this.charging.set(session.sessionId, session);
    report.sessionStarted(this.event(session));
  }

  private stop(sessionId: string, report: GatewayReporter): void {
    const session = this.charging.get(sessionId);
    if (!session) return;
    session.timer.cancel();
    this.charging.delete(sessionId);
    report.sessionStopped(this.event(session));
  }

  private event(s: Charging) {
    return {
      sessionId: s.sessionId,
      ...(s.commandId ? { commandId: s.commandId } : {}),
      locationId: s.locationId,
      evseUid: s.evseUid,
      connectorId: s.connectorId,
      kwh: s.kwh,
      at: new Date(this.clock.now()),
    };
  }

  /** Stops every simulated session and pending answer. */
  close(): void {
    for (const s of this.charging.values()) s.timer.cancel();
    this.charging.clear();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }
}
