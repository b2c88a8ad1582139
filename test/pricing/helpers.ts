import { expect } from 'vitest';
import type { Price } from '../../src/model/v230/common.ts';
import type { Tariff } from '../../src/model/v230/tariffs.ts';
import type {
  MeteredPeriod,
  MeterState,
  PricingSession,
  ReservationOutcome,
} from '../../src/pricing/index.ts';
import { exampleJson } from '../support/spec-fixtures.ts';

/** Shared helpers of the pricing tests (not a test file itself). */

/** A tariff example of the 2.3.0 spec (from the spec fixtures). */
export function specTariff(file: string): Tariff {
  return exampleJson('2.3.0', file) as Tariff;
}

/** A hand-written tariff with the boilerplate fields filled in. */
export function makeTariff(fields: Pick<Tariff, 'elements'> & Partial<Tariff>): Tariff {
  return {
    country_code: 'NL',
    party_id: 'TST',
    id: 'T1',
    currency: 'EUR',
    tax_included: 'NO',
    last_updated: '2024-01-01T00:00:00Z',
    ...fields,
  };
}

export interface Step {
  minutes: number;
  state?: MeterState;
  kwh?: number;
  current?: number;
  power?: number;
}

/** A session from consecutive metered steps starting at `start` (UTC). */
export function timeline(
  start: string,
  steps: Step[],
  opts: { tz?: string; reservation?: ReservationOutcome } = {},
): PricingSession {
  let t = Date.parse(start);
  const periods: MeteredPeriod[] = [];
  for (const s of steps) {
    const p: MeteredPeriod = {
      start_date_time: iso(t),
      state: s.state ?? 'CHARGING',
      energy_kwh: s.kwh ?? 0,
    };
    if (s.current !== undefined) p.current = s.current;
    if (s.power !== undefined) p.power = s.power;
    periods.push(p);
    t += Math.round(s.minutes * 60_000);
  }
  const session: PricingSession = {
    start_date_time: start,
    end_date_time: iso(t),
    time_zone: opts.tz ?? 'Europe/Amsterdam',
    periods,
  };
  if (opts.reservation !== undefined) session.reservation = opts.reservation;
  return session;
}

export function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

/** Price after taxes. */
export function gross(p: Price): number {
  return round4(p.before_taxes + (p.taxes ?? []).reduce((s, t) => s + t.amount, 0));
}

export function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

/** Asserts a Price: amount before taxes and its tax lines as [percentage, amount] (any order). */
export function expectPrice(
  p: Price | undefined,
  before: number,
  taxes: [number | undefined, number][] = [],
): void {
  expect(p).toBeDefined();
  if (!p) return;
  expect(p.before_taxes).toBeCloseTo(before, 10);
  const actual = (p.taxes ?? []).map((t) => [t.percentage, t.amount] as const);
  expect(actual).toHaveLength(taxes.length);
  for (const [pct, amount] of taxes) {
    const line = actual.find(([ap, aa]) => ap === pct && Math.abs(aa - amount) < 1e-10);
    expect(line, `tax ${pct}% of ${amount} in ${JSON.stringify(actual)}`).toBeDefined();
  }
}
