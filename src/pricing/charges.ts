import { formatDateTime } from '../model/datetime.ts';
import type { PriceComponent, Tariff } from '../model/v230/tariffs.ts';
import { Ratio } from './decimal.ts';
import {
  addAmount,
  applyLimits,
  emptyMoney,
  type LimitResult,
  MONEY_DECIMALS,
  type Money,
  type Rate,
  roundMoney,
  sumMoney,
} from './money.ts';
import type { OrphanFlat, Period } from './periods.ts';
import type { Phase } from './restrictions.ts';
import type { Dim, Selection } from './selection.ts';
import { MS_PER_HOUR, MWH_PER_KWH } from './timeline.ts';
import type { AppliedComponent, PricedPeriod, PricingOptions } from './types.ts';

/*
 * Step 6 of the calculator (see calculator.ts): billed quantities become money, exact until the
 * per-dimension totals are rounded and min_price/max_price applied (see money.ts).
 */

/** The session's money per kind of cost. */
export interface CostTotals {
  fixed: Money;
  energy: Money;
  time: Money;
  parking: Money;
  reservation: Money;
}

export interface Charges {
  /** Each period with its components, billed quantities and costs. */
  priced: PricedPeriod[];
  /** Per kind, rounded. */
  rounded: CostTotals;
  /** The total after min_price/max_price. */
  limited: LimitResult;
  warnings: string[];
}

function emptyTotals(): CostTotals {
  return {
    fixed: emptyMoney(),
    energy: emptyMoney(),
    time: emptyMoney(),
    parking: emptyMoney(),
    reservation: emptyMoney(),
  };
}

function totalFor(totals: CostTotals, phase: Phase, dim: Dim): Money {
  if (phase === 'RESERVATION') return totals.reservation;
  if (dim === 'FLAT') return totals.fixed;
  if (dim === 'ENERGY') return totals.energy;
  return dim === 'TIME' ? totals.time : totals.parking;
}

function quantityOf(dim: Dim, billed: number): Ratio {
  if (dim === 'FLAT') return Ratio.of(billed);
  return dim === 'ENERGY' ? Ratio.of(billed, MWH_PER_KWH) : Ratio.of(billed, MS_PER_HOUR);
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

/** Adds amounts to the totals, with the tax lines of the component's rates. */
class Till {
  readonly totals = emptyTotals();
  /** Set when a tax-inclusive amount was charged without any known rate. */
  unknownIncludedTax = false;

  constructor(
    private readonly tariff: Tariff,
    private readonly options: PricingOptions,
    private readonly vatName: string,
  ) {}

  charge(phase: Phase, dim: Dim, component: PriceComponent, quantity: Ratio): Ratio {
    const amount = Ratio.fromNumber(component.price).mul(quantity);
    const total = totalFor(this.totals, phase, dim);
    const ok = addAmount(total, amount, this.tariff.tax_included, this.rates(component.vat));
    if (!ok && !amount.isZero()) this.unknownIncludedTax = true;
    return amount;
  }

  private rates(vat: number | undefined): Rate[] {
    if (vat !== undefined)
      return [{ name: this.vatName, percentage: Ratio.fromNumber(vat), account_number: undefined }];
    return (this.options.taxes ?? []).map((t) => ({
      name: t.name,
      percentage: Ratio.fromNumber(t.percentage),
      account_number: t.account_number,
    }));
  }
}

function pricePeriod(p: Period, till: Till): PricedPeriod {
  const components: PricedPeriod['components'] = {};
  const billed: PricedPeriod['billed'] = {};
  const cost: PricedPeriod['cost'] = {};
  for (const [dim, qty] of p.billed) {
    const sel = dim === 'FLAT' ? p.flat : p.selection.get(dim);
    if (!sel) continue;
    const quantity = quantityOf(dim, qty);
    const amount = till.charge(p.phase, dim, sel.component, quantity);
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
}

function roundTotals(totals: CostTotals, taxesIncluded: boolean): CostTotals {
  return {
    fixed: roundMoney(totals.fixed, taxesIncluded),
    energy: roundMoney(totals.energy, taxesIncluded),
    time: roundMoney(totals.time, taxesIncluded),
    parking: roundMoney(totals.parking, taxesIncluded),
    reservation: roundMoney(totals.reservation, taxesIncluded),
  };
}

/** Prices the periods (and FLAT fees no period carries) and totals the costs. */
export function chargePeriods(
  tariff: Tariff,
  periods: Period[],
  orphanFlats: OrphanFlat[],
  options: PricingOptions,
): Charges {
  const vatName = options.vat_name ?? 'VAT';
  const till = new Till(tariff, options, vatName);
  const warnings: string[] = [];
  const priced = periods.map((p) => pricePeriod(p, till));
  for (const o of orphanFlats) till.charge(o.phase, 'FLAT', o.selection.component, Ratio.ONE);
  // Register the tax lines of every active component even where nothing was billed, so that a
  // minimum price can carry the right tax.
  for (const p of periods) {
    for (const [dim, sel] of p.selection) {
      if (!p.billed.has(dim)) till.charge(p.phase, dim, sel.component, Ratio.ZERO);
    }
  }
  if (till.unknownIncludedTax) {
    warnings.push(
      'prices include taxes at rates the tariff does not give (no vat, no options.taxes): before_taxes holds the tax-inclusive amount',
    );
  }
  const rounded = roundTotals(till.totals, tariff.tax_included === 'YES');
  const limited = applyLimits(
    sumMoney([rounded.fixed, rounded.energy, rounded.time, rounded.parking, rounded.reservation]),
    tariff.min_price,
    tariff.max_price,
    vatName,
  );
  if (limited.conflict)
    warnings.push('min_price/max_price after taxes conflict with before taxes; taxes set to 0');
  return { priced, rounded, limited, warnings };
}
