import type { Price, TaxAmount } from '../model/v230/common.ts';
import type { PriceLimit, TaxIncluded } from '../model/v230/tariffs.ts';
import { Ratio } from './decimal.ts';

/**
 * Amounts with their taxes, kept exact until reported. A Money is a 2.3.0 Price in the making:
 * an amount before taxes plus one entry per distinct tax (name and percentage).
 *
 * Rounding: money is reported with 4 decimals (the precision of the OCPI number type), halves
 * away from zero. Each cost bucket (fixed, energy, time, parking, reservation) is rounded once from
 * its exact value (see roundMoney for how taxes are rounded). total_cost is the sum of the rounded
 * buckets (then limited by min_price/max_price), so without a limit it equals the sum of the
 * per-dimension totals exactly.
 */

export const MONEY_DECIMALS = 4;

export interface TaxLine {
  name: string;
  percentage: Ratio | undefined;
  account_number: string | undefined;
  amount: Ratio;
}

export interface Money {
  before: Ratio;
  taxes: Map<string, TaxLine>;
}

export interface Rate {
  name: string;
  percentage: Ratio;
  account_number: string | undefined;
}

export function emptyMoney(): Money {
  return { before: Ratio.ZERO, taxes: new Map() };
}

function taxKey(name: string, percentage: Ratio | undefined): string {
  return `${name}\u0000${percentage === undefined ? '' : `${percentage.n}/${percentage.d}`}`;
}

function addTax(m: Money, rate: Rate | TaxLine, amount: Ratio): void {
  const key = taxKey(rate.name, rate.percentage);
  const line = m.taxes.get(key);
  if (line) line.amount = line.amount.add(amount);
  else
    m.taxes.set(key, {
      name: rate.name,
      percentage: rate.percentage,
      account_number: rate.account_number,
      amount,
    });
}

const HUNDRED = Ratio.of(100);

/**
 * Adds an amount expressed as the tariff expresses prices: with `tax_included` NO the amount is
 * before taxes and each rate is added on top; with YES the amount contains the taxes, which are
 * taken out (before = amount / (1 + sum of rates)); with N/A there are no taxes. Tax lines are
 * registered even for a zero amount, so that a minimum price can later carry the right tax.
 * Returns false when taxes are included but no rate is known (the amount then counts as before taxes).
 */
export function addAmount(m: Money, amount: Ratio, mode: TaxIncluded, rates: readonly Rate[]): boolean {
  if (mode === 'N/A') {
    m.before = m.before.add(amount);
    return true;
  }
  if (mode === 'YES') {
    const total = Ratio.sum(rates.map((r) => r.percentage));
    const before = amount.div(Ratio.ONE.add(total.div(HUNDRED)));
    m.before = m.before.add(before);
    for (const r of rates) addTax(m, r, before.mul(r.percentage).div(HUNDRED));
    return rates.length > 0;
  }
  m.before = m.before.add(amount);
  for (const r of rates) addTax(m, r, amount.mul(r.percentage).div(HUNDRED));
  return true;
}

export function taxTotal(m: Money): Ratio {
  return Ratio.sum([...m.taxes.values()].map((t) => t.amount));
}

export function sumMoney(parts: readonly Money[]): Money {
  const out = emptyMoney();
  for (const p of parts) {
    out.before = out.before.add(p.before);
    for (const t of p.taxes.values()) addTax(out, t, t.amount);
  }
  return out;
}

/** Gives the tax lines the given total, rounded, keeping the gross consistent (see module comment). */
function spreadTaxes(m: Money, target: Ratio, weights: (t: TaxLine) => Ratio): Map<string, TaxLine> {
  const lines = [...m.taxes.entries()];
  const out = new Map<string, TaxLine>();
  if (lines.length === 0) return out;
  const totalWeight = Ratio.sum(lines.map(([, t]) => weights(t)));
  const share = (t: TaxLine): Ratio =>
    totalWeight.isZero() ? target.div(Ratio.of(lines.length)) : target.mul(weights(t)).div(totalWeight);
  let rounded = Ratio.ZERO;
  let largest: string | undefined;
  let largestAmount = Ratio.ZERO;
  for (const [key, t] of lines) {
    const exact = share(t);
    const r = exact.round(MONEY_DECIMALS);
    rounded = rounded.add(r);
    out.set(key, { ...t, amount: r });
    const abs = exact.sign() < 0 ? Ratio.ZERO.sub(exact) : exact;
    if (largest === undefined || abs.cmp(largestAmount) > 0) {
      largest = key;
      largestAmount = abs;
    }
  }
  const diff = target.round(MONEY_DECIMALS).sub(rounded);
  if (!diff.isZero() && largest !== undefined) {
    const line = out.get(largest);
    if (line) line.amount = line.amount.add(diff);
  }
  return out;
}

/**
 * Rounds a bucket to 4 decimals. Prices before taxes (`tax_included` NO or N/A): the amount and
 * each tax are rounded from their exact values. Prices including taxes (YES): the gross the
 * tariff states and the amount before taxes are rounded, and the taxes are the difference (spread
 * over the tax lines), so that the rounded gross is what the driver was quoted.
 */
export function roundMoney(m: Money, taxesIncluded: boolean): Money {
  const before = m.before.round(MONEY_DECIMALS);
  if (!taxesIncluded) {
    const taxes = new Map<string, TaxLine>();
    for (const [key, t] of m.taxes) taxes.set(key, { ...t, amount: t.amount.round(MONEY_DECIMALS) });
    return { before, taxes };
  }
  const gross = m.before.add(taxTotal(m)).round(MONEY_DECIMALS);
  return { before, taxes: spreadTaxes(m, gross.sub(before), (t) => t.amount) };
}

export interface LimitResult {
  money: Money;
  applied: 'MIN_PRICE' | 'MAX_PRICE' | undefined;
  conflict: boolean;
}

/**
 * Applies the Tariff's min_price and max_price to a rounded total. Both the amount before taxes
 * and (when the limit gives it) the amount after taxes are kept within the limits, as the 2.3.0
 * notes on min_price/max_price ask. When the amount before taxes moves, the taxes move in
 * proportion (they are a share of that amount); the after-taxes limit is then applied to the
 * gross and the taxes absorb the difference, spread over the tax lines in proportion to their
 * amounts (or their percentages when all are zero). When no tax line exists a line named
 * `fallbackTaxName` is created. Should the limits contradict each other (after-taxes below
 * before-taxes), the before-taxes limit wins and the taxes become zero.
 */
export function applyLimits(
  total: Money,
  min: PriceLimit | undefined,
  max: PriceLimit | undefined,
  fallbackTaxName: string,
): LimitResult {
  let applied: LimitResult['applied'];
  const before = total.before;
  let limitedBefore = before;
  if (min && before.cmp(Ratio.fromNumber(min.before_taxes)) < 0) {
    limitedBefore = Ratio.fromNumber(min.before_taxes);
    applied = 'MIN_PRICE';
  }
  if (max && limitedBefore.cmp(Ratio.fromNumber(max.before_taxes)) > 0) {
    limitedBefore = Ratio.fromNumber(max.before_taxes);
    applied = 'MAX_PRICE';
  }
  const taxes = taxTotal(total);
  let scaledTaxes = taxes;
  if (limitedBefore.cmp(before) !== 0 && !before.isZero()) scaledTaxes = taxes.mul(limitedBefore).div(before);
  let gross = limitedBefore.add(scaledTaxes);
  if (min?.after_taxes !== undefined && gross.cmp(Ratio.fromNumber(min.after_taxes)) < 0) {
    gross = Ratio.fromNumber(min.after_taxes);
    applied ??= 'MIN_PRICE';
  }
  if (max?.after_taxes !== undefined && gross.cmp(Ratio.fromNumber(max.after_taxes)) > 0) {
    gross = Ratio.fromNumber(max.after_taxes);
    applied ??= 'MAX_PRICE';
  }
  let target = gross.sub(limitedBefore);
  let conflict = false;
  if (target.sign() < 0) {
    target = Ratio.ZERO;
    conflict = true;
  }
  if (applied === undefined && target.cmp(taxes) === 0) return { money: total, applied, conflict };
  const source: Money = { before: limitedBefore, taxes: new Map(total.taxes) };
  if (source.taxes.size === 0 && !target.isZero()) {
    addTax(
      source,
      { name: fallbackTaxName, percentage: undefined, account_number: undefined, amount: Ratio.ZERO },
      Ratio.ZERO,
    );
  }
  const byAmount = !taxes.isZero();
  const spread = spreadTaxes(source, target, (t) =>
    byAmount ? t.amount : (t.percentage ?? Ratio.ZERO).sign() > 0 ? (t.percentage ?? Ratio.ZERO) : Ratio.ZERO,
  );
  return { money: { before: limitedBefore.round(MONEY_DECIMALS), taxes: spread }, applied, conflict };
}

/** The 2.3.0 Price of a rounded Money; tax lines that round to zero are left out. */
export function toPrice(m: Money): Price {
  const taxes: TaxAmount[] = [];
  for (const t of m.taxes.values()) {
    if (t.amount.isZero()) continue;
    const line: TaxAmount = { name: t.name, amount: t.amount.toNumber() };
    if (t.account_number !== undefined) line.account_number = t.account_number;
    if (t.percentage !== undefined) line.percentage = t.percentage.toNumber();
    taxes.push(line);
  }
  return { before_taxes: m.before.toNumber(), taxes };
}
