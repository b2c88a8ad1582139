import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Enum, NonEmpty, Obj, OpenEnum, Url } from '../primitives.ts';

/** OCPI 2.2.1 version information and version details endpoints. */

/** Known OCPI version numbers. */
export const VersionNumber = Enum(['2.0', '2.1', '2.1.1', '2.2', '2.2.1'] as const);
export type VersionNumber = Static<typeof VersionNumber>;

/**
 * Module identifiers. The 2.2.1 text lets parties add custom (prefixed) module IDs by
 * agreement, so an unknown value is kept rather than rejected.
 */
export const ModuleID = OpenEnum([
  'cdrs',
  'chargingprofiles',
  'commands',
  'credentials',
  'hubclientinfo',
  'locations',
  'sessions',
  'tariffs',
  'tokens',
] as const);
export type ModuleID = Static<typeof ModuleID>;

/** Which side of a module an endpoint implements. */
export const InterfaceRole = Enum(['SENDER', 'RECEIVER'] as const);
export type InterfaceRole = Static<typeof InterfaceRole>;

/** A supported version and the URL of its details. */
export const Version = Obj({
  version: VersionNumber,
  url: Url(),
});
export type Version = Static<typeof Version>;

/** One module interface and its URL. */
export const Endpoint = Obj({
  identifier: ModuleID,
  role: InterfaceRole,
  url: Url(),
});
export type Endpoint = Static<typeof Endpoint>;

/** The endpoints offered for one version. */
export const VersionDetails = Obj({
  version: VersionNumber,
  endpoints: NonEmpty(Endpoint),
});
export type VersionDetails = Static<typeof VersionDetails>;

export const objects: ModuleSchemas['objects'] = {
  Version,
  VersionDetails,
  Endpoint,
  InterfaceRole,
  ModuleID,
  VersionNumber,
};

export const patches: ModuleSchemas['patches'] = {};
