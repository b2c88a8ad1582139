import { formatDateTime, parseDateTime } from '../model/datetime.ts';
import type { CdrDimension, ChargingPeriod } from '../model/v230/cdrs.ts';
import type { PriceComponent, Tariff, TariffDimensionType } from '../model/v230/tariffs.ts';
import { Ratio } from './decimal.ts';
import {
  addAmount,
  applyLimits,
  emptyMoney,
  MONEY_DECIMALS,
  type Money,
  type Rate,
  roundMoney,
  sumMoney,
  toPrice,
} from './money.ts';
import {
  boundaryMinutes,
  durationThresholds,
  energyThresholds,
  kwhToMwh,
  needsCurrent,
  type Phase,
  type RestrictionContext,
  restrictionsMatch,
} from './restrictions.ts';
import { assertTimeZone, localBoundaries, localTime, offsetAt, offsetRanges } from './timezone.ts';
import type {
  AppliedComponent,
  CdrCostFields,
  MeterState,
  PricedPeriod,
  PricingOptions,
  PricingSession,
  ReservationOutcome,
  SessionPricing,
} from './types.ts';

/*
 * Tariff calculator: prices a session against one OCPI 2.3.0 Tariff and produces the cost fields
 * of a CDR. Pure: no clock, no I/O.
 *
 * How it works
 * 1. The input (meter samples or metered periods) becomes a timeline of segments with a state
 *    (CHARGING / PARKING / RESERVATION), energy at both ends (linear in between), current and power.
 * 2. Segments are cut wherever any restriction of any element could change its verdict: energy
 *    thresholds (min_kwh/max_kwh; the crossing instant is interpolated), session durations
 *    (min_duration/max_duration), local times of day named in start_time/end_time, local
 *    midnight (dates, weekdays) and UTC-offset changes (DST). Current and power are constant per
 *    segment already.
 * 3. Each piece is evaluated once, at its midpoint. Per dimension, the first element (in tariff
 *    order) that has a price component of that dimension and whose restrictions all match
 *    supplies the price; no such element means the dimension is free there. Reservation time
 *    only matches elements with a `reservation` restriction (RESERVATION_EXPIRES elements first
 *    when the reservation expired); session time only elements without one.
 * 4. Consecutive pieces with the same state and the same price components are merged into one
 *    charging period, so a new period starts exactly when another price component becomes active.
 * 5. Quantities are billed per period; step_size applies once per session and dimension group, on
 *    the total, with the step of the last period that used it: ENERGY on its own (total Wh), TIME
 *    and PARKING_TIME together (only the dimension of the last time-billed period is rounded, its
 *    session total rounded up and the excess billed in that last period), reservation time on its
 *    own. FLAT is billed once per phase (session, reservation), from the first piece where a FLAT
 *    component is active.
 * 6. Costs are exact rationals until reported; see money.ts for taxes, rounding and min/max price.
 *
 * Units inside: time in ms since the epoch, energy in whole mWh (1e-6 kWh).
 *
 * Choices where the spec leaves room (and approximations):
 * - Energy between two meter readings is taken as linear; a min_kwh/max_kwh crossing is placed at
 *   the interpolated instant (ms precision), with exactly the threshold energy on each side.
 * - Power restrictions use the power the caller measured; otherwise the average power of the
 *   metering interval. Current cannot be derived: an unknown current matches no current
 *   restriction (and a warning says so).
 * - day_of_week, start_date and end_date are judged on the local date of each instant, separately
 *   from start_time/end_time: a 22:00-06:00 window restricted to FRIDAY does not cover Saturday 02:00.
 * - A restriction window with start_time equal to end_time is taken to cover the whole day.
 * - CHARGING / PARKING are the caller's states (2.3.0: parking is time the vehicle does not
 *   request power); energy metered while PARKING is still billed as ENERGY.
 * - Reservation time is priced only by elements with a `reservation` restriction, rounded with its
 *   own step_size and reported in total_reservation_cost; it is not part of total_time, which
 *   covers the session proper (so total_time - total_parking_time is the charging time).
 * - CDR charging_periods carry measured volumes (ENERGY, TIME, PARKING_TIME, RESERVATION_TIME, and
 *   MIN/MAX_CURRENT and MIN/MAX_POWER where measured); step-rounded quantities are in `periods`.
 *   2.3.0's CdrDimensionType has no FLAT, so the flat fee appears only in the costs.
 * - min_price/max_price change total_cost only; the per-dimension totals stay as computed.
 * - Tariff.start_date_time/end_date_time do not select anything (picking the tariff is the
 *   caller's job); a session starting outside them gets a warning. Bookings-package `booking`
 *   restrictions are not supported: such elements never match.
 */

const MS_PER_HOUR = 3_600_000;
const MWH_PER_KWH = 1_000_000;

type Dim = TariffDimensionType;

interface Segment {
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

interface Selection {
  element: number;
  component: PriceComponent;
}

interface Piece extends Segment {
  selection: Map<Dim, Selection>;
}

interface Period {
  t0: number;
  t1: number;
  state: MeterState;
  phase: Phase;
  energy: number;
  duration: number;
  selection: Map<Dim, Selection>;
  currents: number[];
  powers: number[];
  flat: Selection | undefined;
  /** Billed quantity per dimension: mWh, ms, or 1 for FLAT. */
  billed: Map<Dim, number>;
}

function parseInstant(value: string, what: string): number {
  const d = parseDateTime(value);
  if (!d) throw new RangeError(`${what} is not a DateTime: ${value}`);
  return d.getTime();
}

function phaseOf(state: MeterState): Phase {
  return state === 'RESERVATION' ? 'RESERVATION' : 'SESSION';
}

/** The dimensions that can be billed in a state (FLAT is handled once per phase). */
function dimsOf(state: MeterState): Dim[] {
  if (state === 'RESERVATION') return ['TIME', 'FLAT'];
  return state === 'CHARGING' ? ['ENERGY', 'TIME', 'FLAT'] : ['ENERGY', 'PARKING_TIME', 'FLAT'];
}

// ---------------------------------------------------------------------------------------------
// 1. Input to segments

function segmentsFromSamples(
  session: PricingSession,
  start: number,
  end: number,
  initial: MeterState,
): Segment[] {
  const samples = (session.samples ?? []).map((s, i) => ({
    ...s,
    t: parseInstant(s.timestamp, `samples[${i}].timestamp`),
  }));
  let previous = start;
  for (const [i, s] of samples.entries()) {
    if (s.t < previous) throw new RangeError(`samples[${i}] is out of order or before the session start`);
    if (s.t > end) throw new RangeError(`samples[${i}] is after the session end`);
    previous = s.t;
  }
  const readings: { t: number; e: number }[] = [];
  for (const [i, s] of samples.entries()) {
    if (s.energy_kwh === undefined) continue;
    const e = kwhToMwh(s.energy_kwh);
    const last = readings[readings.length - 1];
    if (last && e < last.e)
      throw new RangeError(`samples[${i}].energy_kwh decreases (the meter must not run back)`);
    readings.push({ t: s.t, e });
  }
  // Linear between readings, flat outside them; at an instant with several readings the last counts.
  const energyAt = (t: number): number => {
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
  const cuts = [...new Set([start, ...samples.map((s) => s.t), end])].sort((a, b) => a - b);
  const segments: Segment[] = [];
  let state = initial;
  let current: number | undefined;
  let power: number | undefined;
  let k = 0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const t0 = cuts[i] as number;
    const t1 = cuts[i + 1] as number;
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
  const segments: Segment[] = [];
  let previous = start;
  for (const [i, p] of periods.entries()) {
    if (p.t < previous) throw new RangeError(`periods[${i}] is out of order or before the session start`);
    if (p.t > end) throw new RangeError(`periods[${i}] starts after the session end`);
    if (!(p.energy_kwh >= 0)) throw new RangeError(`periods[${i}].energy_kwh must be zero or more`);
    previous = p.t;
  }
  let energy = 0;
  if (periods[0] && periods[0].t > start) {
    segments.push({
      t0: start,
      t1: periods[0].t,
      e0: 0,
      e1: 0,
      state: initial,
      current: undefined,
      measuredPower: undefined,
      power: undefined,
    });
  } else if (!periods[0] && end > start) {
    segments.push({
      t0: start,
      t1: end,
      e0: 0,
      e1: 0,
      state: initial,
      current: undefined,
      measuredPower: undefined,
      power: undefined,
    });
  }
  for (const [i, p] of periods.entries()) {
    const t1 = periods[i + 1]?.t ?? end;
    const delta = kwhToMwh(p.energy_kwh);
    if (t1 === p.t) {
      if (delta !== 0) throw new RangeError(`periods[${i}] has energy but no duration`);
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
function consumedEnergy(segments: Segment[]): void {
  let consumed = 0;
  for (const s of segments) {
    const delta = s.state === 'RESERVATION' ? 0 : s.e1 - s.e0;
    s.e0 = consumed;
    s.e1 = consumed + delta;
    consumed += delta;
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Cutting at restriction boundaries

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
    while (k < cuts.length && (cuts[k] as number) <= s.t0) k++;
    let rest = s;
    for (let j = k; j < cuts.length && (cuts[j] as number) < s.t1; j++) {
      const t = cuts[j] as number;
      const e = Math.round(rest.e0 + ((rest.e1 - rest.e0) * (t - rest.t0)) / (rest.t1 - rest.t0));
      out.push({ ...rest, t1: t, e1: e });
      rest = { ...rest, t0: t, e0: e };
    }
    out.push(rest);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. Selecting price components

function selector(tariff: Tariff, expired: boolean) {
  const all = tariff.elements.map((_, i) => i);
  // For an expired reservation, RESERVATION_EXPIRES elements take precedence over RESERVATION ones.
  const reservationOrder = expired
    ? [
        ...all.filter((i) => tariff.elements[i]?.restrictions?.reservation === 'RESERVATION_EXPIRES'),
        ...all.filter((i) => tariff.elements[i]?.restrictions?.reservation !== 'RESERVATION_EXPIRES'),
      ]
    : all;
  return (dims: readonly Dim[], ctx: RestrictionContext): Map<Dim, Selection> => {
    const out = new Map<Dim, Selection>();
    const order = ctx.phase === 'RESERVATION' ? reservationOrder : all;
    for (const dim of dims) {
      for (const i of order) {
        const element = tariff.elements[i];
        const component = element?.price_components.find((c) => c.type === dim);
        if (!element || !component) continue;
        if (restrictionsMatch(element.restrictions, ctx)) {
          out.set(dim, { element: i, component });
          break;
        }
      }
    }
    return out;
  };
}

function signature(state: MeterState, selection: Map<Dim, Selection>): string {
  const parts: string[] = [state];
  for (const dim of dimsOf(state)) {
    if (dim !== 'FLAT') parts.push(`${dim}:${selection.get(dim)?.element ?? '-'}`);
  }
  return parts.join('|');
}

// ---------------------------------------------------------------------------------------------
// Main entry point

/**
 * Prices a session with a Tariff. Throws RangeError on malformed input (bad DateTimes, samples
 * out of order or outside the session, a meter running back, an unknown time zone, charging
 * during an expired reservation, reservation time after the session started).
 */
export function priceSession(
  tariff: Tariff,
  session: PricingSession,
  options: PricingOptions = {},
): SessionPricing {
  const start = parseInstant(session.start_date_time, 'start_date_time');
  const end = parseInstant(session.end_date_time, 'end_date_time');
  if (end < start) throw new RangeError('end_date_time is before start_date_time');
  assertTimeZone(session.time_zone);
  if (session.samples !== undefined && session.periods !== undefined) {
    throw new RangeError('give either samples or periods, not both');
  }
  const zone = session.time_zone;
  const vatName = options.vat_name ?? 'VAT';
  const volumeDecimals = options.volume_decimals ?? 4;
  const warnings: string[] = [];

  const initial: MeterState = session.reservation === 'EXPIRED' ? 'RESERVATION' : 'CHARGING';
  const segments =
    session.periods !== undefined
      ? segmentsFromPeriods(session, start, end, initial)
      : segmentsFromSamples(session, start, end, initial);

  // Phases: reservation time must come first; what follows is the charging session.
  const firstSession = segments.findIndex((s) => s.state !== 'RESERVATION');
  if (firstSession >= 0 && segments.slice(firstSession).some((s) => s.state === 'RESERVATION')) {
    throw new RangeError('RESERVATION state after the session started');
  }
  const hasReservationTime = segments.some((s) => s.state === 'RESERVATION');
  const outcome: ReservationOutcome | undefined =
    session.reservation ?? (hasReservationTime ? (firstSession >= 0 ? 'USED' : 'EXPIRED') : undefined);
  if (outcome === 'EXPIRED' && firstSession >= 0) {
    throw new RangeError('an expired reservation has no charging or parking time');
  }
  const sessionStart =
    firstSession >= 0 ? (segments[firstSession]?.t0 ?? start) : hasReservationTime ? end : start;
  const expired = outcome === 'EXPIRED';

  consumedEnergy(segments);
  for (const s of segments) {
    if (s.power === undefined && s.state !== 'RESERVATION' && s.t1 > s.t0) {
      // mWh per ms is 3.6 kW.
      s.power = ((s.e1 - s.e0) / (s.t1 - s.t0)) * 3.6;
    }
  }

  // 2. Cut at every instant where a restriction may change its verdict.
  const durations = durationThresholds(tariff);
  const timeCuts = [
    ...localBoundaries(zone, start, end, boundaryMinutes(tariff)),
    ...durations.map((d) => sessionStart + d),
    ...(hasReservationTime ? durations.map((d) => start + d) : []),
  ];
  const cut = cutAtTimes(cutAtEnergy(segments, energyThresholds(tariff)), timeCuts);

  // 3. Evaluate each piece.
  const select = selector(tariff, expired);
  const ranges = offsetRanges(zone, start, end);
  const offsetOf = (t: number): number => {
    for (const r of ranges) if (t >= r.start && t < r.end) return r.offset;
    return offsetAt(zone, t);
  };
  const contextAt = (
    t: number,
    phase: Phase,
    energyMwh: number,
    current: number | undefined,
    power: number | undefined,
  ): RestrictionContext => ({
    phase,
    expired,
    local: localTime(t, offsetOf(t)),
    energyMwh,
    durationMs: t - (phase === 'RESERVATION' ? start : sessionStart),
    current,
    power,
  });
  const currentMatters = tariff.elements.some((e) => needsCurrent(e.restrictions));
  let currentUnknown = false;
  const pieces: Piece[] = cut.map((s) => {
    const mid = (s.t0 + s.t1) / 2;
    const phase = phaseOf(s.state);
    if (s.state === 'CHARGING' && s.current === undefined) currentUnknown = true;
    const ctx = contextAt(mid, phase, (s.e0 + s.e1) / 2, s.current, s.power);
    return { ...s, selection: select(dimsOf(s.state), ctx) };
  });
  if (currentMatters && currentUnknown) {
    warnings.push('current restrictions did not match where the charging current was unknown');
  }

  // 4. Merge pieces into periods.
  const periods: Period[] = [];
  let lastSignature = '';
  for (const p of pieces) {
    const sig = signature(p.state, p.selection);
    const last = periods[periods.length - 1];
    if (last && sig === lastSignature && last.t1 === p.t0) {
      last.t1 = p.t1;
      last.energy += p.e1 - p.e0;
      last.duration += p.t1 - p.t0;
      if (p.current !== undefined) last.currents.push(p.current);
      if (p.measuredPower !== undefined) last.powers.push(p.measuredPower);
      continue;
    }
    lastSignature = sig;
    const selection = new Map(p.selection);
    selection.delete('FLAT');
    periods.push({
      t0: p.t0,
      t1: p.t1,
      state: p.state,
      phase: phaseOf(p.state),
      energy: p.e1 - p.e0,
      duration: p.t1 - p.t0,
      selection,
      currents: p.current === undefined ? [] : [p.current],
      powers: p.measuredPower === undefined ? [] : [p.measuredPower],
      flat: undefined,
      billed: new Map(),
    });
  }
  if ((!expired && firstSession < 0) || periods.length === 0) {
    // A session without duration still gets one (empty) charging period, as a CDR needs one.
    const phase: Phase = expired ? 'RESERVATION' : 'SESSION';
    const ctx = contextAt(sessionStart, phase, 0, undefined, undefined);
    const selection = select(expired ? ['TIME'] : ['ENERGY', 'TIME'], ctx);
    periods.push({
      t0: sessionStart,
      t1: sessionStart,
      state: expired ? 'RESERVATION' : 'CHARGING',
      phase,
      energy: 0,
      duration: 0,
      selection,
      currents: [],
      powers: [],
      flat: undefined,
      billed: new Map(),
    });
  }

  // FLAT: once per phase, from the first piece where a FLAT component is active.
  const orphanFlats: { phase: Phase; selection: Selection }[] = [];
  const phases: Phase[] = [
    ...(outcome !== undefined ? (['RESERVATION'] as const) : []),
    ...(expired ? [] : (['SESSION'] as const)),
  ];
  for (const phase of phases) {
    const piece = pieces.find((p) => phaseOf(p.state) === phase && p.selection.has('FLAT'));
    if (piece) {
      const period = periods.find((q) => q.t0 <= piece.t0 && piece.t0 < q.t1 && q.phase === phase);
      const flat = piece.selection.get('FLAT') as Selection;
      if (period) period.flat = flat;
      else orphanFlats.push({ phase, selection: flat });
      continue;
    }
    if (pieces.some((p) => phaseOf(p.state) === phase)) continue;
    const at = phase === 'RESERVATION' ? start : sessionStart;
    const flat = select(['FLAT'], contextAt(at, phase, 0, undefined, undefined)).get('FLAT');
    if (!flat) continue;
    const period = periods.find((q) => q.phase === phase);
    if (period) period.flat = flat;
    else orphanFlats.push({ phase, selection: flat });
  }

  // 5. Billed quantities and step_size.
  for (const p of periods) {
    if (p.flat) p.billed.set('FLAT', 1);
    if (p.phase === 'RESERVATION') {
      if (p.selection.has('TIME')) p.billed.set('TIME', p.duration);
      continue;
    }
    if (p.selection.has('ENERGY')) p.billed.set('ENERGY', p.energy);
    if (p.state === 'CHARGING' && p.selection.has('TIME')) p.billed.set('TIME', p.duration);
    if (p.state === 'PARKING' && p.selection.has('PARKING_TIME')) p.billed.set('PARKING_TIME', p.duration);
  }
  const roundUp = (candidates: Period[], dim: Dim, unit: number): void => {
    const last = candidates[candidates.length - 1];
    if (!last) return;
    const total = candidates.reduce((sum, p) => sum + (p.billed.get(dim) ?? 0), 0);
    const step = Math.max(1, last.selection.get(dim)?.component.step_size ?? 1) * unit;
    const rounded = Number(Ratio.ceilToMultiple(BigInt(total), BigInt(step)));
    last.billed.set(dim, (last.billed.get(dim) ?? 0) + rounded - total);
  };
  const sessionPeriods = periods.filter((p) => p.phase === 'SESSION');
  roundUp(
    sessionPeriods.filter((p) => p.billed.has('ENERGY') && p.energy > 0),
    'ENERGY',
    1000,
  );
  const timeBilled = sessionPeriods.filter(
    (p) => (p.billed.get('TIME') ?? 0) > 0 || (p.billed.get('PARKING_TIME') ?? 0) > 0,
  );
  const lastTimeBilled = timeBilled[timeBilled.length - 1];
  if (lastTimeBilled) {
    const dim: Dim = lastTimeBilled.state === 'CHARGING' ? 'TIME' : 'PARKING_TIME';
    roundUp(
      timeBilled.filter((p) => p.billed.has(dim)),
      dim,
      1000,
    );
  }
  roundUp(
    periods.filter((p) => p.phase === 'RESERVATION' && (p.billed.get('TIME') ?? 0) > 0),
    'TIME',
    1000,
  );

  // 6. Money.
  const rates = (vat: number | undefined): Rate[] =>
    vat !== undefined
      ? [{ name: vatName, percentage: Ratio.fromNumber(vat), account_number: undefined }]
      : (options.taxes ?? []).map((t) => ({
          name: t.name,
          percentage: Ratio.fromNumber(t.percentage),
          account_number: t.account_number,
        }));
  const buckets = {
    fixed: emptyMoney(),
    energy: emptyMoney(),
    time: emptyMoney(),
    parking: emptyMoney(),
    reservation: emptyMoney(),
  };
  const bucketOf = (phase: Phase, dim: Dim): Money => {
    if (phase === 'RESERVATION') return buckets.reservation;
    if (dim === 'FLAT') return buckets.fixed;
    if (dim === 'ENERGY') return buckets.energy;
    return dim === 'TIME' ? buckets.time : buckets.parking;
  };
  let unknownIncludedTax = false;
  const charge = (phase: Phase, dim: Dim, component: PriceComponent, quantity: Ratio): Ratio => {
    const amount = Ratio.fromNumber(component.price).mul(quantity);
    const ok = addAmount(bucketOf(phase, dim), amount, tariff.tax_included, rates(component.vat));
    if (!ok && !amount.isZero()) unknownIncludedTax = true;
    return amount;
  };
  const quantityOf = (dim: Dim, billed: number): Ratio =>
    dim === 'FLAT'
      ? Ratio.of(billed)
      : dim === 'ENERGY'
        ? Ratio.of(billed, MWH_PER_KWH)
        : Ratio.of(billed, MS_PER_HOUR);

  const priced: PricedPeriod[] = periods.map((p) => {
    const components: PricedPeriod['components'] = {};
    const billed: PricedPeriod['billed'] = {};
    const cost: PricedPeriod['cost'] = {};
    for (const [dim, qty] of p.billed) {
      const sel = dim === 'FLAT' ? p.flat : p.selection.get(dim);
      if (!sel) continue;
      const quantity = quantityOf(dim, qty);
      const amount = charge(p.phase, dim, sel.component, quantity);
      components[dim] = applied(sel);
      billed[dim] = quantity.toNumber();
      cost[dim] = amount.round(MONEY_DECIMALS).toNumber();
    }
    for (const [dim, sel] of p.selection) components[dim] ??= applied(sel);
    return {
      start_date_time: formatDateTime(new Date(p.t0)),
      end_date_time: formatDateTime(new Date(p.t1)),
      state: p.state,
      energy: p.energy / MWH_PER_KWH,
      duration: p.duration / MS_PER_HOUR,
      components,
      billed,
      cost,
    };
  });
  for (const o of orphanFlats) charge(o.phase, 'FLAT', o.selection.component, Ratio.ONE);
  // Register the tax lines of every active component even where nothing was billed, so that a
  // minimum price can carry the right tax.
  for (const p of periods) {
    for (const [dim, sel] of p.selection) {
      if (!p.billed.has(dim)) charge(p.phase, dim, sel.component, Ratio.ZERO);
    }
  }
  if (unknownIncludedTax) {
    warnings.push(
      'prices include taxes at rates the tariff does not give (no vat, no options.taxes): before_taxes holds the tax-inclusive amount',
    );
  }

  const taxesIncluded = tariff.tax_included === 'YES';
  const rounded = {
    fixed: roundMoney(buckets.fixed, taxesIncluded),
    energy: roundMoney(buckets.energy, taxesIncluded),
    time: roundMoney(buckets.time, taxesIncluded),
    parking: roundMoney(buckets.parking, taxesIncluded),
    reservation: roundMoney(buckets.reservation, taxesIncluded),
  };
  const limited = applyLimits(
    sumMoney([rounded.fixed, rounded.energy, rounded.time, rounded.parking, rounded.reservation]),
    tariff.min_price,
    tariff.max_price,
    vatName,
  );
  if (limited.conflict)
    warnings.push('min_price/max_price after taxes conflict with before taxes; taxes set to 0');
  checkValidity(tariff, start, warnings);

  // CDR charging periods and totals.
  const volume = (n: number, d: number): number => Ratio.of(n, d).round(volumeDecimals).toNumber();
  const chargingPeriods: ChargingPeriod[] = periods.map((p) => ({
    start_date_time: formatDateTime(new Date(p.t0)),
    dimensions: cdrDimensions(p, volume),
    tariff_id: tariff.id,
  }));
  const sumOf = (pred: (p: Period) => boolean, f: (p: Period) => number): number =>
    periods.filter(pred).reduce((s, p) => s + f(p), 0);

  const result: SessionPricing = {
    tariff_id: tariff.id,
    currency: tariff.currency,
    charging_periods: chargingPeriods,
    total_cost: toPrice(limited.money),
    total_fixed_cost: toPrice(rounded.fixed),
    total_energy: volume(
      sumOf(
        (p) => p.phase === 'SESSION',
        (p) => p.energy,
      ),
      MWH_PER_KWH,
    ),
    total_energy_cost: toPrice(rounded.energy),
    total_time: volume(expired ? 0 : end - sessionStart, MS_PER_HOUR),
    total_time_cost: toPrice(rounded.time),
    total_parking_time: volume(
      sumOf(
        (p) => p.state === 'PARKING',
        (p) => p.duration,
      ),
      MS_PER_HOUR,
    ),
    total_parking_cost: toPrice(rounded.parking),
    periods: priced,
    warnings,
  };
  if (outcome !== undefined) result.total_reservation_cost = toPrice(rounded.reservation);
  if (limited.applied !== undefined) result.price_limit = limited.applied;
  return result;
}

function applied(sel: Selection): AppliedComponent {
  const out: AppliedComponent = {
    element: sel.element,
    price: sel.component.price,
    step_size: sel.component.step_size,
  };
  if (sel.component.vat !== undefined) out.vat = sel.component.vat;
  return out;
}

function cdrDimensions(
  p: Period,
  volume: (n: number, d: number) => number,
): [CdrDimension, ...CdrDimension[]] {
  const dims: CdrDimension[] = [];
  if (p.state === 'RESERVATION') {
    dims.push({ type: 'RESERVATION_TIME', volume: volume(p.duration, MS_PER_HOUR) });
  } else if (p.state === 'CHARGING') {
    dims.push({ type: 'ENERGY', volume: volume(p.energy, MWH_PER_KWH) });
    dims.push({ type: 'TIME', volume: volume(p.duration, MS_PER_HOUR) });
  } else {
    if (p.energy !== 0) dims.push({ type: 'ENERGY', volume: volume(p.energy, MWH_PER_KWH) });
    dims.push({ type: 'PARKING_TIME', volume: volume(p.duration, MS_PER_HOUR) });
  }
  if (p.currents.length > 0) {
    dims.push({ type: 'MIN_CURRENT', volume: p.currents.reduce((a, b) => Math.min(a, b)) });
    dims.push({ type: 'MAX_CURRENT', volume: p.currents.reduce((a, b) => Math.max(a, b)) });
  }
  if (p.powers.length > 0) {
    dims.push({ type: 'MIN_POWER', volume: p.powers.reduce((a, b) => Math.min(a, b)) });
    dims.push({ type: 'MAX_POWER', volume: p.powers.reduce((a, b) => Math.max(a, b)) });
  }
  return dims as [CdrDimension, ...CdrDimension[]];
}

function checkValidity(tariff: Tariff, start: number, warnings: string[]): void {
  const from = tariff.start_date_time === undefined ? undefined : parseDateTime(tariff.start_date_time);
  const until = tariff.end_date_time === undefined ? undefined : parseDateTime(tariff.end_date_time);
  if ((from && start < from.getTime()) || (until && start > until.getTime())) {
    warnings.push('the session starts outside the validity (start_date_time/end_date_time) of the tariff');
  }
}

/** Just the CDR fields of a pricing (drops the breakdown and warnings). */
export function cdrFields(pricing: SessionPricing): CdrCostFields {
  const out: CdrCostFields = {
    charging_periods: pricing.charging_periods,
    total_cost: pricing.total_cost,
    total_fixed_cost: pricing.total_fixed_cost,
    total_energy: pricing.total_energy,
    total_energy_cost: pricing.total_energy_cost,
    total_time: pricing.total_time,
    total_time_cost: pricing.total_time_cost,
    total_parking_time: pricing.total_parking_time,
    total_parking_cost: pricing.total_parking_cost,
  };
  if (pricing.total_reservation_cost !== undefined)
    out.total_reservation_cost = pricing.total_reservation_cost;
  return out;
}
