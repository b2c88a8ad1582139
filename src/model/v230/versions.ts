import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Obj, OpenEnum } from '../primitives.ts';
import * as V221 from '../v221/versions.ts';
import { extendValues } from './common.ts';

/** OCPI 2.3.0 version information and version details endpoints. */

/** Known OCPI version numbers; open in 2.3.0, which adds itself. */
export const VersionNumber = OpenEnum(extendValues(V221.VersionNumber, { '2.2.1': ['2.3.0'] }));
export type VersionNumber = Static<typeof VersionNumber>;

/**
 * Module identifiers, an OpenEnum in 2.3.0 with the same known values as 2.2.1 (where it is
 * already kept open). `payments` is used by the Payments chapter but missing from the table.
 */
export const ModuleID = V221.ModuleID;
export type ModuleID = V221.ModuleID;

export const InterfaceRole = V221.InterfaceRole;
export type InterfaceRole = V221.InterfaceRole;

/** A supported version and the URL of its details. */
export const Version = Obj({ ...V221.Version.properties, version: VersionNumber });
export type Version = Static<typeof Version>;

/** One module interface and its URL (same shape as 2.2.1). */
export const Endpoint = V221.Endpoint;
export type Endpoint = V221.Endpoint;

/** The endpoints offered for one version. */
export const VersionDetails = Obj({ ...V221.VersionDetails.properties, version: VersionNumber });
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
