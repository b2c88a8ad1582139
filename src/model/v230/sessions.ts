import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Many, Obj, Opt, PatchOf } from '../primitives.ts';
import * as V221 from '../v221/sessions.ts';
import { CdrToken, ChargingPeriod } from './cdrs.ts';
import { Price, ProfileType } from './common.ts';

/**
 * OCPI 2.3.0 Sessions module: the chapter is identical to 2.2.1, but a Session embeds the 2.3.0
 * Price, CdrToken and ChargingPeriod. ProfileType lives in common.ts and is re-exported.
 */
export { ProfileType };

export const ChargingPreferencesResponse = V221.ChargingPreferencesResponse;
export type ChargingPreferencesResponse = V221.ChargingPreferencesResponse;
export const SessionStatus = V221.SessionStatus;
export type SessionStatus = V221.SessionStatus;
export const ChargingPreferences = V221.ChargingPreferences;
export type ChargingPreferences = V221.ChargingPreferences;

/** A charging session, ongoing or finished, as kept by the CPO. */
export const Session = Obj({
  ...V221.Session.properties,
  cdr_token: CdrToken,
  charging_periods: Many(ChargingPeriod),
  total_cost: Opt(Price),
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
