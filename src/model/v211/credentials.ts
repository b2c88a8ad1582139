import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Obj, Str, Url } from '../primitives.ts';
import { BusinessDetails } from './common.ts';

/** Token, versions URL and identity one party hands to the other during registration. */
export const Credentials = Obj({
  token: Str(64),
  url: Url(),
  business_details: BusinessDetails,
  party_id: Str(3),
  country_code: Str(2),
});
export type Credentials = Static<typeof Credentials>;

export const objects: ModuleSchemas['objects'] = { Credentials };

export const patches: ModuleSchemas['patches'] = {};
