import type { Static, TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Decimal, Enum, Many, Obj, OpenEnum, Opt } from '../primitives.ts';
import * as V221 from '../v221/common.ts';

/*
 * OCPI 2.3.0 shared classes and enums: 2.2.1 plus the 2.3.0 changes (new Price shape with
 * TaxAmount, HUB dropped from Role, several enums opened). Unchanged schemas are the 2.2.1 ones,
 * re-exported; changed ones are derived from them.
 */

/** The known values of an enum or OpenEnum schema, in spec order. */
export function enumValues<T extends TSchema>(schema: T): readonly Static<T>[] {
  // Enum() and OpenEnum() keep the values they were built from here.
  const values: readonly Static<T>[] = schema.ocpiEnum;
  return values;
}

/**
 * The values of an earlier version's enum with new ones inserted in spec order:
 * `additions` maps an existing value to the values that follow it.
 */
export function extendValues<T extends TSchema, const A extends string>(
  schema: T,
  additions: Readonly<Record<string, readonly A[]>>,
): readonly (Static<T> | A)[] {
  return enumValues(schema).flatMap((v) => [v, ...(additions[String(v)] ?? [])]);
}

export const DisplayText = V221.DisplayText;
export type DisplayText = V221.DisplayText;

/** One tax on a price (new in 2.3.0). */
export const TaxAmount = Obj({
  name: Type.String(),
  account_number: Opt(Type.String()),
  percentage: Opt(Decimal()),
  amount: Decimal(),
});
export type TaxAmount = Static<typeof TaxAmount>;

/** An amount before taxes, with the taxes that apply (replaces excl_vat/incl_vat of 2.2.1). */
export const Price = Obj({
  before_taxes: Decimal(),
  taxes: Many(TaxAmount),
});
export type Price = Static<typeof Price>;

/** The role a party plays; 2.3.0 has no HUB role any more. */
export const Role = Enum(['CPO', 'EMSP', 'NAP', 'NSP', 'OTHER', 'SCSP'] as const);
export type Role = Static<typeof Role>;

/** What an image shows (locations chapter); open in 2.3.0. */
export const ImageCategory = OpenEnum(enumValues(V221.ImageCategory));
export type ImageCategory = Static<typeof ImageCategory>;

/** A link to an image (locations chapter). */
export const Image = Obj({ ...V221.Image.properties, category: ImageCategory });
export type Image = Static<typeof Image>;

/** Name, website and logo of a company (locations chapter; also used by credentials). */
export const BusinessDetails = Obj({ ...V221.BusinessDetails.properties, logo: Opt(Image) });
export type BusinessDetails = Static<typeof BusinessDetails>;

export const GeoLocation = V221.GeoLocation;
export type GeoLocation = V221.GeoLocation;
export const LATITUDE_PATTERN = V221.LATITUDE_PATTERN;
export const LONGITUDE_PATTERN = V221.LONGITUDE_PATTERN;

export const EnergySourceCategory = V221.EnergySourceCategory;
export type EnergySourceCategory = V221.EnergySourceCategory;
export const EnergySource = V221.EnergySource;
export type EnergySource = V221.EnergySource;

/** Kind of environmental impact (locations chapter); open in 2.3.0. */
export const EnvironmentalImpactCategory = OpenEnum(enumValues(V221.EnvironmentalImpactCategory));
export type EnvironmentalImpactCategory = Static<typeof EnvironmentalImpactCategory>;

/** Waste or emission per kWh, in g/kWh. */
export const EnvironmentalImpact = Obj({
  ...V221.EnvironmentalImpact.properties,
  category: EnvironmentalImpactCategory,
});
export type EnvironmentalImpact = Static<typeof EnvironmentalImpact>;

/** Energy mix and supplier of a location or tariff (locations chapter; also in tariffs). */
export const EnergyMix = Obj({ ...V221.EnergyMix.properties, environ_impact: Many(EnvironmentalImpact) });
export type EnergyMix = Static<typeof EnergyMix>;

/** Plug or socket standard (locations chapter); open in 2.3.0, which adds MCS and SAE J3400. */
export const ConnectorType = OpenEnum(
  extendValues(V221.ConnectorType, { IEC_62196_T3C: ['MCS'], PANTOGRAPH_TOP_DOWN: ['SAE_J3400'] }),
);
export type ConnectorType = Static<typeof ConnectorType>;

export const ConnectorFormat = V221.ConnectorFormat;
export type ConnectorFormat = V221.ConnectorFormat;
export const PowerType = V221.PowerType;
export type PowerType = V221.PowerType;

/** Kind of token (tokens chapter); open in 2.3.0, which adds EMAID (ISO 15118 contract ids). */
export const TokenType = OpenEnum(extendValues(V221.TokenType, { APP_USER: ['EMAID'] }));
export type TokenType = Static<typeof TokenType>;

export const ProfileType = V221.ProfileType;
export type ProfileType = V221.ProfileType;

export const objects: ModuleSchemas['objects'] = {
  DisplayText,
  Price,
  TaxAmount,
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
