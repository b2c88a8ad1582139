import { OcpiError } from '../transport/errors.ts';
/**
 * A tiny exact-arithmetic helper for money: a rational number with BigInt numerator and
 * denominator. Tariff prices arrive as JSON numbers (binary floating point); they are read
 * through their shortest decimal representation, so 0.1 is exactly 1/10 here. All intermediate
 * amounts (price x quantity, VAT shares, tax-inclusive splits) stay exact, and rounding happens
 * only where the calculator reports a figure (see `round`).
 */
export class Ratio {
  readonly n: bigint;
  readonly d: bigint;

  private constructor(n: bigint, d: bigint) {
    if (d === 0n) throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', 'division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    this.n = g > 1n ? n / g : n;
    this.d = g > 1n ? d / g : d;
  }

  static readonly ZERO = new Ratio(0n, 1n);
  static readonly ONE = new Ratio(1n, 1n);

  static of(n: bigint | number, d: bigint | number = 1n): Ratio {
    return new Ratio(BigInt(n), BigInt(d));
  }

  /** The exact value of the decimal a JSON number was written as (0.1 is 1/10, not the nearest double). */
  static fromNumber(value: number): Ratio {
    if (!Number.isFinite(value))
      throw new OcpiError('OCPI_ERR_INVALID_ARGUMENT', `not a finite number: ${value}`);
    const text = String(value).toLowerCase();
    const [mantissa = '0', exp = '0'] = text.split('e');
    const negative = mantissa.startsWith('-');
    const unsigned = negative ? mantissa.slice(1) : mantissa;
    const [whole = '0', fraction = ''] = unsigned.split('.');
    let n = BigInt(`${whole}${fraction}` || '0');
    let d = 10n ** BigInt(fraction.length);
    const e = Number(exp);
    if (e > 0) n *= 10n ** BigInt(e);
    else if (e < 0) d *= 10n ** BigInt(-e);
    return new Ratio(negative ? -n : n, d);
  }

  add(o: Ratio): Ratio {
    return new Ratio(this.n * o.d + o.n * this.d, this.d * o.d);
  }

  sub(o: Ratio): Ratio {
    return new Ratio(this.n * o.d - o.n * this.d, this.d * o.d);
  }

  mul(o: Ratio): Ratio {
    return new Ratio(this.n * o.n, this.d * o.d);
  }

  div(o: Ratio): Ratio {
    return new Ratio(this.n * o.d, this.d * o.n);
  }

  cmp(o: Ratio): number {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  isZero(): boolean {
    return this.n === 0n;
  }

  sign(): number {
    return this.n < 0n ? -1 : this.n > 0n ? 1 : 0;
  }

  /** Rounded to `decimals` places, half away from zero, as an exact Ratio. */
  round(decimals: number): Ratio {
    const scale = 10n ** BigInt(decimals);
    return new Ratio(roundHalfAwayFromZero(this.n * scale, this.d), scale);
  }

  /** Rounded up (towards +infinity) to a whole multiple of `step` (a positive integer). */
  static ceilToMultiple(value: bigint, step: bigint): bigint {
    if (step <= 0n) return value;
    const q = value / step;
    const r = value % step;
    return (r > 0n ? q + 1n : q) * step;
  }

  /** The nearest JSON number; exact for values that are already rounded to a few decimals. */
  toNumber(): number {
    if (this.d === 1n) return Number(this.n);
    // Decimal denominators (2^a 5^b) print exactly; other fractions go through a 20-digit expansion.
    const negative = this.n < 0n;
    const abs = negative ? -this.n : this.n;
    const whole = abs / this.d;
    const scale = 10n ** 20n;
    const frac = ((abs % this.d) * scale) / this.d;
    const text = `${negative ? '-' : ''}${whole}.${frac.toString().padStart(20, '0')}`;
    return Number(text);
  }

  static sum(values: Iterable<Ratio>): Ratio {
    let total = Ratio.ZERO;
    for (const v of values) total = total.add(v);
    return total;
  }

  static max(a: Ratio, b: Ratio): Ratio {
    return a.cmp(b) >= 0 ? a : b;
  }

  static min(a: Ratio, b: Ratio): Ratio {
    return a.cmp(b) <= 0 ? a : b;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** n / d rounded to an integer, halves away from zero (d > 0). */
function roundHalfAwayFromZero(n: bigint, d: bigint): bigint {
  const negative = n < 0n;
  const abs = negative ? -n : n;
  const q = abs / d;
  const r = abs % d;
  const rounded = r * 2n >= d ? q + 1n : q;
  return negative ? -rounded : rounded;
}
