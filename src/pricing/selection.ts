import type { PriceComponent, Tariff, TariffDimensionType } from '../model/v230/tariffs.ts';
import { needsCurrent, type Phase, type RestrictionContext, restrictionsMatch } from './restrictions.ts';
import type { Segment, SessionFrame } from './timeline.ts';
import { localTime, offsetAt, offsetRanges } from './timezone.ts';
import type { MeterState } from './types.ts';

/*
 * Step 3 of the calculator (see calculator.ts): each piece of the timeline is evaluated once, at
 * its midpoint, and gets per dimension the price component of the first element that matches.
 */

export type Dim = TariffDimensionType;

/** The price component that prices a dimension, and the index of its tariff element. */
export interface Selection {
  element: number;
  component: PriceComponent;
}

/** A piece of the timeline with the components that price it. */
export interface Piece extends Segment {
  selection: Map<Dim, Selection>;
}

/** Picks, per dimension, the first matching element's price component. */
export type Selector = (dims: readonly Dim[], ctx: RestrictionContext) => Map<Dim, Selection>;

/** What the restrictions see at an instant of a phase, with the energy, current and power there. */
export type ContextAt = (
  t: number,
  phase: Phase,
  energyMwh: number,
  current: number | undefined,
  power: number | undefined,
) => RestrictionContext;

export function phaseOf(state: MeterState): Phase {
  return state === 'RESERVATION' ? 'RESERVATION' : 'SESSION';
}

/** The dimensions that can be billed in a state (FLAT is handled once per phase). */
export function dimsOf(state: MeterState): Dim[] {
  if (state === 'RESERVATION') return ['TIME', 'FLAT'];
  return state === 'CHARGING' ? ['ENERGY', 'TIME', 'FLAT'] : ['ENERGY', 'PARKING_TIME', 'FLAT'];
}

export function selector(tariff: Tariff, expired: boolean): Selector {
  const all = tariff.elements.map((_, i) => i);
  // For an expired reservation, RESERVATION_EXPIRES elements take precedence over RESERVATION ones.
  const reservationOrder = expired
    ? [
        ...all.filter((i) => tariff.elements[i]?.restrictions?.reservation === 'RESERVATION_EXPIRES'),
        ...all.filter((i) => tariff.elements[i]?.restrictions?.reservation !== 'RESERVATION_EXPIRES'),
      ]
    : all;
  return (dims, ctx) => {
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

export function restrictionContexts(frame: SessionFrame): ContextAt {
  const ranges = offsetRanges(frame.timeZone, frame.start, frame.end);
  const offsetOf = (t: number): number => {
    for (const r of ranges) if (t >= r.start && t < r.end) return r.offset;
    return offsetAt(frame.timeZone, t);
  };
  return (t, phase, energyMwh, current, power) => ({
    phase,
    expired: frame.expired,
    local: localTime(t, offsetOf(t)),
    energyMwh,
    durationMs: t - (phase === 'RESERVATION' ? frame.start : frame.sessionStart),
    current,
    power,
  });
}

export function selectPieces(segments: Segment[], select: Selector, contextAt: ContextAt): Piece[] {
  return segments.map((s) => {
    const mid = (s.t0 + s.t1) / 2;
    const ctx = contextAt(mid, phaseOf(s.state), (s.e0 + s.e1) / 2, s.current, s.power);
    return { ...s, selection: select(dimsOf(s.state), ctx) };
  });
}

/** Whether the tariff has current restrictions that could not be judged for lack of a current. */
export function currentWasUnknown(tariff: Tariff, pieces: Piece[]): boolean {
  const currentMatters = tariff.elements.some((e) => needsCurrent(e.restrictions));
  return currentMatters && pieces.some((p) => p.state === 'CHARGING' && p.current === undefined);
}

/** Pieces with equal signatures in a row are one charging period. */
export function signature(state: MeterState, selection: Map<Dim, Selection>): string {
  const parts: string[] = [state];
  for (const dim of dimsOf(state)) {
    if (dim !== 'FLAT') parts.push(`${dim}:${selection.get(dim)?.element ?? '-'}`);
  }
  return parts.join('|');
}
