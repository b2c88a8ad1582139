import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Decimal, Enum, Int, Many, NonEmpty, Obj, Opt, Str, Url } from '../primitives.ts';
import { DisplayText, EnergyMix, Price } from './common.ts';

/** OCPI 2.2.1 Tariffs module (mod_tariffs). */

/** Local time of day, `HH:MM` in 24h format. */
export const TIME_OF_DAY_PATTERN = '^([0-1][0-9]|2[0-3]):[0-5][0-9]$';
/** Local calendar date, `YYYY-MM-DD`. */
export const LOCAL_DATE_PATTERN = '^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

export const DayOfWeek = Enum([
  'MONDAY',
  'TUESDAY',
  'WEDNESDAY',
  'THURSDAY',
  'FRIDAY',
  'SATURDAY',
  'SUNDAY',
] as const);
export type DayOfWeek = Static<typeof DayOfWeek>;

/** The dimension a price component prices. */
export const TariffDimensionType = Enum(['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const);
export type TariffDimensionType = Static<typeof TariffDimensionType>;

/** Marks a tariff element as reservation cost. */
export const ReservationRestrictionType = Enum(['RESERVATION', 'RESERVATION_EXPIRES'] as const);
export type ReservationRestrictionType = Static<typeof ReservationRestrictionType>;

/** Which sessions a tariff is meant for (payment or charging preference). */
export const TariffType = Enum([
  'AD_HOC_PAYMENT',
  'PROFILE_CHEAP',
  'PROFILE_FAST',
  'PROFILE_GREEN',
  'REGULAR',
] as const);
export type TariffType = Static<typeof TariffType>;

/** Price per unit of one dimension, excluding VAT, billed in steps. */
export const PriceComponent = Obj({
  type: TariffDimensionType,
  price: Decimal(),
  vat: Opt(Decimal()),
  step_size: Int(),
});
export type PriceComponent = Static<typeof PriceComponent>;

/** Conditions under which a tariff element is active (all must hold). */
export const TariffRestrictions = Obj({
  start_time: Opt(Str(5, { pattern: TIME_OF_DAY_PATTERN })),
  end_time: Opt(Str(5, { pattern: TIME_OF_DAY_PATTERN })),
  start_date: Opt(Str(10, { pattern: LOCAL_DATE_PATTERN })),
  end_date: Opt(Str(10, { pattern: LOCAL_DATE_PATTERN })),
  min_kwh: Opt(Decimal()),
  max_kwh: Opt(Decimal()),
  min_current: Opt(Decimal()),
  max_current: Opt(Decimal()),
  min_power: Opt(Decimal()),
  max_power: Opt(Decimal()),
  min_duration: Opt(Int()),
  max_duration: Opt(Int()),
  day_of_week: Many(DayOfWeek),
  reservation: Opt(ReservationRestrictionType),
});
export type TariffRestrictions = Static<typeof TariffRestrictions>;

/** Price components sharing one set of restrictions. */
export const TariffElement = Obj({
  price_components: NonEmpty(PriceComponent),
  restrictions: Opt(TariffRestrictions),
});
export type TariffElement = Static<typeof TariffElement>;

/** A CPO's tariff: ordered elements of priced dimensions. */
export const Tariff = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  currency: Str(3),
  type: Opt(TariffType),
  tariff_alt_text: Many(DisplayText),
  tariff_alt_url: Opt(Url()),
  min_price: Opt(Price),
  max_price: Opt(Price),
  elements: NonEmpty(TariffElement),
  start_date_time: Opt(DateTime()),
  end_date_time: Opt(DateTime()),
  energy_mix: Opt(EnergyMix),
  last_updated: DateTime(),
});
export type Tariff = Static<typeof Tariff>;

export const objects: ModuleSchemas['objects'] = {
  Tariff,
  DayOfWeek,
  PriceComponent,
  ReservationRestrictionType,
  TariffElement,
  TariffDimensionType,
  TariffRestrictions,
  TariffType,
};

/** Tariffs have no PATCH in 2.2.1 (PUT and DELETE only). */
export const patches: ModuleSchemas['patches'] = {};
