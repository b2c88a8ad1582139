import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, Decimal, Enum, Int, Many, Obj, Opt, Str, Url } from '../primitives.ts';

/*
 * OCPI 2.2.1 classes and enums used by more than one module. The types chapter ones
 * (DisplayText, Price, Role) plus the classes/enums another chapter defines but several
 * modules embed (BusinessDetails, Image, GeoLocation, EnergyMix, connector enums,
 * TokenType, ProfileType). Module files import them from here.
 */

/** A text in one language, shown to the end user. */
export const DisplayText = Obj({
  language: Str(2),
  text: Str(512),
});
export type DisplayText = Static<typeof DisplayText>;

/** An amount with and without VAT. */
export const Price = Obj({
  excl_vat: Decimal(),
  incl_vat: Opt(Decimal()),
});
export type Price = Static<typeof Price>;

/** The role a party plays. */
export const Role = Enum(['CPO', 'EMSP', 'HUB', 'NAP', 'NSP', 'OTHER', 'SCSP'] as const);
export type Role = Static<typeof Role>;

/** What an image shows (locations chapter). */
export const ImageCategory = Enum([
  'CHARGER',
  'ENTRANCE',
  'LOCATION',
  'NETWORK',
  'OPERATOR',
  'OTHER',
  'OWNER',
] as const);
export type ImageCategory = Static<typeof ImageCategory>;

/** A link to an image (locations chapter). */
export const Image = Obj({
  url: Url(),
  thumbnail: Opt(Url()),
  category: ImageCategory,
  type: CiString(4),
  width: Opt(Int({ maximum: 99999 })),
  height: Opt(Int({ maximum: 99999 })),
});
export type Image = Static<typeof Image>;

/** Name, website and logo of a company (locations chapter; also used by credentials). */
export const BusinessDetails = Obj({
  name: Str(100),
  website: Opt(Url()),
  logo: Opt(Image),
});
export type BusinessDetails = Static<typeof BusinessDetails>;

export const LATITUDE_PATTERN = '^-?[0-9]{1,2}\\.[0-9]{5,7}$';
export const LONGITUDE_PATTERN = '^-?[0-9]{1,3}\\.[0-9]{5,7}$';

/** A WGS 84 point in decimal degrees, as strings (locations chapter; also in CDRs). */
export const GeoLocation = Obj({
  latitude: Str(10, { pattern: LATITUDE_PATTERN }),
  longitude: Str(11, { pattern: LONGITUDE_PATTERN }),
});
export type GeoLocation = Static<typeof GeoLocation>;

/** Kind of energy source (locations chapter). */
export const EnergySourceCategory = Enum([
  'NUCLEAR',
  'GENERAL_FOSSIL',
  'COAL',
  'GAS',
  'GENERAL_GREEN',
  'SOLAR',
  'WIND',
  'WATER',
] as const);
export type EnergySourceCategory = Static<typeof EnergySourceCategory>;

/** Share of one energy source in the mix, in percent. */
export const EnergySource = Obj({
  source: EnergySourceCategory,
  percentage: Decimal(),
});
export type EnergySource = Static<typeof EnergySource>;

/** Kind of environmental impact (locations chapter). */
export const EnvironmentalImpactCategory = Enum(['NUCLEAR_WASTE', 'CARBON_DIOXIDE'] as const);
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategory>;

/** Waste or emission per kWh, in g/kWh. */
export const EnvironmentalImpact = Obj({
  category: EnvironmentalImpactCategory,
  amount: Decimal(),
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

/** Energy mix and supplier of a location or tariff (locations chapter; also in tariffs). */
export const EnergyMix = Obj({
  is_green_energy: Type.Boolean(),
  energy_sources: Many(EnergySource),
  environ_impact: Many(EnvironmentalImpact),
  supplier_name: Opt(Str(64)),
  energy_product_name: Opt(Str(64)),
});
export type EnergyMix = Static<typeof EnergyMix>;

/** Plug or socket standard (locations chapter; also in CDR locations). */
export const ConnectorType = Enum([
  'CHADEMO',
  'CHAOJI',
  'DOMESTIC_A',
  'DOMESTIC_B',
  'DOMESTIC_C',
  'DOMESTIC_D',
  'DOMESTIC_E',
  'DOMESTIC_F',
  'DOMESTIC_G',
  'DOMESTIC_H',
  'DOMESTIC_I',
  'DOMESTIC_J',
  'DOMESTIC_K',
  'DOMESTIC_L',
  'DOMESTIC_M',
  'DOMESTIC_N',
  'DOMESTIC_O',
  'GBT_AC',
  'GBT_DC',
  'IEC_60309_2_single_16',
  'IEC_60309_2_three_16',
  'IEC_60309_2_three_32',
  'IEC_60309_2_three_64',
  'IEC_62196_T1',
  'IEC_62196_T1_COMBO',
  'IEC_62196_T2',
  'IEC_62196_T2_COMBO',
  'IEC_62196_T3A',
  'IEC_62196_T3C',
  'NEMA_5_20',
  'NEMA_6_30',
  'NEMA_6_50',
  'NEMA_10_30',
  'NEMA_10_50',
  'NEMA_14_30',
  'NEMA_14_50',
  'PANTOGRAPH_BOTTOM_UP',
  'PANTOGRAPH_TOP_DOWN',
  'TESLA_R',
  'TESLA_S',
] as const);
export type ConnectorType = Static<typeof ConnectorType>;

/** Socket or attached cable (locations chapter; also in CDR locations). */
export const ConnectorFormat = Enum(['SOCKET', 'CABLE'] as const);
export type ConnectorFormat = Static<typeof ConnectorFormat>;

/** AC phases or DC (locations chapter; also in CDR locations). */
export const PowerType = Enum(['AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'] as const);
export type PowerType = Static<typeof PowerType>;

/** Kind of token (tokens chapter; also in locations, sessions, CDRs and commands). */
export const TokenType = Enum(['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'] as const);
export type TokenType = Static<typeof TokenType>;

/** Smart charging preference (sessions chapter; also the default on a Token). */
export const ProfileType = Enum(['CHEAP', 'FAST', 'GREEN', 'REGULAR'] as const);
export type ProfileType = Static<typeof ProfileType>;

export const objects: ModuleSchemas['objects'] = {
  DisplayText,
  Price,
  Role,
  ImageCategory,
  Image,
  BusinessDetails,
  GeoLocation,
  EnergySourceCategory,
  EnergySource,
  EnvironmentalImpactCategory,
  EnvironmentalImpact,
  EnergyMix,
  ConnectorType,
  ConnectorFormat,
  PowerType,
  TokenType,
  ProfileType,
};

export const patches: ModuleSchemas['patches'] = {};
