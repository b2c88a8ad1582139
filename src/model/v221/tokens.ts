import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { CiString, DateTime, Enum, Many, Obj, Opt, PatchOf, Str } from '../primitives.ts';
import { DisplayText, ProfileType, TokenType } from './common.ts';

/** OCPI 2.2.1 Tokens module (mod_tokens). TokenType lives in common.ts (shared) and is re-exported. */
export { TokenType };

/** Outcome of a real-time authorization. */
export const AllowedType = Enum(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'] as const);
export type AllowedType = Static<typeof AllowedType>;

/** When the CPO may authorize a token locally instead of asking the eMSP. */
export const WhitelistType = Enum(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'] as const);
export type WhitelistType = Static<typeof WhitelistType>;

/** The driver's own energy supplier and contract. */
export const EnergyContract = Obj({
  supplier_name: Str(64),
  contract_id: Opt(Str(64)),
});
export type EnergyContract = Static<typeof EnergyContract>;

/** A location and optionally some of its EVSEs, to authorize against. */
export const LocationReferences = Obj({
  location_id: CiString(36),
  evse_uids: Many(CiString(36)),
});
export type LocationReferences = Static<typeof LocationReferences>;

/** A charging token issued by an eMSP. */
export const Token = Obj({
  country_code: CiString(2),
  party_id: CiString(3),
  uid: CiString(36),
  type: TokenType,
  contract_id: CiString(36),
  visual_number: Opt(Str(64)),
  issuer: Str(64),
  group_id: Opt(CiString(36)),
  valid: Type.Boolean(),
  whitelist: WhitelistType,
  language: Opt(Str(2)),
  default_profile_type: Opt(ProfileType),
  energy_contract: Opt(EnergyContract),
  last_updated: DateTime(),
});
export type Token = Static<typeof Token>;

/** The eMSP's answer to a real-time authorization request. */
export const AuthorizationInfo = Obj({
  allowed: AllowedType,
  token: Token,
  location: Opt(LocationReferences),
  authorization_reference: Opt(CiString(36)),
  info: Opt(DisplayText),
});
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;

export const objects: ModuleSchemas['objects'] = {
  AuthorizationInfo,
  Token,
  AllowedType,
  EnergyContract,
  LocationReferences,
  TokenType,
  WhitelistType,
};

/** The CPO's Receiver interface accepts PATCH on a Token (`last_updated` required). */
export const patches: ModuleSchemas['patches'] = {
  Token: PatchOf(Token, ['last_updated']),
};
