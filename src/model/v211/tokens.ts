import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ModuleSchemas } from '../catalog-types.ts';
import { DateTime, Enum, Many, Obj, Opt, PatchOf, Str } from '../primitives.ts';
import { DisplayText } from './common.ts';

/** Outcome of a real-time authorization. */
export const Allowed = Enum(['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED'] as const);
export type Allowed = Static<typeof Allowed>;

export const TokenType = Enum(['OTHER', 'RFID'] as const);
export type TokenType = Static<typeof TokenType>;

/** Whether the CPO may authorize the token from its own cache. */
export const WhitelistType = Enum(['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'] as const);
export type WhitelistType = Static<typeof WhitelistType>;

/** Location (and optionally EVSEs/connectors) a token is to be authorized for. */
export const LocationReferences = Obj({
  location_id: Str(39),
  evse_uids: Many(Str(39)),
  connector_ids: Many(Str(36)),
});
export type LocationReferences = Static<typeof LocationReferences>;

/** The eMSP's answer to a real-time authorization request. */
export const AuthorizationInfo = Obj({
  allowed: Allowed,
  location: Opt(LocationReferences),
  info: Opt(DisplayText),
});
export type AuthorizationInfo = Static<typeof AuthorizationInfo>;

/** A driver's token as the eMSP shares it (2.1.1 shape: auth_id, no country_code/party_id). */
export const Token = Obj({
  uid: Str(36),
  type: TokenType,
  auth_id: Str(36),
  visual_number: Opt(Str(64)),
  issuer: Str(64),
  valid: Type.Boolean(),
  whitelist: WhitelistType,
  language: Opt(Str(2)),
  last_updated: DateTime(),
});
export type Token = Static<typeof Token>;

export const objects: ModuleSchemas['objects'] = {
  Token,
  AuthorizationInfo,
  LocationReferences,
  Allowed,
  TokenType,
  WhitelistType,
};

/** 2.1.1 PATCH carries only the changed fields; `last_updated` is not required. */
export const patches: ModuleSchemas['patches'] = {
  Token: PatchOf(Token),
};
