import { Ratio } from './decimal.ts';
import type { Phase } from './restrictions.ts';
import {
  type ContextAt,
  type Dim,
  type Piece,
  phaseOf,
  type Selection,
  type Selector,
  signature,
} from './selection.ts';
import type { SessionFrame } from './timeline.ts';
import type { MeterState } from './types.ts';

/*
 * Steps 4 and 5 of the calculator (see calculator.ts): pieces become charging periods, FLAT fees
 * find their period, and each period gets its billed quantities, rounded up to step_size.
 */

export interface Period {
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

/** A FLAT fee of a phase that has no period to carry it. */
export interface OrphanFlat {
  phase: Phase;
  selection: Selection;
}

/** Consecutive pieces with the same state and price components make one period. */
export function mergeIntoPeriods(pieces: Piece[]): Period[] {
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
  return periods;
}

/** A session without duration still gets one (empty) charging period, as a CDR needs one. */
export function needsEmptyPeriod(frame: SessionFrame, periods: Period[]): boolean {
  return (!frame.expired && !frame.hasSessionTime) || periods.length === 0;
}

export function emptyPeriod(frame: SessionFrame, select: Selector, contextAt: ContextAt): Period {
  const phase: Phase = frame.expired ? 'RESERVATION' : 'SESSION';
  const ctx = contextAt(frame.sessionStart, phase, 0, undefined, undefined);
  return {
    t0: frame.sessionStart,
    t1: frame.sessionStart,
    state: frame.expired ? 'RESERVATION' : 'CHARGING',
    phase,
    energy: 0,
    duration: 0,
    selection: select(frame.expired ? ['TIME'] : ['ENERGY', 'TIME'], ctx),
    currents: [],
    powers: [],
    flat: undefined,
    billed: new Map(),
  };
}

/**
 * FLAT: once per phase, from the first piece where a FLAT component is active. Sets the period
 * that carries each fee; returns the fees no period carries.
 */
export function placeFlats(
  frame: SessionFrame,
  pieces: Piece[],
  periods: Period[],
  select: Selector,
  contextAt: ContextAt,
): OrphanFlat[] {
  const orphans: OrphanFlat[] = [];
  const phases: Phase[] = [
    ...(frame.outcome !== undefined ? (['RESERVATION'] as const) : []),
    ...(frame.expired ? [] : (['SESSION'] as const)),
  ];
  for (const phase of phases) {
    const piece = pieces.find((p) => phaseOf(p.state) === phase && p.selection.has('FLAT'));
    const pieceFlat = piece?.selection.get('FLAT');
    if (piece && pieceFlat) {
      const period = periods.find((q) => q.t0 <= piece.t0 && piece.t0 < q.t1 && q.phase === phase);
      if (period) period.flat = pieceFlat;
      else orphans.push({ phase, selection: pieceFlat });
      continue;
    }
    if (pieces.some((p) => phaseOf(p.state) === phase)) continue;
    const at = phase === 'RESERVATION' ? frame.start : frame.sessionStart;
    const flat = select(['FLAT'], contextAt(at, phase, 0, undefined, undefined)).get('FLAT');
    if (!flat) continue;
    const period = periods.find((q) => q.phase === phase);
    if (period) period.flat = flat;
    else orphans.push({ phase, selection: flat });
  }
  return orphans;
}

/** What each period bills, per dimension with an active component, before step_size. */
export function billQuantities(periods: Period[]): void {
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
}

/** Rounds a dimension's total over the candidates up to the step_size of the last one. */
function roundUp(candidates: Period[], dim: Dim, unit: number): void {
  const last = candidates[candidates.length - 1];
  if (!last) return;
  const total = candidates.reduce((sum, p) => sum + (p.billed.get(dim) ?? 0), 0);
  const step = Math.max(1, last.selection.get(dim)?.component.step_size ?? 1) * unit;
  const rounded = Number(Ratio.ceilToMultiple(BigInt(total), BigInt(step)));
  last.billed.set(dim, (last.billed.get(dim) ?? 0) + rounded - total);
}

/**
 * step_size applies once per session and dimension group, on the total: ENERGY on its own (in
 * Wh), TIME and PARKING_TIME together (the dimension of the last time-billed period, in seconds),
 * reservation time on its own.
 */
export function roundToSteps(periods: Period[]): void {
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
}
