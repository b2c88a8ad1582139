import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChargingPeriod } from '../../src/model/v230/cdrs.ts';
import { Price } from '../../src/model/v230/common.ts';
import type {
  PriceComponent,
  Tariff,
  TariffDimensionType,
  TariffElement,
  TariffRestrictions,
} from '../../src/model/v230/tariffs.ts';
import { compileValidator } from '../../src/model/validate.ts';
import { priceSession } from '../../src/pricing/index.ts';
import { gross, makeTariff, type Step, timeline } from './helpers.ts';

/*
 * Properties over random tariffs and sessions:
 * 1. total_cost is the sum of the per-dimension totals (fixed, energy, time, parking), limited by
 *    min_price/max_price; without a limit the taxes add up too. Holds for any step_size.
 * 2. Extending a session never lowers its cost. This needs step_size 1 everywhere and a fallback
 *    element per dimension: with larger steps the spec's rule (round the session total with the
 *    step of the *last* period) can make a longer session cheaper, see edge-cases.test.ts.
 *    Sessions start on whole seconds and meter whole Wh, so step 1 never rounds anything.
 */

const DIMS: TariffDimensionType[] = ['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'];
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
const ZONES = ['Europe/Amsterdam', 'America/New_York', 'UTC', 'Australia/Sydney', 'Asia/Kolkata'];

const price = fc.integer({ min: 0, max: 600 }).map((c) => c / 100);
const vat = fc.constantFrom<number | undefined>(undefined, 0, 5.5, 10, 20, 21);
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const restrictions: fc.Arbitrary<TariffRestrictions> = fc.record(
  {
    start_time: hhmm,
    end_time: hhmm,
    day_of_week: fc.subarray([...DAYS], { minLength: 1 }),
    min_kwh: fc.integer({ min: 0, max: 40 }),
    max_kwh: fc.integer({ min: 1, max: 80 }),
    min_duration: fc.integer({ min: 0, max: 6 * 60 }).map((m) => m * 60),
    max_duration: fc.integer({ min: 1, max: 8 * 60 }).map((m) => m * 60),
    min_power: fc.integer({ min: 0, max: 50 }),
    max_power: fc.integer({ min: 1, max: 150 }),
  },
  { requiredKeys: [] },
);

function component(type: TariffDimensionType, anyStep: boolean): fc.Arbitrary<PriceComponent> {
  const step =
    anyStep && type !== 'FLAT'
      ? fc.constantFrom(0, 1, 60, 300, 500, 900, 1800)
      : fc.constant(type === 'FLAT' ? 0 : 1);
  return fc.record({ type: fc.constant(type), price, vat, step_size: step }).map((c) => {
    const out: PriceComponent = { type: c.type, price: c.price, step_size: c.step_size };
    if (c.vat !== undefined) out.vat = c.vat;
    return out;
  });
}

function element(anyStep: boolean): fc.Arbitrary<TariffElement> {
  return fc
    .tuple(
      fc
        .subarray(DIMS, { minLength: 1 })
        .chain((dims) => fc.tuple(...dims.map((d) => component(d, anyStep)))),
      restrictions,
    )
    .map(([components, r]) => ({
      price_components: components as [PriceComponent, ...PriceComponent[]],
      restrictions: r,
    }));
}

function tariffArb(anyStep: boolean): fc.Arbitrary<Tariff> {
  const fallback = fc
    .tuple(
      component('ENERGY', anyStep),
      component('TIME', anyStep),
      component('PARKING_TIME', anyStep),
      fc.option(component('FLAT', anyStep), { nil: undefined }),
    )
    .map(([e, t, p, f]): TariffElement => ({ price_components: f ? [e, t, p, f] : [e, t, p] }));
  const limit = fc.option(
    fc
      .tuple(
        fc.integer({ min: 0, max: 3000 }),
        fc.option(fc.integer({ min: 0, max: 800 }), { nil: undefined }),
      )
      .map(([b, extra]) => ({
        before_taxes: b / 100,
        ...(extra === undefined ? {} : { after_taxes: (b + extra) / 100 }),
      })),
    { nil: undefined },
  );
  return fc
    .record({
      restricted: fc.array(element(anyStep), { maxLength: 4 }),
      fallback,
      tax_included: fc.constantFrom('NO', 'YES', 'N/A') as fc.Arbitrary<Tariff['tax_included']>,
      min: limit,
      max: limit,
    })
    .map((t) => {
      const tariff = makeTariff({ elements: [...t.restricted, t.fallback], tax_included: t.tax_included });
      if (t.min) tariff.min_price = t.min;
      if (t.max && (!t.min || t.max.before_taxes >= t.min.before_taxes)) tariff.max_price = t.max;
      return tariff;
    });
}

const step: fc.Arbitrary<Step> = fc
  .record({
    seconds: fc.integer({ min: 1, max: 4 * 3600 }),
    parking: fc.boolean(),
    wh: fc.integer({ min: 0, max: 60_000 }),
    power: fc.option(fc.integer({ min: 1, max: 150 }), { nil: undefined }),
  })
  .map((s) => {
    const out: Step = { minutes: s.seconds / 60, state: s.parking ? 'PARKING' : 'CHARGING' };
    if (!s.parking) out.kwh = s.wh / 1000;
    if (s.power !== undefined && !s.parking) out.power = s.power;
    return out;
  });

const start = fc
  .integer({ min: 1_704_067_200, max: 1_735_689_600 })
  .map((s) => new Date(s * 1000).toISOString());

const validPeriod = compileValidator(ChargingPeriod);
const validPrice = compileValidator(Price);

const sum = (prices: Price[]): number => prices.reduce((s, p) => s + p.before_taxes, 0);
const taxSum = (prices: Price[]): number =>
  prices.reduce((s, p) => s + (p.taxes ?? []).reduce((t, x) => t + x.amount, 0), 0);

describe('pricing properties', () => {
  it('total_cost is the sum of the per-dimension costs, limited by min/max price', () => {
    fc.assert(
      fc.property(
        tariffArb(true),
        start,
        fc.array(step, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...ZONES),
        (tariff, at, steps, tz) => {
          const r = priceSession(tariff, timeline(at, steps, { tz }));
          const parts = [r.total_fixed_cost, r.total_energy_cost, r.total_time_cost, r.total_parking_cost];
          let expected = sum(parts);
          if (tariff.min_price) expected = Math.max(expected, tariff.min_price.before_taxes);
          if (tariff.max_price) expected = Math.min(expected, tariff.max_price.before_taxes);
          expect(r.total_cost.before_taxes).toBeCloseTo(expected, 9);
          if (r.price_limit === undefined) {
            expect(taxSum([r.total_cost])).toBeCloseTo(taxSum(parts), 9);
          }
          // every per-dimension cost is a 4-decimal amount
          for (const p of [...parts, r.total_cost]) {
            expect(Math.abs(p.before_taxes * 10_000 - Math.round(p.before_taxes * 10_000))).toBeLessThan(
              1e-6,
            );
          }
          // the output is schema-valid 2.3.0 CDR material
          for (const p of r.charging_periods) expect(validPeriod(p).ok).toBe(true);
          for (const p of [...parts, r.total_cost]) expect(validPrice(p).ok).toBe(true);
          // the charging periods cover the session
          expect(r.charging_periods[0]?.start_date_time).toBe(at.replace('.000Z', 'Z'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('costs never decrease when a session is extended (step_size 1)', () => {
    fc.assert(
      fc.property(
        tariffArb(false),
        start,
        fc.array(step, { minLength: 1, maxLength: 5 }),
        fc.array(step, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...ZONES),
        (tariff, at, steps, more, tz) => {
          const short = priceSession(tariff, timeline(at, steps, { tz }));
          const long = priceSession(tariff, timeline(at, [...steps, ...more], { tz }));
          expect(long.total_cost.before_taxes).toBeGreaterThanOrEqual(short.total_cost.before_taxes - 1e-9);
          for (const k of [
            'total_energy_cost',
            'total_time_cost',
            'total_parking_cost',
            'total_fixed_cost',
          ] as const) {
            expect(long[k].before_taxes).toBeGreaterThanOrEqual(short[k].before_taxes - 1e-9);
          }
          if (!tariff.min_price && !tariff.max_price) {
            expect(gross(long.total_cost)).toBeGreaterThanOrEqual(gross(short.total_cost) - 1e-9);
          }
          expect(long.total_energy).toBeGreaterThanOrEqual(short.total_energy);
        },
      ),
      { numRuns: 300 },
    );
  });
});
