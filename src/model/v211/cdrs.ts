import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Decimal, Enum, Many, NonEmpty, Obj, Opt, Str } from '../primitives.ts';
import { Location } from './locations.ts';
import { Tariff } from './tariffs.ts';

/** How the token was authorized. */
export const AuthMethod = Enum(['AUTH_REQUEST', 'WHITELIST'] as const);
export type AuthMethod = Static<typeof AuthMethod>;

/** What a charging-period value measures. */
export const CdrDimensionType = Enum([
  'ENERGY',
  'FLAT',
  'MAX_CURRENT',
  'MIN_CURRENT',
  'PARKING_TIME',
  'TIME',
] as const);
export type CdrDimensionType = Static<typeof CdrDimensionType>;

/** One measured value of a charging period. */
export const CdrDimension = Obj({
  type: CdrDimensionType,
  volume: Decimal(),
});
export type CdrDimension = Static<typeof CdrDimension>;

/** A part of a session, from its start until the next period starts. */
export const ChargingPeriod = Obj({
  start_date_time: DateTime(),
  dimensions: NonEmpty(CdrDimension),
});
export type ChargingPeriod = Static<typeof ChargingPeriod>;

/** Final record of a charging session and its cost (2.1.1: embeds Location and Tariffs, plain numbers). */
export const CDR = Obj({
  id: CiString(36),
  start_date_time: DateTime(),
  stop_date_time: DateTime(),
  auth_id: Str(36),
  auth_method: AuthMethod,
  location: Location,
  meter_id: Opt(Str(255)),
  currency: Str(3),
  tariffs: Many(Tariff),
  charging_periods: NonEmpty(ChargingPeriod),
  total_cost: Decimal(),
  total_energy: Decimal(),
  total_time: Decimal(),
  total_parking_time: Opt(Decimal()),
  remark: Opt(Str(255)),
  last_updated: DateTime(),
});
export type CDR = Static<typeof CDR>;

export const objects: ModuleSchemas['objects'] = {
  CDR,
  AuthMethod,
  CdrDimension,
  CdrDimensionType,
  ChargingPeriod,
};

/** CDRs are never updated. */
export const patches: ModuleSchemas['patches'] = {};
