import { parseObject } from '../../model/objects.ts';
import {
  ActiveChargingProfile,
  ActiveChargingProfileResult,
  type ChargingProfileResponse,
  ChargingProfileResponseType,
  ChargingProfileResult,
  type ChargingProfileResultType,
  type ClearProfileResult,
  SetChargingProfile,
} from '../../model/v230/chargingprofiles.ts';
import { compileValidator, type ParseResult } from '../../model/validate.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import { PROFILE_REQUESTS, type ProfileRequestName } from './names.ts';

/**
 * How a profile request ended, as far as we know: the CPO's result object `R` (`partner`),
 * the CPO's refusal in its immediate answer (`response`), or nothing in time (`local-timeout`).
 */
export type ProfileOutcome<R extends { result: ChargingProfileResultType }> =
  | (R & { source: 'partner' })
  | { result: Exclude<ChargingProfileResponseType, 'ACCEPTED'>; source: 'response' }
  | { result: 'TIMEOUT'; source: 'local-timeout' };

/** The outcome of any of the three requests: the widest of them, GET's (with its profile). */
export type AnyProfileOutcome = ProfileOutcome<ActiveChargingProfileResult>;

/** A profile request sent: the CPO's immediate answer, and the promise of its outcome. */
export interface SentProfileRequest<R extends { result: ChargingProfileResultType }> {
  /** Our id of the request (the last segment of its response_url). */
  id: string;
  response: ChargingProfileResponse;
  /** Settles once: with the CPO's result, its refusal, or TIMEOUT after timeout + grace. */
  result: Promise<ProfileOutcome<R>>;
}

/** The outcome each request is promised. */
export interface ProfileResults {
  SET_CHARGING_PROFILE: ChargingProfileResult;
  GET_ACTIVE_CHARGING_PROFILE: ActiveChargingProfileResult;
  CLEAR_PROFILE: ClearProfileResult;
}

export function isProfileRequest(name: string): name is ProfileRequestName {
  return Object.hasOwn(PROFILE_REQUESTS, name);
}

/*
 * Partners' JSON is read the lenient way (parseObject: nulls absent, unknown fields
 * ignored, DateTime normalised), then checked against the 2.3.0 schema whose type it gets:
 * typed without an assertion. ChargingProfiles is the same in 2.2.1 and 2.3.0.
 */
const strict = {
  SetChargingProfile: compileValidator(SetChargingProfile),
  ActiveChargingProfile: compileValidator(ActiveChargingProfile),
  ChargingProfileResult: compileValidator(ChargingProfileResult),
  ActiveChargingProfileResult: compileValidator(ActiveChargingProfileResult),
};
const responseType = compileValidator(ChargingProfileResponseType);

function read<T>(version: OcpiVersion, name: keyof typeof strict, check: (v: unknown) => ParseResult<T>) {
  return (json: unknown): ParseResult<T> => {
    const parsed = parseObject(version, name, json);
    return parsed.ok ? check(parsed.value) : parsed;
  };
}

/** A SetChargingProfile we are about to send, checked: the errors name the field. */
export function checkSetChargingProfile(json: unknown): ParseResult<SetChargingProfile> {
  return read('2.3.0', 'SetChargingProfile', strict.SetChargingProfile)(json);
}

/** An ActiveChargingProfile a CPO pushed. */
export function readActiveProfile(version: OcpiVersion, json: unknown): ParseResult<ActiveChargingProfile> {
  return read(version, 'ActiveChargingProfile', strict.ActiveChargingProfile)(json);
}

/**
 * The result a CPO posted for a request of ours, read as the object that request expects:
 * ActiveChargingProfileResult for a GET, ChargingProfileResult (ClearProfileResult, the
 * same shape) for a PUT or DELETE. Only the fields of that object are kept.
 */
export function readProfileResult(
  version: OcpiVersion,
  request: ProfileRequestName,
  json: unknown,
): ParseResult<AnyProfileOutcome> {
  if (request === 'GET_ACTIVE_CHARGING_PROFILE') {
    const got = read(version, 'ActiveChargingProfileResult', strict.ActiveChargingProfileResult)(json);
    if (!got.ok) return got;
    const { result, profile } = got.value;
    return { ok: true, value: { result, ...(profile ? { profile } : {}), source: 'partner' } };
  }
  const got = read(version, 'ChargingProfileResult', strict.ChargingProfileResult)(json);
  return got.ok ? { ok: true, value: { result: got.value.result, source: 'partner' } } : got;
}

/**
 * The CPO's immediate answer, read liberally: a result outside ChargingProfileResponseType
 * (or none, as in an error envelope) is REJECTED; a missing timeout is `defaultTimeout`.
 */
export function readProfileResponse(data: unknown, defaultTimeout: number): ChargingProfileResponse {
  const field = (key: string): unknown =>
    typeof data === 'object' && data !== null ? Reflect.get(data, key) : undefined;
  const result = responseType(field('result'));
  const timeout = field('timeout');
  return {
    result: result.ok ? result.value : 'REJECTED',
    timeout:
      typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 0 ? timeout : defaultTimeout,
  };
}
