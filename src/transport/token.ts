import { createHash, randomBytes } from 'node:crypto';

/** Versions that send the credentials token base64-encoded (2.2 and later). */
export type TokenEncoding = 'base64' | 'raw';

export function tokenEncodingFor(version: string): TokenEncoding {
  return version.startsWith('2.1') || version === '2.0' ? 'raw' : 'base64';
}

/**
 * A new credentials token: 192 random bits as 48 hex characters, within the spec's 64
 * printable ASCII, and safe to paste anywhere (never starts with '-', unlike base64url).
 */
export function generateToken(): string {
  return randomBytes(24).toString('hex');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function authorizationHeader(token: string, encoding: TokenEncoding): string {
  return `Token ${encoding === 'base64' ? Buffer.from(token, 'utf8').toString('base64') : token}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The candidate tokens in an Authorization header. Partners send the token raw or
 * base64-encoded whatever the version, so both readings are tried.
 */
export function tokenCandidates(header: string | undefined): string[] {
  if (!header) return [];
  const match = /^Token\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return [];
  const raw = match[1];
  if (raw.length % 4 !== 0 || !BASE64.test(raw)) return [raw];
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  // A decoded token must itself be printable ASCII to be a plausible credentials token.
  return /^[\x21-\x7e]+$/.test(decoded) && decoded !== raw ? [decoded, raw] : [raw];
}
