import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, NonEmpty, Obj, Str, Url } from '../primitives.ts';
import { BusinessDetails, Role } from './common.ts';

/** OCPI 2.2.1 Credentials module. */

/** One role a platform plays, under one party id. */
export const CredentialsRole = Obj({
  role: Role,
  business_details: BusinessDetails,
  party_id: CiString(3),
  country_code: CiString(2),
});
export type CredentialsRole = Static<typeof CredentialsRole>;

/** Token, versions URL and roles exchanged at registration. */
export const Credentials = Obj({
  token: Str(64),
  url: Url(),
  roles: NonEmpty(CredentialsRole),
});
export type Credentials = Static<typeof Credentials>;

export const objects: ModuleSchemas['objects'] = { Credentials, CredentialsRole };

/** Credentials has no PATCH. */
export const patches: ModuleSchemas['patches'] = {};
