import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Decimal, Enum, NonEmpty, Obj, Opt } from '../primitives.ts';
import * as V221 from '../v221/tariffs.ts';
import { EnergyMix } from './common.ts';

/**
 * OCPI 2.3.0 Tariffs module: 2.2.1 plus `tax_included` (required), `preauthorize_amount`, and
 * PriceLimit instead of Price for min/max. Also carries the Bookings package's booking
 * restriction (an optional field there).
 */

export const DayOfWeek = V221.DayOfWeek;
export type DayOfWeek = V221.DayOfWeek;
export const TariffDimensionType = V221.TariffDimensionType;
export type TariffDimensionType = V221.TariffDimensionType;
export const ReservationRestrictionType = V221.ReservationRestrictionType;
export type ReservationRestrictionType = V221.ReservationRestrictionType;
export const TariffType = V221.TariffType;
export type TariffType = V221.TariffType;

/** Marks a tariff element as booking cost (Bookings package, mod_tariffs of 2.3.0-bookings). */
export const BookingRestrictionType = Enum([
  'BOOKING',
  'BOOKING_EXPIRES',
  'BOOKING_CANCELLATION_FEES',
  'BOOKING_OVERTIME',
] as const);
export type BookingRestrictionType = Static<typeof BookingRestrictionType>;

/** Whether the prices of a tariff include taxes (new in 2.3.0). */
export const TaxIncluded = Enum(['YES', 'NO', 'N/A'] as const);
export type TaxIncluded = Static<typeof TaxIncluded>;

/** Minimum or maximum session cost, before and optionally after taxes (new in 2.3.0). */
export const PriceLimit = Obj({
  before_taxes: Decimal(),
  after_taxes: Opt(Decimal()),
});
export type PriceLimit = Static<typeof PriceLimit>;

/** Price per unit of one dimension (incl. or excl. taxes per `Tariff.tax_included`), billed in steps. */
export const PriceComponent = V221.PriceComponent;
export type PriceComponent = V221.PriceComponent;

/** Conditions under which a tariff element is active (all must hold). */
export const TariffRestrictions = Obj({
  ...V221.TariffRestrictions.properties,
  booking: Opt(BookingRestrictionType),
});
export type TariffRestrictions = Static<typeof TariffRestrictions>;

/** Price components sharing one set of restrictions. */
export const TariffElement = Obj({ ...V221.TariffElement.properties, restrictions: Opt(TariffRestrictions) });
export type TariffElement = Static<typeof TariffElement>;

/** A CPO's tariff: ordered elements of priced dimensions. */
export const Tariff = Obj({
  ...V221.Tariff.properties,
  min_price: Opt(PriceLimit),
  max_price: Opt(PriceLimit),
  preauthorize_amount: Opt(Decimal()),
  elements: NonEmpty(TariffElement),
  tax_included: TaxIncluded,
  energy_mix: Opt(EnergyMix),
});
export type Tariff = Static<typeof Tariff>;

export const objects: ModuleSchemas['objects'] = {
  Tariff,
  BookingRestrictionType,
  DayOfWeek,
  PriceComponent,
  PriceLimit,
  ReservationRestrictionType,
  TariffElement,
  TariffDimensionType,
  TariffRestrictions,
  TariffType,
  TaxIncluded,
};

/** Tariffs have no PATCH (PUT and DELETE only). */
export const patches: ModuleSchemas['patches'] = {};
