import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Enum, NonEmpty, Obj, Url } from '../primitives.ts';

/** OCPI version numbers known to 2.1.1. */
export const VersionNumber = Enum(['2.0', '2.1', '2.1.1'] as const);
export type VersionNumber = Static<typeof VersionNumber>;

/** Module identifiers of 2.1.1. */
export const ModuleID = Enum([
  'cdrs',
  'commands',
  'credentials',
  'locations',
  'sessions',
  'tariffs',
  'tokens',
] as const);
export type ModuleID = Static<typeof ModuleID>;

/** One supported version and where its details live. */
export const Version = Obj({
  version: VersionNumber,
  url: Url(),
});
export type Version = Static<typeof Version>;

/** One module endpoint of a version (2.1.1 has no interface role). */
export const Endpoint = Obj({
  identifier: ModuleID,
  url: Url(),
});
export type Endpoint = Static<typeof Endpoint>;

/** The endpoints a party offers for one version. */
export const VersionDetails = Obj({
  version: VersionNumber,
  endpoints: NonEmpty(Endpoint),
});
export type VersionDetails = Static<typeof VersionDetails>;

export const objects: ModuleSchemas['objects'] = {
  VersionNumber,
  ModuleID,
  Version,
  Endpoint,
  VersionDetails,
};

export const patches: ModuleSchemas['patches'] = {};
