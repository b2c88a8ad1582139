import type { OcpiVersion } from '../../model/versions.ts';

/** ChargingProfiles exists from OCPI 2.2 on; 2.1.1 does not announce it. */
export const PROFILE_VERSIONS: readonly OcpiVersion[] = ['2.2.1', '2.3.0'];

/**
 * The three requests of the Receiver interface, as stored beside commands in
 * `ocpi_commands.command`, and the result object each posts to its response_url.
 */
export const PROFILE_REQUESTS = {
  SET_CHARGING_PROFILE: { method: 'PUT', result: 'ChargingProfileResult' },
  GET_ACTIVE_CHARGING_PROFILE: { method: 'GET', result: 'ActiveChargingProfileResult' },
  CLEAR_PROFILE: { method: 'DELETE', result: 'ClearProfileResult' },
} as const;
export type ProfileRequestName = keyof typeof PROFILE_REQUESTS;
