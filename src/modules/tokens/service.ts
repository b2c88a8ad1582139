import { randomUUID } from 'node:crypto';
import type { CanonicalObject } from '../objects/service.ts';

/** What a real-time authorization decides (AuthorizationInfo without the token). */
export interface AuthorizationDecision {
  allowed: 'ALLOWED' | 'BLOCKED' | 'EXPIRED' | 'NO_CREDIT' | 'NOT_ALLOWED';
  authorizationReference?: string;
  info?: { language: string; text: string };
}

/**
 * Decides a real-time authorization (eMSP side). The default allows valid tokens and
 * blocks invalid ones; a user plugs in credit checks, contracts etc. here.
 */
export type TokenAuthorizer = (
  token: CanonicalObject,
  location: CanonicalObject | undefined,
) => Promise<AuthorizationDecision> | AuthorizationDecision;

export const defaultAuthorizer: TokenAuthorizer = (token) =>
  token.valid === false
    ? { allowed: 'BLOCKED' }
    : { allowed: 'ALLOWED', authorizationReference: randomUUID().replace(/-/g, '').slice(0, 36) };
