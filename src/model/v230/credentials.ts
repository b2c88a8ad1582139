import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, NonEmpty, Obj, Opt } from '../primitives.ts';
import * as V221 from '../v221/credentials.ts';
import { BusinessDetails, Role } from './common.ts';

/** OCPI 2.3.0 Credentials module: 2.2.1 plus `hub_party_id`, with the 2.3.0 Role and BusinessDetails. */

/** One role a platform plays, under one party id. */
export const CredentialsRole = Obj({
  ...V221.CredentialsRole.properties,
  role: Role,
  business_details: BusinessDetails,
});
export type CredentialsRole = Static<typeof CredentialsRole>;

/** Token, versions URL and roles exchanged at registration; a hub names itself in `hub_party_id`. */
export const Credentials = Obj({
  ...V221.Credentials.properties,
  hub_party_id: Opt(CiString(5)),
  roles: NonEmpty(CredentialsRole),
});
export type Credentials = Static<typeof Credentials>;

export const objects: ModuleSchemas['objects'] = { Credentials, CredentialsRole };

/** Credentials has no PATCH. */
export const patches: ModuleSchemas['patches'] = {};
