import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OcpiError } from '../transport/errors.ts';

/**
 * Charger passwords (OCPP security profile 1, HTTP Basic). OCPP asks for 16 to 40
 * characters of which the CSMS keeps only a hash. Like the partners' tokens
 * (transport/token.ts) they are hashed with SHA-256; a random salt per charger is added,
 * since an operator may choose the password and two chargers may share one. A slow hash
 * (scrypt) would cost every reconnecting charger tens of milliseconds of CPU, which a
 * thousand chargers coming back after an outage would pay at once; with at least 16
 * characters a fast salted hash is what OCPP asks for.
 */
export const MIN_PASSWORD_LENGTH = 16;
export const MAX_PASSWORD_LENGTH = 40;

/** A new password: 32 hex characters (128 random bits), within OCPP's 16 to 40. */
export function generatePassword(): string {
  return randomBytes(16).toString('hex');
}

/** Refuses a password OCPP would not allow (OCPI 2001 naming the field). */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)
    throw OcpiError.invalid(`password: ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
}

function digest(salt: string, password: Uint8Array): string {
  return createHash('sha256').update(salt).update(password).digest('hex');
}

/** `<salt>:<digest>`, what is stored. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16).toString('hex');
  return `${salt}:${digest(salt, Buffer.from(password, 'utf8'))}`;
}

/** Whether `password` (as the charger sent it: bytes) is the one `stored` was made of. */
export function passwordMatches(stored: string, password: Uint8Array): boolean {
  const [salt, expected] = stored.split(':');
  if (!salt || !expected) return false;
  const a = Buffer.from(digest(salt, password), 'hex');
  const b = Buffer.from(expected, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
