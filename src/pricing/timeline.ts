import { parseDateTime } from '../model/datetime.ts';
import type { Tariff } from '../model/v230/tariffs.ts';
import { OcpiError } from '../transport/errors.ts';
import { boundaryMinutes, durationThresholds, energyThresholds, kwhToMwh } from './restrictions.ts';
import { localBoundaries } from './timezone.ts';
import type { MeterSample, MeterState, PricingSession, ReservationOutcome } from './types.ts';

/*
 * Steps 1 and 2 of the calculator (see calculator.ts): the input becomes a timeline of segments,
 * then the segments are cut wherever a restriction may change its verdict.
 * Units: time in ms since the epoch, energy in whole mWh (1e-6 kWh).
 */

export const MS_PER_HOUR = 3_600_000;
export const MWH_PER_KWH = 1_000_000;

/** A stretch of the session with one state, energy linear between its ends. */
export interface Segment {
  t0: number;
  t1: number;
  /** Energy consumed in the session at t0 and t1 (mWh). */
  e0: number;
  e1: number;
  state: MeterState;
  current: number | undefined;
  /** Power as measured (kW), when given. */
  measuredPower: number | undefined;
  /** Power used for restrictions: measured, else the segment's average. */
  power: number | undefined;
}

export function parseInstant(value: string, what: string): number {
  const d = parseDateTime(value);
  if (!d) throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `${what} is not a DateTime: ${value}`);
  return d.getTime();
}

/** The session's meter samples or metered periods as segments from start to end. */
export function segmentsOf(session: PricingSession, start: number, end: number): Segment[] {
  const initial: MeterState = session.reservation === 'EXPIRED' ? 'RESERVATION' : 'CHARGING';
  return session.periods !== undefined
    ? segmentsFromPeriods(session, start, end, initial)
    : segmentsFromSamples(session, start, end, initial);
}

type TimedSample = MeterSample & { t: number };

function timedSamples(session: PricingSession, start: number, end: number): TimedSample[] {
  const samples = (session.samples ?? []).map((s, i) => ({
    ...s,
    t: parseInstant(s.timestamp, `samples[${i}].timestamp`),
  }));
  let previous = start;
  for (const [i, s] of samples.entries()) {
    if (s.t < previous)
      throw new OcpiError(
        'OCPI_ERR_INVALID_ARGUMENT',
        `samples[${i}] is out of order or before the session start`,
      );
    if (s.t > end) throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `samples[${i}] is after the session end`);
    previous = s.t;
  }
  return samples;
}

/** Energy at any instant from the meter readings among the samples. */
function energyCurve(samples: TimedSample[]): (t: number) => number {
  const readings: { t: number; e: number }[] = [];
  for (const [i, s] of samples.entries()) {
    if (s.energy_kwh === undefined) continue;
    const e = kwhToMwh(s.energy_kwh);
    const last = readings[readings.length - 1];
    if (last && e < last.e)
      throw new OcpiError(
        'OCPI_ERR_INVALID_ARGUMENT',
        `samples[${i}].energy_kwh decreases (the meter must not run back)`,
      );
    readings.push({ t: s.t, e });
  }
  // Linear between readings, flat outside them; at an instant with several readings the last counts.
  return (t: number): number => {
    let lo = -1;
    let hi = readings.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((readings[mid]?.t ?? Number.POSITIVE_INFINITY) <= t) lo = mid;
      else hi = mid - 1;
    }
    const a = readings[lo];
    const b = readings[lo + 1];
    if (!a) return b?.e ?? 0;
    if (!b) return a.e;
    return Math.round(a.e + ((b.e - a.e) * (t - a.t)) / (b.t - a.t));
  };
}

/** Each value with the one after it: [a, b], [b, c], … */
function* consecutive(values: number[]): Generator<[number, number]> {
  let previous: number | undefined;
  for (const value of values) {
    if (previous !== undefined) yield [previous, value];
    previous = value;
  }
}

function segmentsFromSamples(
  session: PricingSession,
  start: number,
  end: number,
  initial: MeterState,
): Segment[] {
  const samples = timedSamples(session, start, end);
  const energyAt = energyCurve(samples);
  const cuts = [...new Set([start, ...samples.map((s) => s.t), end])].sort((a, b) => a - b);
  const segments: Segment[] = [];
  let state = initial;
  let current: number | undefined;
  let power: number | undefined;
  let k = 0;
  for (const [t0, t1] of consecutive(cuts)) {
    for (let s = samples[k]; s !== undefined && s.t <= t0; s = samples[++k]) {
      if (s.state !== undefined && s.state !== state) {
        state = s.state;
        current = undefined;
        power = undefined;
      }
      if (s.current !== undefined) current = s.current;
      if (s.power !== undefined) power = s.power;
    }
    segments.push({
      t0,
      t1,
      e0: energyAt(t0),
      e1: energyAt(t1),
      state,
      current,
      measuredPower: power,
      power,
    });
  }
  return segments;
}

function segmentsFromPeriods(
  session: PricingSession,
  start: number,
  end: number,
  initial: MeterState,
): Segment[] {
  const periods = (session.periods ?? []).map((p, i) => ({
    ...p,
    t: parseInstant(p.start_date_time, `periods[${i}].start_date_time`),
  }));
  let previous = start;
  for (const [i, p] of periods.entries()) {
    if (p.t < previous)
      throw new OcpiError(
        'OCPI_ERR_INVALID_ARGUMENT',
        `periods[${i}] is out of order or before the session start`,
      );
    if (p.t > end)
      throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `periods[${i}] starts after the session end`);
    if (!(p.energy_kwh >= 0))
      throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `periods[${i}].energy_kwh must be zero or more`);
    previous = p.t;
  }
  const segments: Segment[] = [];
  // Time before the first period (or a session without periods) is idle in the initial state.
  const idleUntil = periods[0] ? periods[0].t : end;
  if ((periods[0] && periods[0].t > start) || (!periods[0] && end > start)) {
    segments.push({
      t0: start,
      t1: idleUntil,
      e0: 0,
      e1: 0,
      state: initial,
      current: undefined,
      measuredPower: undefined,
      power: undefined,
    });
  }
  let energy = 0;
  for (const [i, p] of periods.entries()) {
    const t1 = periods[i + 1]?.t ?? end;
    const delta = kwhToMwh(p.energy_kwh);
    if (t1 === p.t) {
      if (delta !== 0)
        throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `periods[${i}] has energy but no duration`);
      continue;
    }
    segments.push({
      t0: p.t,
      t1,
      e0: energy,
      e1: energy + delta,
      state: p.state,
      current: p.current,
      measuredPower: p.power,
      power: p.power,
    });
    energy += delta;
  }
  return segments;
}

/** Makes energies count from the session start, ignoring any meter movement while reserved. */
export function consumedEnergy(segments: Segment[]): void {
  let consumed = 0;
  for (const s of segments) {
    const delta = s.state === 'RESERVATION' ? 0 : s.e1 - s.e0;
    s.e0 = consumed;
    s.e1 = consumed + delta;
    consumed += delta;
  }
}

/** Where no power was measured, restrictions see the average power of the segment. */
export function averagePowerWhereUnmeasured(segments: Segment[]): void {
  for (const s of segments) {
    if (s.power === undefined && s.state !== 'RESERVATION' && s.t1 > s.t0) {
      // mWh per ms is 3.6 kW.
      s.power = ((s.e1 - s.e0) / (s.t1 - s.t0)) * 3.6;
    }
  }
}

function cutAtEnergy(segments: Segment[], thresholds: number[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    let rest = s;
    for (const thr of thresholds) {
      if (!(thr > rest.e0 && thr < rest.e1)) continue;
      const t = Math.round(rest.t0 + ((thr - rest.e0) * (rest.t1 - rest.t0)) / (rest.e1 - rest.e0));
      if (t <= rest.t0 || t >= rest.t1) continue;
      out.push({ ...rest, t1: t, e1: thr });
      rest = { ...rest, t0: t, e0: thr };
    }
    out.push(rest);
  }
  return out;
}

function cutAtTimes(segments: Segment[], instants: number[]): Segment[] {
  const cuts = [...new Set(instants)].sort((a, b) => a - b);
  const out: Segment[] = [];
  let k = 0;
  for (const s of segments) {
    let next = cuts[k];
    while (next !== undefined && next <= s.t0) next = cuts[++k];
    let rest = s;
    for (let j = k, t = next; t !== undefined && t < s.t1; t = cuts[++j]) {
      const e = Math.round(rest.e0 + ((rest.e1 - rest.e0) * (t - rest.t0)) / (rest.t1 - rest.t0));
      out.push({ ...rest, t1: t, e1: e });
      rest = { ...rest, t0: t, e0: e };
    }
    out.push(rest);
  }
  return out;
}

/** When the parts of a session happen: reservation time first, then the session proper. */
export interface SessionFrame {
  start: number;
  end: number;
  timeZone: string;
  /** Where the session proper starts (the end, after a reservation that expired). */
  sessionStart: number;
  hasSessionTime: boolean;
  hasReservationTime: boolean;
  outcome: ReservationOutcome | undefined;
  expired: boolean;
}

export function frameOf(
  session: PricingSession,
  segments: Segment[],
  start: number,
  end: number,
): SessionFrame {
  const firstSession = segments.findIndex((s) => s.state !== 'RESERVATION');
  if (firstSession >= 0 && segments.slice(firstSession).some((s) => s.state === 'RESERVATION')) {
    throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'RESERVATION state after the session started');
  }
  const hasSessionTime = firstSession >= 0;
  const hasReservationTime = segments.some((s) => s.state === 'RESERVATION');
  const outcome: ReservationOutcome | undefined =
    session.reservation ?? (hasReservationTime ? (hasSessionTime ? 'USED' : 'EXPIRED') : undefined);
  if (outcome === 'EXPIRED' && hasSessionTime) {
    throw new OcpiError(
      'OCPI_ERR_INVALID_ARGUMENT',
      'an expired reservation has no charging or parking time',
    );
  }
  const sessionStart = hasSessionTime
    ? (segments[firstSession]?.t0 ?? start)
    : hasReservationTime
      ? end
      : start;
  return {
    start,
    end,
    timeZone: session.time_zone,
    sessionStart,
    hasSessionTime,
    hasReservationTime,
    outcome,
    expired: outcome === 'EXPIRED',
  };
}

/** Cuts the segments at every instant where a restriction of the tariff may change its verdict. */
export function cutAtRestrictionBoundaries(
  tariff: Tariff,
  segments: Segment[],
  frame: SessionFrame,
): Segment[] {
  const durations = durationThresholds(tariff);
  const timeCuts = [
    ...localBoundaries(frame.timeZone, frame.start, frame.end, boundaryMinutes(tariff)),
    ...durations.map((d) => frame.sessionStart + d),
    ...(frame.hasReservationTime ? durations.map((d) => frame.start + d) : []),
  ];
  return cutAtTimes(cutAtEnergy(segments, energyThresholds(tariff)), timeCuts);
}
