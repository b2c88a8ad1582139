import { randomUUID } from 'node:crypto';
import { type Clock, type ClockTimer, systemClock } from '../../clock.ts';
import type { ChargingProfileResultType } from '../../model/v230/chargingprofiles.ts';
import type {
  ChargerCommand,
  ChargerGateway,
  ChargerOutcome,
  ChargerProfileRequest,
  GatewayReporter,
} from './gateway.ts';
import {
  activeProfile,
  type HeldProfile,
  holdProfile,
  limitWattsAt,
  REPORTED_SECONDS,
} from './simulated-profiles.ts';

/**
 * How a simulated EVSE answers: ACCEPTED, REJECTED, EVSE_OCCUPIED, EVSE_INOPERATIVE;
 * 'slow' answers ACCEPTED after `slowMs`; 'silent' never answers (the node sends TIMEOUT).
 * Charging profile requests are answered ACCEPTED ('accept', 'slow') or REJECTED (the others
 * but 'silent') alike.
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
  /**
   * Meter values while charging: every `tickMs`, `kwhPerTick` more (default 1 s, 0.5 kWh);
   * while a charging profile sets a limit, what that power (capped at `maxPowerW`) gives in a tick.
   */
  tickMs?: number;
  kwhPerTick?: number;
  /** The EVSEs' maximum power in W (default 22 kW): the active profile without a profile set. */
  maxPowerW?: number;
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
  startedAt: number;
  /** The charging profile set on the session, if any. */
  held?: HeldProfile;
}

const PROFILE_RESULT: Record<Exclude<SimulatedBehaviour, 'silent'>, ChargingProfileResultType> = {
  accept: 'ACCEPTED',
  slow: 'ACCEPTED',
  reject: 'REJECTED',
  occupied: 'REJECTED',
  inoperative: 'REJECTED',
};

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

  private get maxPowerW(): number {
    return this.options.maxPowerW ?? 22_000;
  }

  private behaviourOf(evseUid: string): SimulatedBehaviour {
    return this.options.evses?.[evseUid] ?? this.options.default ?? 'accept';
  }

  private delayOf(behaviour: SimulatedBehaviour): number {
    return behaviour === 'slow' ? (this.options.slowMs ?? 3000) : (this.options.answerMs ?? 20);
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
    const behaviour = this.behaviourOf(sessionEvse ?? evse);
    if (behaviour === 'silent') return;
    const delay = this.delayOf(behaviour);
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
      startedAt: this.clock.now(),
      timer: this.clock.setInterval(() => {
        session.kwh = Math.round((session.kwh + this.tickKwh(session)) * 1000) / 1000;
        report.sessionProgress(this.event(session));
      }, this.options.tickMs ?? 1000),
    };
    session.timer.unref();
    this.charging.set(session.sessionId, session);
    report.sessionStarted(this.event(session));
  }

  /** What a tick adds: the fixed kwhPerTick, or what the profile's limit (capped at the maximum) gives. */
  private tickKwh(session: Charging): number {
    const limit = session.held && limitWattsAt(session.held, this.clock.now());
    if (limit === undefined) return this.options.kwhPerTick ?? 0.5;
    return (Math.min(limit, this.maxPowerW) * (this.options.tickMs ?? 1000)) / 3_600_000_000;
  }

  /**
   * Smart charging on a running session: SET holds the profile (power follows it from now
   * on), CLEAR drops it (UNKNOWN when none was set, as OCPP's ClearChargingProfile), GET
   * reports the ActiveChargingProfile for the duration asked. SET and CLEAR report the new
   * active profile too. A session the charger does not know: REJECTED.
   */
  profile(request: ChargerProfileRequest, report: GatewayReporter): void {
    const session = this.charging.get(request.sessionId);
    const behaviour = this.behaviourOf(session?.evseUid ?? '');
    if (behaviour === 'silent') return;
    this.later(this.delayOf(behaviour), () => {
      const result = PROFILE_RESULT[behaviour];
      if (!session || !this.charging.has(session.sessionId) || result !== 'ACCEPTED') {
        report.profileOutcome(request.requestId, 'REJECTED');
        return;
      }
      const now = this.clock.now();
      if (request.type === 'SET_CHARGING_PROFILE')
        session.held = holdProfile(request.profile, session.startedAt);
      if (request.type === 'CLEAR_PROFILE') {
        if (!session.held) {
          report.profileOutcome(request.requestId, 'UNKNOWN');
          return;
        }
        delete session.held;
      }
      const seconds =
        request.type === 'GET_ACTIVE_CHARGING_PROFILE' ? request.durationSeconds : REPORTED_SECONDS;
      report.profileOutcome(
        request.requestId,
        'ACCEPTED',
        activeProfile(session.held, now, seconds, this.maxPowerW),
      );
    });
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
