import type { ChargingPeriod } from '../model/v230/cdrs.ts';
import type { Price } from '../model/v230/common.ts';
import type { TariffDimensionType } from '../model/v230/tariffs.ts';

/**
 * Input and output shapes of the tariff calculator (see calculator.ts for the rules).
 * Dates are OCPI DateTimes (UTC unless an offset is written); energies are kWh, currents A, powers kW.
 */

/**
 * What the EVSE is doing from a given instant on:
 * - CHARGING: the vehicle requests power (TIME is billed, whether or not energy actually flows);
 * - PARKING: the vehicle is connected but no longer requests power (PARKING_TIME is billed);
 * - RESERVATION: the EVSE is held for the driver before the session starts (reservation elements apply).
 */
export type MeterState = 'CHARGING' | 'PARKING' | 'RESERVATION';

/**
 * One reading or event from the charger. Each field is a step change valid until the next sample,
 * except the meter reading, which is interpolated linearly between readings.
 */
export interface MeterSample {
  /** When the reading was taken / the event happened. */
  timestamp: string;
  /**
   * Energy meter register in kWh. Any origin: only differences count. Must never decrease.
   * Omitted: interpolated linearly between neighbouring readings (held flat before the first
   * and after the last reading, so put the stop reading on a sample at the session end).
   */
  energy_kwh?: number;
  /** New state from this instant on. Omitted: unchanged. Before the first sample: CHARGING (RESERVATION for an expired reservation). */
  state?: MeterState;
  /** Sum of the current over all phases (A) from this instant on. Omitted: carried forward, but forgotten on a state change. */
  current?: number;
  /**
   * Charging power (kW) from this instant on. Omitted: carried forward, forgotten on a state change;
   * when unknown the average power derived from the meter readings is used for power restrictions.
   */
  power?: number;
}

/** Alternative input: aggregated periods as a charger or session log might report them. */
export interface MeteredPeriod {
  /** Start of the period; it lasts until the next period's start or the session end. */
  start_date_time: string;
  state: MeterState;
  /** Energy delivered during the period (kWh), spread evenly over it. */
  energy_kwh: number;
  /** Sum of the current over all phases (A) during the period, when known. */
  current?: number;
  /** Charging power (kW) during the period; when unknown, its average power is used for restrictions. */
  power?: number;
}

/** How a reservation ended: followed by a charging session, or expired without one. */
export type ReservationOutcome = 'USED' | 'EXPIRED';

/** A charging session to price. */
export interface PricingSession {
  /** Start of the session, or of the reservation when there was one (as the CDR's start_date_time). */
  start_date_time: string;
  /** End of the session (as the CDR's end_date_time). */
  end_date_time: string;
  /** IANA time zone of the Location (`Location.time_zone`): restrictions' times and days are local there. */
  time_zone: string;
  /** Meter readings and state changes, in time order, within [start, end]. Give this or `periods`. */
  samples?: readonly MeterSample[];
  /** Aggregated periods, in time order, within [start, end). Give this or `samples`. */
  periods?: readonly MeteredPeriod[];
  /**
   * Whether there was a reservation. Omitted: inferred from RESERVATION states (USED when charging
   * or parking follows, EXPIRED otherwise); no RESERVATION state means no reservation.
   */
  reservation?: ReservationOutcome;
}

/** A tax not carried by the tariff (e.g. North American sales taxes, whose rates the tariff omits). */
export interface TaxRate {
  name: string;
  percentage: number;
  account_number?: string;
}

export interface PricingOptions {
  /**
   * Taxes that apply to price components without `vat`: added on top when `tax_included` is NO,
   * taken out of the amounts when it is YES. Default none (a component without `vat` is untaxed).
   */
  taxes?: readonly TaxRate[];
  /** Name of the tax derived from a price component's `vat` percentage. Default `VAT`. */
  vat_name?: string;
  /** Decimals of the volumes in charging periods and of total_energy/time/parking_time. Default 4. */
  volume_decimals?: number;
}

/** The price component that priced one dimension of a period. */
export interface AppliedComponent {
  /** Index of the TariffElement in `tariff.elements`. */
  element: number;
  price: number;
  vat?: number;
  step_size: number;
}

/** One charging period with what was billed for it (a diagnostic view; not part of a CDR). */
export interface PricedPeriod {
  start_date_time: string;
  end_date_time: string;
  state: MeterState;
  /** Energy measured in the period (kWh, unrounded). */
  energy: number;
  /** Duration of the period (hours, unrounded). */
  duration: number;
  /** The price component used per dimension; a dimension without one costs nothing here. */
  components: Partial<Record<TariffDimensionType, AppliedComponent>>;
  /** Billed quantity per dimension (kWh, hours, or 1 for FLAT), after step_size rounding. */
  billed: Partial<Record<TariffDimensionType, number>>;
  /** Cost per dimension in tariff terms (incl. or excl. taxes as `tax_included`), rounded to 4 decimals. */
  cost: Partial<Record<TariffDimensionType, number>>;
}

/** The CDR fields the calculator produces. */
export interface CdrCostFields {
  charging_periods: ChargingPeriod[];
  total_cost: Price;
  total_fixed_cost: Price;
  total_energy: number;
  total_energy_cost: Price;
  total_time: number;
  total_time_cost: Price;
  total_parking_time: number;
  total_parking_cost: Price;
  total_reservation_cost?: Price;
}

/** Result of pricing a session. */
export interface SessionPricing extends CdrCostFields {
  tariff_id: string;
  currency: string;
  /** Set when the Tariff's min_price or max_price changed total_cost. */
  price_limit?: 'MIN_PRICE' | 'MAX_PRICE';
  /** Per-period breakdown, in time order (same periods as charging_periods). */
  periods: PricedPeriod[];
  /** Things the caller should know, e.g. taxes that could not be separated. */
  warnings: string[];
}
