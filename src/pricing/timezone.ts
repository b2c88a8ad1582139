import { OcpiError } from '../transport/errors.ts';

/**
 * Local wall-clock arithmetic for an IANA time zone, using only the built-in Intl data.
 * Tariff restrictions (start_time, end_time, start_date, end_date, day_of_week) are local to the
 * Location; the calculator needs (a) the local date, weekday and minute of day of an instant and
 * (b) every instant in a range where one of those can change. Offsets are found with
 * Intl.DateTimeFormat; DST transitions are located by bisection, so a range is cut into pieces of
 * constant UTC offset, inside which local time is simply UTC plus that offset.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws OCPI_ERR_INVALID_ARGUMENT when the zone is not a known IANA zone. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `unknown time zone: ${timeZone}`);
  }
}

/** UTC offset (local minus UTC, in ms) in force at instant `t` (epoch ms). */
export function offsetAt(timeZone: string, t: number): number {
  const whole = Math.floor(t / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(whole))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return local - whole;
}

/** A stretch [start, end) of constant UTC offset. */
export interface OffsetRange {
  start: number;
  end: number;
  offset: number;
}

/** Probe spacing when looking for offset changes; real zones never change twice within it. */
const PROBE = 6 * HOUR;

/** Cuts [start, end) at every UTC-offset change of the zone. */
export function offsetRanges(timeZone: string, start: number, end: number): OffsetRange[] {
  const ranges: OffsetRange[] = [];
  let rangeStart = start;
  let offset = offsetAt(timeZone, start);
  let probe = start;
  while (probe < end) {
    const next = Math.min(probe + PROBE, end);
    const nextOffset = offsetAt(timeZone, next === end ? end - 1 : next);
    if (nextOffset !== offset) {
      // Bisect to the first millisecond with the new offset.
      let lo = probe;
      let hi = next === end ? end - 1 : next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      if (hi > rangeStart) ranges.push({ start: rangeStart, end: hi, offset });
      rangeStart = hi;
      offset = offsetAt(timeZone, hi);
    }
    probe = next;
  }
  ranges.push({ start: rangeStart, end, offset });
  return ranges;
}

/** Local calendar facts of an instant. */
export interface LocalTime {
  /** `YYYY-MM-DD`. */
  date: string;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  /** Minutes since local midnight, fractional. */
  minuteOfDay: number;
}

/** Local date, weekday and time of day of `t`, given the offset in force there. */
export function localTime(t: number, offset: number): LocalTime {
  const local = t + offset;
  const day = Math.floor(local / DAY);
  const d = new Date(day * DAY);
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return { date, weekday: (d.getUTCDay() + 6) % 7, minuteOfDay: (local - day * DAY) / MINUTE };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Every instant strictly inside [start, end) where the local clock shows one of `minutesOfDay`
 * (each whole minutes since midnight; local midnight is always included), plus every offset change.
 * In a DST gap a wall time that does not exist yields no instant: the change of the clock itself
 * is returned instead. In a DST overlap a wall time that occurs twice yields both instants.
 */
export function localBoundaries(
  timeZone: string,
  start: number,
  end: number,
  minutesOfDay: Iterable<number>,
): number[] {
  const minutes = new Set<number>([0, ...minutesOfDay]);
  const out: number[] = [];
  for (const range of offsetRanges(timeZone, start, end)) {
    if (range.start > start) out.push(range.start);
    const firstDay = Math.floor((range.start + range.offset) / DAY);
    const lastDay = Math.floor((range.end + range.offset) / DAY);
    for (let day = firstDay; day <= lastDay; day++) {
      for (const m of minutes) {
        const t = day * DAY + m * MINUTE - range.offset;
        if (t > range.start && t < range.end) out.push(t);
      }
    }
  }
  return out;
}
