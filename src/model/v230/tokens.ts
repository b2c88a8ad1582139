import type { Static } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { Obj, PatchOf } from '../primitives.ts';
import * as V221 from '../v221/tokens.ts';
import { TokenType } from './common.ts';

/**
 * OCPI 2.3.0 Tokens module: as 2.2.1, but TokenType is open and knows EMAID. TokenType lives in
 * common.ts (shared) and is re-exported.
 */
export { TokenType };

export const AllowedType = V221.AllowedType;
export type AllowedType = V221.AllowedType;
export const WhitelistType = V221.WhitelistType;
export type WhitelistType = V221.WhitelistType;
export const EnergyContract = V221.EnergyContract;
export type EnergyContract = V221.EnergyContract;
export const LocationReferences = V221.LocationReferences;
export type LocationReferences = V221.LocationReferences;

/** A charging token issued by an eMSP. */
export const Token = Obj({ ...V221.Token.properties, type: TokenType });
export type Token = Static<typeof Token>;

/** The eMSP's answer to a real-time authorization request. */
export const AuthorizationInfo = Obj({ ...V221.AuthorizationInfo.properties, token: Token });
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
