import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { DateTime, Decimal, Enum, Int, Many, Obj, Opt, Url } from '../primitives.ts';

/** OCPI 2.2.1 ChargingProfiles module (mod_charging_profiles). */

/** Unit of a charging profile's limits: watts or amperes. */
export const ChargingRateUnit = Enum(['W', 'A'] as const);
export type ChargingRateUnit = Static<typeof ChargingRateUnit>;

/** The CPO's immediate verdict on a charging profile request. */
export const ChargingProfileResponseType = Enum([
  'ACCEPTED',
  'NOT_SUPPORTED',
  'REJECTED',
  'TOO_OFTEN',
  'UNKNOWN_SESSION',
] as const);
export type ChargingProfileResponseType = Static<typeof ChargingProfileResponseType>;

/** The EVSE's outcome of a charging profile request. */
export const ChargingProfileResultType = Enum(['ACCEPTED', 'REJECTED', 'UNKNOWN'] as const);
export type ChargingProfileResultType = Static<typeof ChargingProfileResultType>;

/** One step of a profile: a limit from `start_period` seconds on. */
export const ChargingProfilePeriod = Obj({
  start_period: Int(),
  limit: Decimal(),
});
export type ChargingProfilePeriod = Static<typeof ChargingProfilePeriod>;

/** Power or current limits over time. */
export const ChargingProfile = Obj({
  start_date_time: Opt(DateTime()),
  duration: Opt(Int()),
  charging_rate_unit: ChargingRateUnit,
  min_charging_rate: Opt(Decimal()),
  charging_profile_period: Many(ChargingProfilePeriod),
});
export type ChargingProfile = Static<typeof ChargingProfile>;

/** The profile the Charge Point is applying, relative to `start_date_time`. */
export const ActiveChargingProfile = Obj({
  start_date_time: DateTime(),
  charging_profile: ChargingProfile,
});
export type ActiveChargingProfile = Static<typeof ActiveChargingProfile>;

/** Synchronous answer of the CPO to a GET, PUT or DELETE on a session's profile. */
export const ChargingProfileResponse = Obj({
  result: ChargingProfileResponseType,
  timeout: Int(),
});
export type ChargingProfileResponse = Static<typeof ChargingProfileResponse>;

/** Asynchronous result of a GET of the active profile. */
export const ActiveChargingProfileResult = Obj({
  result: ChargingProfileResultType,
  profile: Opt(ActiveChargingProfile),
});
export type ActiveChargingProfileResult = Static<typeof ActiveChargingProfileResult>;

/** Asynchronous result of setting a profile (PUT). */
export const ChargingProfileResult = Obj({
  result: ChargingProfileResultType,
});
export type ChargingProfileResult = Static<typeof ChargingProfileResult>;

/** Asynchronous result of clearing a profile (DELETE). */
export const ClearProfileResult = Obj({
  result: ChargingProfileResultType,
});
export type ClearProfileResult = Static<typeof ClearProfileResult>;

/** Body of the PUT that sets a session's profile. */
export const SetChargingProfile = Obj({
  charging_profile: ChargingProfile,
  response_url: Url(),
});
export type SetChargingProfile = Static<typeof SetChargingProfile>;

export const objects: ModuleSchemas['objects'] = {
  ChargingProfileResponse,
  ActiveChargingProfileResult,
  ChargingProfileResult,
  ClearProfileResult,
  SetChargingProfile,
  ActiveChargingProfile,
  ChargingRateUnit,
  ChargingProfile,
  ChargingProfilePeriod,
  ChargingProfileResponseType,
  ChargingProfileResultType,
};

/** Profiles are replaced with PUT; the module has no PATCH. */
export const patches: ModuleSchemas['patches'] = {};
