import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { DateTime, Decimal, Enum, Int, Many, NonEmpty, Obj, Opt, PatchOf, Str, Url } from '../primitives.ts';
import { DisplayText, EnergyMix } from './common.ts';
import { TIME_OF_DAY_PATTERN } from './locations.ts';

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

/** What a price component is charged on. */
export const TariffDimensionType = Enum(['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] as const);
export type TariffDimensionType = Static<typeof TariffDimensionType>;

/** A price per unit (excl. VAT) of one dimension, billed in steps of `step_size`. */
export const PriceComponent = Obj({
  type: TariffDimensionType,
  price: Decimal(),
  step_size: Int(),
});
export type PriceComponent = Static<typeof PriceComponent>;

/** Conditions under which a tariff element applies. */
export const TariffRestrictions = Obj({
  start_time: Opt(Str(5, { pattern: TIME_OF_DAY_PATTERN })),
  end_time: Opt(Str(5, { pattern: TIME_OF_DAY_PATTERN })),
  start_date: Opt(Str(10)),
  end_date: Opt(Str(10)),
  min_kwh: Opt(Decimal()),
  max_kwh: Opt(Decimal()),
  min_power: Opt(Decimal()),
  max_power: Opt(Decimal()),
  min_duration: Opt(Int()),
  max_duration: Opt(Int()),
  day_of_week: Many(DayOfWeek),
});
export type TariffRestrictions = Static<typeof TariffRestrictions>;

/** Price components that apply together, optionally restricted. */
export const TariffElement = Obj({
  price_components: NonEmpty(PriceComponent),
  restrictions: Opt(TariffRestrictions),
});
export type TariffElement = Static<typeof TariffElement>;

/** A CPO's tariff (2.1.1 shape: plain numbers, no country_code/party_id/type/min/max price). */
export const Tariff = Obj({
  id: Str(36),
  currency: Str(3),
  tariff_alt_text: Many(DisplayText),
  tariff_alt_url: Opt(Url()),
  elements: NonEmpty(TariffElement),
  energy_mix: Opt(EnergyMix),
  last_updated: DateTime(),
});
export type Tariff = Static<typeof Tariff>;

export const objects: ModuleSchemas['objects'] = {
  Tariff,
  DayOfWeek,
  PriceComponent,
  TariffElement,
  TariffDimensionType,
  TariffRestrictions,
};

/** 2.1.1 (unlike 2.2+) lets the CPO PATCH a Tariff on the eMSP interface. */
export const patches: ModuleSchemas['patches'] = {
  Tariff: PatchOf(Tariff),
};
