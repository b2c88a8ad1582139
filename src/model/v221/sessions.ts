import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Decimal, Enum, Many, Obj, Opt, PatchOf, Str } from '../primitives.ts';
import { AuthMethod, CdrToken, ChargingPeriod } from './cdrs.ts';
import { Price, ProfileType } from './common.ts';

/** OCPI 2.2.1 Sessions module (mod_sessions). ProfileType lives in common.ts (shared with Tokens) and is re-exported. */
export { ProfileType };

/** The CPO's answer to new charging preferences. */
export const ChargingPreferencesResponse = Enum([
  'ACCEPTED',
  'DEPARTURE_REQUIRED',
  'ENERGY_NEED_REQUIRED',
  'NOT_POSSIBLE',
  'PROFILE_TYPE_NOT_SUPPORTED',
] as const);
export type ChargingPreferencesResponse = Static<typeof ChargingPreferencesResponse>;

/** Lifecycle state of a session. */
export const SessionStatus = Enum(['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION'] as const);
export type SessionStatus = Static<typeof SessionStatus>;

/** The driver's wishes for smart charging of a session. */
export const ChargingPreferences = Obj({
  profile_type: ProfileType,
  departure_time: Opt(DateTime()),
  energy_need: Opt(Decimal()),
  discharge_allowed: Opt(Type.Boolean()),
});
export type ChargingPreferences = Static<typeof ChargingPreferences>;

/** A charging session, ongoing or finished, as kept by the CPO. */
export const Session = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  id: CiString(36),
  start_date_time: DateTime(),
  end_date_time: Opt(DateTime()),
  kwh: Decimal(),
  cdr_token: CdrToken,
  auth_method: AuthMethod,
  authorization_reference: Opt(CiString(36)),
  location_id: CiString(36),
  evse_uid: CiString(36),
  connector_id: CiString(36),
  meter_id: Opt(Str(255)),
  currency: Str(3),
  charging_periods: Many(ChargingPeriod),
  total_cost: Opt(Price),
  status: SessionStatus,
  last_updated: DateTime(),
});
export type Session = Static<typeof Session>;

export const objects: ModuleSchemas['objects'] = {
  Session,
  ChargingPreferences,
  ChargingPreferencesResponse,
  ProfileType,
  SessionStatus,
};

/**
 * The eMSP's Receiver interface accepts PATCH on a whole Session (`last_updated` required;
 * `charging_periods` in a PATCH are appended, not replaced).
 */
export const patches: ModuleSchemas['patches'] = {
  Session: PatchOf(Session, ['last_updated']),
};
