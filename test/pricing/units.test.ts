import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ratio } from '../../src/pricing/decimal.ts';
import { localBoundaries, localTime, offsetAt, offsetRanges } from '../../src/pricing/timezone.ts';

describe('Ratio', () => {
  it('reads JSON numbers as the decimals they were written as', () => {
    expect(Ratio.fromNumber(0.1).add(Ratio.fromNumber(0.2)).cmp(Ratio.fromNumber(0.3))).toBe(0);
    expect(Ratio.fromNumber(1e-7).cmp(Ratio.of(1, 10_000_000))).toBe(0);
    expect(Ratio.fromNumber(-2.5).toNumber()).toBe(-2.5);
    expect(Ratio.fromNumber(1.5e21).cmp(Ratio.of(15n * 10n ** 20n))).toBe(0);
  });

  it('rounds half away from zero', () => {
    expect(Ratio.of(5, 100_000).round(4).toNumber()).toBe(0.0001);
    expect(Ratio.of(-5, 100_000).round(4).toNumber()).toBe(-0.0001);
    expect(Ratio.of(4, 100_000).round(4).toNumber()).toBe(0);
    expect(Ratio.of(2, 3).round(4).toNumber()).toBe(0.6667);
  });

  it('rounds up to a multiple', () => {
    expect(Ratio.ceilToMultiple(115_200n, 1000n)).toBe(116_000n);
    expect(Ratio.ceilToMultiple(116_000n, 1000n)).toBe(116_000n);
    expect(Ratio.ceilToMultiple(0n, 900_000n)).toBe(0n);
  });

  it('adds and multiplies cents exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b) => {
        const x = Ratio.fromNumber(a / 100);
        const y = Ratio.fromNumber(b / 100);
        expect(x.add(y).cmp(Ratio.of(a + b, 100))).toBe(0);
        expect(x.mul(y).cmp(Ratio.of(BigInt(a) * BigInt(b), 10_000))).toBe(0);
        expect(x.add(y).round(2).toNumber()).toBe((a + b) / 100);
      }),
    );
  });
});

describe('time zone helpers', () => {
  it('finds the DST changes of Europe/Amsterdam to the millisecond', () => {
    const spring = offsetRanges(
      'Europe/Amsterdam',
      Date.parse('2024-03-30T12:00:00Z'),
      Date.parse('2024-03-31T12:00:00Z'),
    );
    expect(spring).toEqual([
      {
        start: Date.parse('2024-03-30T12:00:00Z'),
        end: Date.parse('2024-03-31T01:00:00Z'),
        offset: 3_600_000,
      },
      {
        start: Date.parse('2024-03-31T01:00:00Z'),
        end: Date.parse('2024-03-31T12:00:00Z'),
        offset: 7_200_000,
      },
    ]);
    expect(offsetAt('Europe/Amsterdam', Date.parse('2024-10-27T00:59:59Z'))).toBe(7_200_000);
    expect(offsetAt('Europe/Amsterdam', Date.parse('2024-10-27T01:00:00Z'))).toBe(3_600_000);
  });

  it('lists local boundaries in a half-hour zone', () => {
    // Asia/Kolkata is UTC+5:30: local midnight is 18:30Z, local 06:00 is 00:30Z
    const cuts = localBoundaries(
      'Asia/Kolkata',
      Date.parse('2024-03-04T12:00:00Z'),
      Date.parse('2024-03-05T06:00:00Z'),
      [360],
    );
    expect(cuts.sort((a, b) => a - b).map((t) => new Date(t).toISOString())).toEqual([
      '2024-03-04T18:30:00.000Z',
      '2024-03-05T00:30:00.000Z',
    ]);
  });

  it('gives the local date, weekday and minute of day', () => {
    const t = Date.parse('2024-03-09T23:30:00Z'); // Sunday 00:30 in Amsterdam
    expect(localTime(t, offsetAt('Europe/Amsterdam', t))).toEqual({
      date: '2024-03-10',
      weekday: 6,
      minuteOfDay: 30,
    });
  });
});
