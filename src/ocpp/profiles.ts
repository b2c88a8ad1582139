import { type Static, Type } from '@sinclair/typebox';
import type { Clock } from '../clock.ts';
import { formatDateTime } from '../model/datetime.ts';
import type {
  ActiveChargingProfile,
  ChargingProfile,
  ChargingProfileResultType,
} from '../model/v230/chargingprofiles.ts';
import type { ChargerProfileRequest, GatewayReporter } from '../modules/commands/gateway.ts';
import type { OcppRepository, OcppTransactionRow } from '../store/ocpp-repository.ts';
import type { CallOutcome } from './csms.ts';

/** How far ahead the active profile reported after a SET or CLEAR looks (OCPI: 5 to 60 minutes). */
export const ACTIVE_SECONDS = 900;

const Period = Type.Object({ startPeriod: Type.Integer(), limit: Type.Number() });
/**
 * A ChargingSchedule as OCPP 1.6 has it (SetChargingProfile, GetCompositeSchedule.conf);
 * 2.0.1's ChargingScheduleType is the same with an id added.
 */
export const Schedule = Type.Object({
  duration: Type.Optional(Type.Integer()),
  startSchedule: Type.Optional(Type.String()),
  chargingRateUnit: Type.Union([Type.Literal('W'), Type.Literal('A')]),
  chargingSchedulePeriod: Type.Array(Period),
  minChargingRate: Type.Optional(Type.Number()),
});
export type Schedule = Static<typeof Schedule>;

/** OCPP limits are multiples of 0.1 (OCPI's have one decimal too; rounded, never raised). */
const tenths = (n: number) => Math.floor(n * 10 + 1e-9) / 10;

/**
 * The ChargingSchedule of an OCPI ChargingProfile: its periods in order, limits in tenths;
 * the unit, minimum rate and duration carry over, start_date_time is the startSchedule.
 */
export function scheduleOf(profile: ChargingProfile): Schedule {
  const periods = [...(profile.charging_profile_period ?? [])].sort(
    (a, b) => a.start_period - b.start_period,
  );
  return {
    chargingRateUnit: profile.charging_rate_unit,
    chargingSchedulePeriod: periods.map((p) => ({ startPeriod: p.start_period, limit: tenths(p.limit) })),
    ...(profile.duration !== undefined ? { duration: profile.duration } : {}),
    ...(profile.start_date_time !== undefined ? { startSchedule: profile.start_date_time } : {}),
    ...(profile.min_charging_rate !== undefined
      ? { minChargingRate: tenths(profile.min_charging_rate) }
      : {}),
  };
}

/**
 * OCPP's chargingProfileKind of an OCPI profile: with start_date_time Absolute from then,
 * without it Relative (OCPI: "relative to start of charging"; OCPP: to the transaction's start).
 */
export function kindOf(profile: ChargingProfile): 'Absolute' | 'Relative' {
  return profile.start_date_time !== undefined ? 'Absolute' : 'Relative';
}

/** A composite schedule as the ActiveChargingProfile, from `start` (now when it has none or a bad one). */
export function activeProfile(
  schedule: Omit<Schedule, 'startSchedule'>,
  start: string | undefined,
  now: Date,
): ActiveChargingProfile {
  const at = start === undefined ? Number.NaN : Date.parse(start);
  return {
    start_date_time: formatDateTime(Number.isNaN(at) ? now : new Date(at)),
    charging_profile: {
      charging_rate_unit: schedule.chargingRateUnit,
      ...(schedule.duration !== undefined ? { duration: schedule.duration } : {}),
      ...(schedule.minChargingRate !== undefined ? { min_charging_rate: schedule.minChargingRate } : {}),
      charging_profile_period: schedule.chargingSchedulePeriod.map((p) => ({
        start_period: p.startPeriod,
        limit: p.limit,
      })),
    },
  };
}

/**
 * The OCPI result of a status answer: Accepted → ACCEPTED, Unknown (ClearChargingProfile
 * found none) → UNKNOWN; Rejected, NotSupported and the rest → REJECTED (OCPI has no
 * other). undefined: no answer (lost), left to the node's timeout (REJECTED then).
 */
function resultOf(outcome: CallOutcome): ChargingProfileResultType | undefined {
  if (outcome.kind === 'lost') return undefined;
  if (outcome.kind !== 'answered') return 'REJECTED';
  const payload = outcome.payload;
  const status = typeof payload === 'object' && payload !== null && 'status' in payload ? payload.status : '';
  return status === 'Accepted' ? 'ACCEPTED' : status === 'Unknown' ? 'UNKNOWN' : 'REJECTED';
}

/** The three profile calls to the charger of a transaction, in its OCPP version. */
export interface ProfileCalls {
  set(profile: ChargingProfile): Promise<CallOutcome>;
  composite(durationSeconds: number): Promise<CallOutcome>;
  /** The ActiveChargingProfile of a composite schedule answer (Accepted, with a schedule). */
  activeOf(payload: unknown, now: Date): ActiveChargingProfile | undefined;
  clear(): Promise<CallOutcome>;
}

export interface ProfileParts {
  repo: OcppRepository;
  clock: Clock;
  /** The calls for a running transaction (1.6 or 2.0.1, by the transaction). */
  callsFor(tx: OcppTransactionRow): ProfileCalls;
}

/**
 * ChargingProfiles for the charger that runs the session's transaction: SET → its
 * SetChargingProfile, GET_ACTIVE_CHARGING_PROFILE → GetCompositeSchedule (its schedule is
 * the ActiveChargingProfile), CLEAR_PROFILE → ClearChargingProfile of the profile SET gave.
 * An accepted SET or CLEAR is followed by a GetCompositeSchedule of ACTIVE_SECONDS,
 * reported as the new active profile (none when the charger does not give it). A session
 * that is not a running transaction of ours: REJECTED.
 */
export async function runProfile(
  request: ChargerProfileRequest,
  report: GatewayReporter,
  parts: ProfileParts,
): Promise<void> {
  const done = (result: ChargingProfileResultType | undefined, active?: ActiveChargingProfile) => {
    if (result) report.profileOutcome(request.requestId, result, active);
  };
  const tx = await parts.repo.bySession(request.sessionId);
  if (!tx || tx.stopped_at !== null || !tx.accepted) return done('REJECTED');
  const calls = parts.callsFor(tx);
  const now = () => new Date(parts.clock.now());
  const active = async (): Promise<ActiveChargingProfile | undefined> => {
    const outcome = await calls.composite(ACTIVE_SECONDS);
    return outcome.kind === 'answered' ? calls.activeOf(outcome.payload, now()) : undefined;
  };
  switch (request.type) {
    case 'SET_CHARGING_PROFILE': {
      const result = resultOf(await calls.set(request.profile));
      return done(result, result === 'ACCEPTED' ? await active() : undefined);
    }
    case 'GET_ACTIVE_CHARGING_PROFILE': {
      const outcome = await calls.composite(request.durationSeconds);
      const result = resultOf(outcome);
      const profile = outcome.kind === 'answered' ? calls.activeOf(outcome.payload, now()) : undefined;
      // Accepted without a schedule is no answer to the question.
      return done(result === 'ACCEPTED' && !profile ? 'REJECTED' : result, profile);
    }
    case 'CLEAR_PROFILE': {
      const result = resultOf(await calls.clear());
      return done(result, result === 'ACCEPTED' ? await active() : undefined);
    }
  }
}
