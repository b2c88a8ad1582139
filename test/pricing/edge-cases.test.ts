import { describe, expect, it } from 'vitest';
import type { TariffElement } from '../../src/model/v230/tariffs.ts';
import { priceSession } from '../../src/pricing/index.ts';
import { OcpiError } from '../../src/transport/errors.ts';
import { expectPrice, makeTariff, specTariff, timeline } from './helpers.ts';

/*
 * Hand-computed edge cases. Europe/Amsterdam is UTC+1 in winter and UTC+2 in summer; DST starts
 * 2024-03-31 at 01:00Z (02:00 -> 03:00 local) and ends 2024-10-27 at 01:00Z (03:00 -> 02:00 local).
 * 2024-03-04 is a Monday, 2024-03-06 a Wednesday, 2024-03-08 a Friday.
 */

const energy = (
  price: number,
  restrictions?: TariffElement['restrictions'],
  step_size = 1,
): TariffElement => ({
  price_components: [{ type: 'ENERGY', price, step_size }],
  ...(restrictions ? { restrictions } : {}),
});
const time = (price: number, restrictions?: TariffElement['restrictions'], step_size = 1): TariffElement => ({
  price_components: [{ type: 'TIME', price, step_size }],
  ...(restrictions ? { restrictions } : {}),
});

describe('crossing midnight', () => {
  it('moves from the 20:00-00:00 element to the 00:00-17:00 element of tariff_14', () => {
    const r = priceSession(
      specTariff('tariff_14_step_size.json'),
      timeline('2024-03-04T22:30:00Z', [{ minutes: 70, kwh: 8 }]),
    );
    // 23:30-00:00 local: 30 min x 2.40/h = 1.20 (element 3)
    // 00:00-00:40 local: element 1, step 1800 s; session total 70 -> 90 min, so 60 min x 1.20/h = 1.20
    expect(r.charging_periods.map((p) => p.start_date_time)).toEqual([
      '2024-03-04T22:30:00Z',
      '2024-03-04T23:00:00Z',
    ]);
    expect(r.periods.map((p) => p.cost.TIME)).toEqual([1.2, 1.2]);
    expectPrice(r.total_cost, 2.4);
  });

  it('a 22:00-06:00 window wraps past midnight', () => {
    const tariff = makeTariff({
      elements: [energy(0.2, { start_time: '22:00', end_time: '06:00' }), energy(0.3)],
    });
    // 23:00 local Monday to 07:00 local Tuesday, 16 kWh at a steady 2 kW
    const r = priceSession(tariff, {
      start_date_time: '2024-03-04T22:00:00Z',
      end_date_time: '2024-03-05T06:00:00Z',
      time_zone: 'Europe/Amsterdam',
      samples: [
        { timestamp: '2024-03-04T22:00:00Z', energy_kwh: 0 },
        { timestamp: '2024-03-05T06:00:00Z', energy_kwh: 16 },
      ],
    });
    // 23:00-06:00 = 7 h = 14 kWh x 0.20 = 2.80; 06:00-07:00 = 2 kWh x 0.30 = 0.60; total 3.40.
    // Midnight changes nothing here, so it does not start a period.
    expect(r.charging_periods.map((p) => p.start_date_time)).toEqual([
      '2024-03-04T22:00:00Z',
      '2024-03-05T05:00:00Z',
    ]);
    expect(r.charging_periods[0]?.dimensions[0]).toEqual({ type: 'ENERGY', volume: 14 });
    expectPrice(r.total_cost, 3.4);
  });

  it('day_of_week changes at local midnight', () => {
    const tariff = makeTariff({ elements: [time(1, { day_of_week: ['SATURDAY', 'SUNDAY'] }), time(2)] });
    // Friday 23:00 local to Saturday 01:00 local: 1 h x 2.00 + 1 h x 1.00 = 3.00
    const r = priceSession(tariff, timeline('2024-03-08T22:00:00Z', [{ minutes: 120, kwh: 20 }]));
    expectPrice(r.total_cost, 3);
    expect(r.charging_periods[1]?.start_date_time).toBe('2024-03-08T23:00:00Z');
  });

  it('start_date (inclusive) and end_date (exclusive) are local dates', () => {
    const tariff = makeTariff({
      elements: [energy(0.1, { start_date: '2024-03-05', end_date: '2024-03-06' }), energy(0.3)],
    });
    // 23:00 local on the 4th to 01:00 local on the 5th, 2 kWh per hour: 2 x 0.30 + 2 x 0.10 = 0.80
    const r = priceSession(
      tariff,
      timeline('2024-03-04T22:00:00Z', [
        { minutes: 60, kwh: 2 },
        { minutes: 60, kwh: 2 },
      ]),
    );
    expectPrice(r.total_cost, 0.8);
  });
});

describe('DST changes in Europe/Amsterdam', () => {
  it('spring forward: the 00:00-03:00 window lasts 2 real hours that night', () => {
    const tariff = makeTariff({ elements: [time(1, { start_time: '00:00', end_time: '03:00' }), time(3)] });
    // 00:30 CET (23:30Z) to 04:30 CEST (02:30Z): 3 real hours.
    // 00:30-03:00 local is 23:30Z-01:00Z = 1.5 h x 1.00 = 1.50; 03:00-04:30 local = 1.5 h x 3.00 = 4.50
    const r = priceSession(tariff, timeline('2024-03-30T23:30:00Z', [{ minutes: 180, kwh: 30 }]));
    expectPrice(r.total_cost, 6);
    expect(r.total_time).toBe(3);
    expect(r.charging_periods.map((p) => p.start_date_time)).toEqual([
      '2024-03-30T23:30:00Z',
      '2024-03-31T01:00:00Z',
    ]);
  });

  it('fall back: the 02:00-03:00 window happens twice', () => {
    const tariff = makeTariff({ elements: [time(2, { start_time: '02:00', end_time: '03:00' }), time(1)] });
    // 00:00 CEST (22:00Z) to 04:00 CET (03:00Z): 5 real hours. 02:00-03:00 local is 00:00Z-01:00Z (CEST)
    // and again 01:00Z-02:00Z (CET): 2 h x 2.00 = 4.00; the other 3 h x 1.00 = 3.00; total 7.00
    const r = priceSession(tariff, timeline('2024-10-26T22:00:00Z', [{ minutes: 300, kwh: 50 }]));
    expectPrice(r.total_cost, 7);
    expect(r.total_time).toBe(5);
    expect(r.charging_periods.map((p) => p.start_date_time)).toEqual([
      '2024-10-26T22:00:00Z',
      '2024-10-27T00:00:00Z',
      '2024-10-27T02:00:00Z',
    ]);
  });
});

describe('energy, duration and power thresholds', () => {
  it('splits at the interpolated instant a max_kwh threshold is crossed', () => {
    const tariff = makeTariff({ elements: [energy(0.3, { max_kwh: 10 }), energy(0.2)] });
    // 15 kWh at a steady 15 kW over 1 h: 10 kWh reached after 40 min.
    // 10 x 0.30 = 3.00; 5 x 0.20 = 1.00; total 4.00
    const r = priceSession(tariff, {
      start_date_time: '2024-03-04T08:00:00Z',
      end_date_time: '2024-03-04T09:00:00Z',
      time_zone: 'Europe/Amsterdam',
      samples: [
        { timestamp: '2024-03-04T08:00:00Z', energy_kwh: 500 },
        { timestamp: '2024-03-04T09:00:00Z', energy_kwh: 515 },
      ],
    });
    expect(r.charging_periods.map((p) => p.start_date_time)).toEqual([
      '2024-03-04T08:00:00Z',
      '2024-03-04T08:40:00Z',
    ]);
    expect(r.charging_periods.map((p) => p.dimensions[0])).toEqual([
      { type: 'ENERGY', volume: 10 },
      { type: 'ENERGY', volume: 5 },
    ]);
    expectPrice(r.total_cost, 4);
  });

  it('min_duration: an idle fee that starts 2 h into the session', () => {
    const tariff = makeTariff({
      elements: [
        {
          price_components: [{ type: 'PARKING_TIME', price: 10, step_size: 60 }],
          restrictions: { min_duration: 7200 },
        },
      ],
    });
    // 90 min charging, then 60 min parking; parking is billable from 2:00 to 2:30 = 30 min x 10.00/h = 5.00
    const r = priceSession(
      tariff,
      timeline('2024-03-04T08:00:00Z', [
        { minutes: 90, kwh: 20 },
        { minutes: 60, state: 'PARKING' },
      ]),
    );
    expectPrice(r.total_cost, 5);
    expect(r.charging_periods.map((p) => p.start_date_time)).toEqual([
      '2024-03-04T08:00:00Z',
      '2024-03-04T09:30:00Z',
      '2024-03-04T10:00:00Z',
    ]);
  });

  it('min_power with measured power, reported as MIN_POWER/MAX_POWER', () => {
    const tariff = makeTariff({ elements: [energy(0.4, { min_power: 50 }), energy(0.25)] });
    // 30 min at 100 kW = 50 kWh x 0.40 = 20.00; 30 min at 11 kW = 5.5 kWh x 0.25 = 1.375; total 21.375
    const r = priceSession(
      tariff,
      timeline('2024-03-04T08:00:00Z', [
        { minutes: 30, kwh: 50, power: 100 },
        { minutes: 30, kwh: 5.5, power: 11 },
      ]),
    );
    expectPrice(r.total_cost, 21.375);
    expect(r.charging_periods[0]?.dimensions).toContainEqual({ type: 'MAX_POWER', volume: 100 });
  });

  it('current restrictions do not match an unknown current, with a warning', () => {
    // tariff_4's TIME elements all need a current; without one, charging time is free
    const r = priceSession(
      specTariff('tariff_4_complex.json'),
      timeline('2024-03-04T08:30:00Z', [{ minutes: 60 }]),
    );
    expectPrice(r.total_time_cost, 0);
    expect(r.warnings.some((w) => w.includes('current'))).toBe(true);
  });
});

describe('zero energy, zero duration, nothing matching', () => {
  it('zero-energy session: the start fee and the charging time periods remain', () => {
    const r = priceSession(
      specTariff('tariff_9_025kwh_start.json'),
      timeline('2024-03-04T08:00:00Z', [{ minutes: 30 }]),
    );
    // flat 0.50 (20%: 0.10); 0 kWh x 0.25 = 0
    expectPrice(r.total_cost, 0.5, [[20, 0.1]]);
    expectPrice(r.total_energy_cost, 0);
    expect(r.charging_periods[0]?.dimensions).toEqual([
      { type: 'ENERGY', volume: 0 },
      { type: 'TIME', volume: 0.5 },
    ]);
  });

  it('zero-energy session under a minimum price: 0.50 before, 0.55 after taxes', () => {
    const r = priceSession(
      specTariff('tariff_12_025kwh_min_price.json'),
      timeline('2024-03-04T08:00:00Z', [{ minutes: 30 }]),
    );
    // 0.00 raised to 0.50; after taxes at least 0.55: the 0.05 goes to the 10% VAT line of the energy component
    expectPrice(r.total_cost, 0.5, [[10, 0.05]]);
    expect(r.price_limit).toBe('MIN_PRICE');
  });

  it('zero-duration session: one empty charging period and the start fee', () => {
    const r = priceSession(specTariff('tariff_9_025kwh_start.json'), {
      start_date_time: '2024-03-04T08:00:00Z',
      end_date_time: '2024-03-04T08:00:00Z',
      time_zone: 'Europe/Amsterdam',
    });
    expectPrice(r.total_cost, 0.5, [[20, 0.1]]);
    expect(r.charging_periods).toEqual([
      {
        start_date_time: '2024-03-04T08:00:00Z',
        dimensions: [
          { type: 'ENERGY', volume: 0 },
          { type: 'TIME', volume: 0 },
        ],
        tariff_id: '17',
      },
    ]);
  });

  it('no element matches: every dimension is free (the spec: no matching element, no cost)', () => {
    const tariff = makeTariff({ elements: [energy(0.3, { day_of_week: ['SATURDAY'] })] });
    const r = priceSession(tariff, timeline('2024-03-06T08:00:00Z', [{ minutes: 60, kwh: 10 }]));
    expectPrice(r.total_cost, 0);
    expect(r.periods[0]?.components).toEqual({});
    expect(r.total_energy).toBe(10);
    expect(r.charging_periods).toHaveLength(1);
  });
});

describe('step_size only on the last period of a dimension', () => {
  it('TIME 5.00/h before 17:00, 7.00/h after, step 10 min: 6 + 22 min bill 6 + 24 min (the CDR chapter example)', () => {
    const tariff = makeTariff({
      elements: [time(5, { start_time: '00:00', end_time: '17:00' }, 600), time(7, undefined, 600)],
    });
    // 16:54-17:22 local; 6 min x 5.00/h = 0.50 (not rounded); total 28 -> 30 min, 24 min x 7.00/h = 2.80; total 3.30
    const r = priceSession(tariff, timeline('2024-03-04T15:54:00Z', [{ minutes: 28, kwh: 5 }]));
    expect(r.periods.map((p) => p.billed.TIME)).toEqual([6 / 60, 24 / 60]);
    expectPrice(r.total_cost, 3.3);
  });

  it('ENERGY step 500 Wh: 4.3 kWh before 17:00 + 1.1 after bill 4.3 + 1.2 (the CDR chapter example)', () => {
    const tariff = makeTariff({
      elements: [energy(0.2, { start_time: '00:00', end_time: '17:00' }, 500), energy(0.27, undefined, 500)],
    });
    // 4.3 x 0.20 = 0.86; total 5.4 -> 5.5 kWh, so 1.2 x 0.27 = 0.324 after 17:00; total 1.184
    const r = priceSession(
      tariff,
      timeline('2024-03-04T15:00:00Z', [
        { minutes: 60, kwh: 4.3 },
        { minutes: 30, kwh: 1.1 },
      ]),
    );
    expect(r.periods.map((p) => p.billed.ENERGY)).toEqual([4.3, 1.2]);
    expectPrice(r.total_cost, 1.184);
  });

  it('TIME and PARKING_TIME, both step 10 min: only parking is rounded (21 + 16 min bill 21 + 20)', () => {
    const tariff = makeTariff({
      elements: [
        {
          price_components: [
            { type: 'TIME', price: 1, step_size: 600 },
            { type: 'PARKING_TIME', price: 2, step_size: 600 },
          ],
        },
      ],
    });
    // 21 min x 1.00/h = 0.35; 16 -> 20 min x 2.00/h = 0.66667 -> 0.6667; total 1.0167
    const r = priceSession(
      tariff,
      timeline('2024-03-04T08:00:00Z', [
        { minutes: 21, kwh: 3 },
        { minutes: 16, state: 'PARKING' },
      ]),
    );
    expectPrice(r.total_time_cost, 0.35);
    expectPrice(r.total_parking_cost, 0.6667);
    expectPrice(r.total_cost, 1.0167);
  });

  it('energy is rounded on the last period that used energy, not on a following parking period', () => {
    const r = priceSession(
      specTariff('tariff_3_alt_url.json'),
      timeline('2024-03-04T08:00:00Z', [
        { minutes: 60, kwh: 20.45 },
        { minutes: 30, state: 'PARKING' },
      ]),
    );
    expect(r.periods.map((p) => p.billed.ENERGY)).toEqual([20.5, 0]);
    expectPrice(r.total_energy_cost, 5.125, [[10, 0.5125]]);
  });

  it('mixed step sizes can make a longer session cheaper (a consequence of the spec rule)', () => {
    const tariff = makeTariff({
      elements: [
        {
          price_components: [
            { type: 'TIME', price: 6, step_size: 300 },
            { type: 'PARKING_TIME', price: 1, step_size: 60 },
          ],
        },
      ],
    });
    // 21 min charging alone: rounded to 25 min x 6.00/h = 2.50
    const short = priceSession(tariff, timeline('2024-03-04T08:00:00Z', [{ minutes: 21, kwh: 3 }]));
    // plus 1 min parking: charging no longer last, 21 min x 6.00/h = 2.10; parking 1 min = 0.0167; total 2.1167
    const long = priceSession(
      tariff,
      timeline('2024-03-04T08:00:00Z', [
        { minutes: 21, kwh: 3 },
        { minutes: 1, state: 'PARKING' },
      ]),
    );
    expectPrice(short.total_cost, 2.5);
    expectPrice(long.total_cost, 2.1167);
  });
});

describe('taxes', () => {
  it('tax_included YES with vat: the VAT is taken out of the price', () => {
    const tariff = makeTariff({
      tax_included: 'YES',
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] }],
    });
    // 10 kWh x 0.30 = 3.00 incl. VAT; before = 3.00 / 1.21 = 2.479338 -> 2.4793; VAT = 3.00 - 2.4793 = 0.5207
    const r = priceSession(tariff, timeline('2024-03-04T08:00:00Z', [{ minutes: 60, kwh: 10 }]));
    expectPrice(r.total_cost, 2.4793, [[21, 0.5207]]);
  });

  it('tax_included N/A: no taxes, even where a component has a vat', () => {
    const tariff = makeTariff({
      tax_included: 'N/A',
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] }],
    });
    const r = priceSession(tariff, timeline('2024-03-04T08:00:00Z', [{ minutes: 60, kwh: 10 }]));
    expectPrice(r.total_cost, 3);
  });
});

describe('input forms and validation', () => {
  it('meter samples and metered periods give the same result', () => {
    const tariff = specTariff('tariff_10_025kwh_parking_start.json');
    const fromPeriods = priceSession(
      tariff,
      timeline('2024-03-04T08:00:00Z', [
        { minutes: 60, kwh: 12 },
        { minutes: 60, kwh: 8 },
        { minutes: 40, state: 'PARKING' },
      ]),
    );
    const fromSamples = priceSession(tariff, {
      start_date_time: '2024-03-04T08:00:00Z',
      end_date_time: '2024-03-04T10:40:00Z',
      time_zone: 'Europe/Amsterdam',
      samples: [
        { timestamp: '2024-03-04T08:00:00Z', energy_kwh: 100, state: 'CHARGING' },
        { timestamp: '2024-03-04T08:30:00Z' }, // no reading: interpolated
        { timestamp: '2024-03-04T09:00:00Z', energy_kwh: 112 },
        { timestamp: '2024-03-04T10:00:00Z', energy_kwh: 120, state: 'PARKING' },
        { timestamp: '2024-03-04T10:40:00Z', energy_kwh: 120 },
      ],
    });
    expect(fromSamples.total_cost).toEqual(fromPeriods.total_cost);
    expect(fromSamples.charging_periods).toEqual(fromPeriods.charging_periods);
    expectPrice(fromSamples.total_cost, 7, [
      [20, 0.4],
      [10, 0.5],
    ]);
  });

  it('a used reservation without reservation time still bills the reservation fee', () => {
    const r = priceSession(
      specTariff('tariff_16_reservation_2_euro_fee_5_euro_per_hour.json'),
      timeline('2024-03-04T08:00:00Z', [{ minutes: 60, kwh: 20 }], { reservation: 'USED' }),
    );
    // reservation fee 2.00 (20%: 0.40), 0 min reservation time; flat 0.50; energy 5.00
    expectPrice(r.total_reservation_cost, 2, [[20, 0.4]]);
    expectPrice(r.total_cost, 7.5, [
      [20, 0.5],
      [10, 0.5],
    ]);
  });

  it('rejects malformed sessions', () => {
    const tariff = specTariff('tariff_8_simple_025kwh.json');
    const base = {
      start_date_time: '2024-03-04T08:00:00Z',
      end_date_time: '2024-03-04T09:00:00Z',
      time_zone: 'Europe/Amsterdam',
    };
    const invalid = { code: 'OCPI_ERR_INVALID_ARGUMENT' };
    expect(() => priceSession(tariff, { ...base, time_zone: 'Mars/Olympus' })).toThrow(OcpiError);
    expect(() => priceSession(tariff, { ...base, time_zone: 'Mars/Olympus' })).toThrow(
      expect.objectContaining(invalid),
    );
    expect(() => priceSession(tariff, { ...base, end_date_time: '2024-03-04T07:00:00Z' })).toThrow(
      expect.objectContaining(invalid),
    );
    expect(() =>
      priceSession(tariff, {
        ...base,
        samples: [
          { timestamp: '2024-03-04T08:30:00Z', energy_kwh: 5 },
          { timestamp: '2024-03-04T08:10:00Z', energy_kwh: 6 },
        ],
      }),
    ).toThrow(/out of order/);
    expect(() =>
      priceSession(tariff, {
        ...base,
        samples: [
          { timestamp: '2024-03-04T08:10:00Z', energy_kwh: 6 },
          { timestamp: '2024-03-04T08:30:00Z', energy_kwh: 5 },
        ],
      }),
    ).toThrow(/run back/);
    expect(() =>
      priceSession(tariff, {
        ...base,
        samples: [
          { timestamp: '2024-03-04T08:00:00Z', state: 'CHARGING' },
          { timestamp: '2024-03-04T08:30:00Z', state: 'RESERVATION' },
        ],
      }),
    ).toThrow(/RESERVATION/);
    expect(() =>
      priceSession(tariff, {
        ...base,
        reservation: 'EXPIRED',
        samples: [{ timestamp: base.start_date_time, state: 'CHARGING' }],
      }),
    ).toThrow(/expired/);
  });
});
