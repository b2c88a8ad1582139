import type { DayOfWeek, Tariff, TariffRestrictions } from '../model/v230/tariffs.ts';
import type { LocalTime } from './timezone.ts';

/**
 * Matching TariffRestrictions against the state of a session at one instant. The calculator
 * cuts the session wherever a restriction could change value, so that every piece is evaluated
 * once (at its midpoint) and the answer holds for the whole piece.
 */

const DAYS: readonly DayOfWeek[] = [
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
];

/** Which part of a session an instant belongs to. */
export type Phase = 'SESSION' | 'RESERVATION';

/** The facts restrictions are evaluated against. */
export interface RestrictionContext {
  phase: Phase;
  /** For the RESERVATION phase: whether the reservation expired (RESERVATION_EXPIRES elements apply). */
  expired: boolean;
  local: LocalTime;
  /** Energy consumed in the session so far, in mWh (integer). */
  energyMwh: number;
  /** Time since the start of the phase, in ms. */
  durationMs: number;
  /** Sum of the phase currents (A), when known. */
  current: number | undefined;
  /** Power (kW), measured or averaged, when known. */
  power: number | undefined;
}

/** `HH:MM` as minutes since midnight. */
export function minutesOf(time: string): number {
  const [h = '0', m = '0'] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/** kWh as whole mWh, the unit of energy inside the calculator. */
export function kwhToMwh(kwh: number): number {
  return Math.round(kwh * 1_000_000);
}

/** Every local time of day (minutes) that starts or ends a restriction window. */
export function boundaryMinutes(tariff: Tariff): number[] {
  const out = new Set<number>();
  for (const e of tariff.elements) {
    const r = e.restrictions;
    if (r?.start_time !== undefined) out.add(minutesOf(r.start_time));
    if (r?.end_time !== undefined) out.add(minutesOf(r.end_time));
  }
  return [...out];
}

/** Every energy level (mWh) where a min_kwh/max_kwh restriction switches. */
export function energyThresholds(tariff: Tariff): number[] {
  const out = new Set<number>();
  for (const e of tariff.elements) {
    const r = e.restrictions;
    if (r?.min_kwh !== undefined) out.add(kwhToMwh(r.min_kwh));
    if (r?.max_kwh !== undefined) out.add(kwhToMwh(r.max_kwh));
  }
  return [...out].sort((a, b) => a - b);
}

/** Every session duration (ms) where a min_duration/max_duration restriction switches. */
export function durationThresholds(tariff: Tariff): number[] {
  const out = new Set<number>();
  for (const e of tariff.elements) {
    const r = e.restrictions;
    if (r?.min_duration !== undefined) out.add(r.min_duration * 1000);
    if (r?.max_duration !== undefined) out.add(r.max_duration * 1000);
  }
  return [...out];
}

/**
 * Whether the time of day lies in the window. The window is [start, end); an end before the start
 * wraps past midnight; an end of 00:00 means the end of the day; equal start and end mean all day.
 */
function inTimeWindow(minute: number, start: string | undefined, end: string | undefined): boolean {
  const s = start === undefined ? 0 : minutesOf(start);
  let e = end === undefined ? 24 * 60 : minutesOf(end);
  if (e === 0) e = 24 * 60;
  if (s === e || (s === 0 && e === 24 * 60)) return true;
  if (s < e) return minute >= s && minute < e;
  return minute >= s || minute < e;
}

/**
 * Whether an element with these restrictions is active. Restrictions combine with AND. An element
 * with a `reservation` restriction only applies to reservation time (RESERVATION_EXPIRES only when
 * the reservation expired); one without it only to the session itself. Current and power
 * restrictions never match when the quantity is unknown. Bookings-package `booking` restrictions
 * are not supported: such elements never match.
 */
export function restrictionsMatch(r: TariffRestrictions | undefined, ctx: RestrictionContext): boolean {
  if (ctx.phase === 'RESERVATION') {
    if (r?.reservation === undefined) return false;
    if (r.reservation === 'RESERVATION_EXPIRES' && !ctx.expired) return false;
  } else if (r?.reservation !== undefined) {
    return false;
  }
  if (r === undefined) return true;
  if (r.booking !== undefined) return false;
  if (
    (r.start_time !== undefined || r.end_time !== undefined) &&
    !inTimeWindow(ctx.local.minuteOfDay, r.start_time, r.end_time)
  ) {
    return false;
  }
  if (r.start_date !== undefined && ctx.local.date < r.start_date) return false;
  if (r.end_date !== undefined && ctx.local.date >= r.end_date) return false;
  if (r.min_kwh !== undefined && ctx.energyMwh < kwhToMwh(r.min_kwh)) return false;
  if (r.max_kwh !== undefined && ctx.energyMwh >= kwhToMwh(r.max_kwh)) return false;
  if (r.min_current !== undefined && !(ctx.current !== undefined && ctx.current >= r.min_current))
    return false;
  if (r.max_current !== undefined && !(ctx.current !== undefined && ctx.current < r.max_current))
    return false;
  if (r.min_power !== undefined && !(ctx.power !== undefined && ctx.power >= r.min_power)) return false;
  if (r.max_power !== undefined && !(ctx.power !== undefined && ctx.power < r.max_power)) return false;
  if (r.min_duration !== undefined && ctx.durationMs < r.min_duration * 1000) return false;
  if (r.max_duration !== undefined && ctx.durationMs >= r.max_duration * 1000) return false;
  const days = r.day_of_week;
  if (days !== undefined && days.length > 0 && !days.some((day) => day === DAYS[ctx.local.weekday]))
    return false;
  return true;
}

/** Whether restrictions mention current (used to warn when current is unknown). */
export function needsCurrent(r: TariffRestrictions | undefined): boolean {
  return r?.min_current !== undefined || r?.max_current !== undefined;
}
