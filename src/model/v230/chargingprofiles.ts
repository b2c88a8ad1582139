/**
 * OCPI 2.3.0 ChargingProfiles module: the chapter is identical to 2.2.1 and embeds none of the
 * shared types that changed, so every schema (and the module's catalog) is the 2.2.1 one.
 */
export * from '../v221/chargingprofiles.ts';
