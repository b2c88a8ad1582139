/** Tariff calculator: prices a charging session with an OCPI 2.3.0 Tariff (see calculator.ts). */
export { cdrFields, priceSession } from './calculator.ts';
export { Ratio } from './decimal.ts';
export type {
  AppliedComponent,
  CdrCostFields,
  MeteredPeriod,
  MeterSample,
  MeterState,
  PricedPeriod,
  PricingOptions,
  PricingSession,
  ReservationOutcome,
  SessionPricing,
  TaxRate,
} from './types.ts';
