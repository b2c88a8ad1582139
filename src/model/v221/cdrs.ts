import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Decimal, Enum, Int, Many, NonEmpty, Obj, Opt, Str } from '../primitives.ts';
import { ConnectorFormat, ConnectorType, GeoLocation, PowerType, Price, TokenType } from './common.ts';
import { Tariff } from './tariffs.ts';

/** OCPI 2.2.1 CDRs module (mod_cdrs). CdrToken, ChargingPeriod and AuthMethod are also used by Sessions. */

/** How the driver was authorized. */
export const AuthMethod = Enum(['AUTH_REQUEST', 'COMMAND', 'WHITELIST'] as const);
export type AuthMethod = Static<typeof AuthMethod>;

/** What a CdrDimension measures. */
export const CdrDimensionType = Enum([
  'CURRENT',
  'ENERGY',
  'ENERGY_EXPORT',
  'ENERGY_IMPORT',
  'MAX_CURRENT',
  'MIN_CURRENT',
  'MAX_POWER',
  'MIN_POWER',
  'PARKING_TIME',
  'POWER',
  'RESERVATION_TIME',
  'STATE_OF_CHARGE',
  'TIME',
] as const);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

/** One measured value of a charging period. */
export const CdrDimension = Obj({
  type: CdrDimensionType,
  volume: Decimal(),
});
export type CdrDimension = Static<typeof CdrDimension>;

/** A slice of a session with its measured values and the tariff that applied. */
export const ChargingPeriod = Obj({
  start_date_time: DateTime(),
  dimensions: NonEmpty(CdrDimension),
  tariff_id: Opt(CiString(36)),
});
export type ChargingPeriod = Static<typeof ChargingPeriod>;

/** The token that started a session, as copied into Sessions and CDRs. */
export const CdrToken = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  uid: CiString(36),
  type: TokenType,
  contract_id: CiString(36),
});
export type CdrToken = Static<typeof CdrToken>;

/** The location, EVSE and connector of a CDR, flattened into one class. */
export const CdrLocation = Obj({
  id: CiString(36),
  name: Opt(Str(255)),
  address: Str(45),
  city: Str(45),
  postal_code: Opt(Str(10)),
  state: Opt(Str(20)),
  country: Str(3),
  coordinates: GeoLocation,
  evse_uid: CiString(36),
  evse_id: CiString(48),
  connector_id: CiString(36),
  connector_standard: ConnectorType,
  connector_format: ConnectorFormat,
  connector_power_type: PowerType,
});
export type CdrLocation = Static<typeof CdrLocation>;

/** A meter value in plain and signed form. */
export const SignedValue = Obj({
  nature: CiString(32),
  plain_data: Str(5000),
  signed_data: Str(5000),
});
export type SignedValue = Static<typeof SignedValue>;

/** Signed meter data (e.g. for German calibration law) with its encoding. */
export const SignedData = Obj({
  encoding_method: CiString(36),
  encoding_method_version: Opt(Int()),
  public_key: Opt(Str(512)),
  signed_values: NonEmpty(SignedValue),
  url: Opt(Str(512)),
});
export type SignedData = Static<typeof SignedData>;

/** Charge Detail Record: the final, immutable account of a charging session. */
export const CDR = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(39),
  start_date_time: DateTime(),
  end_date_time: DateTime(),
  session_id: Opt(CiString(36)),
  cdr_token: CdrToken,
  auth_method: AuthMethod,
  authorization_reference: Opt(CiString(36)),
  cdr_location: CdrLocation,
  meter_id: Opt(Str(255)),
  currency: Str(3),
  tariffs: Many(Tariff),
  charging_periods: NonEmpty(ChargingPeriod),
  signed_data: Opt(SignedData),
  total_cost: Price,
  total_fixed_cost: Opt(Price),
  total_energy: Decimal(),
  total_energy_cost: Opt(Price),
  total_time: Decimal(),
  total_time_cost: Opt(Price),
  total_parking_time: Opt(Decimal()),
  total_parking_cost: Opt(Price),
  total_reservation_cost: Opt(Price),
  remark: Opt(Str(255)),
  invoice_reference_id: Opt(CiString(39)),
  credit: Opt(Type.Boolean()),
  credit_reference_id: Opt(CiString(39)),
  home_charging_compensation: Opt(Type.Boolean()),
  last_updated: DateTime(),
});
export type CDR = Static<typeof CDR>;

export const objects: ModuleSchemas['objects'] = {
  CDR,
  AuthMethod,
  CdrDimension,
  CdrDimensionType,
  CdrLocation,
  CdrToken,
  ChargingPeriod,
  SignedData,
  SignedValue,
};

/** CDRs are immutable: POST only, no PATCH. */
export const patches: ModuleSchemas['patches'] = {};
