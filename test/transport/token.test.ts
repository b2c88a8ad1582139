import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  generateToken,
  hashToken,
  tokenCandidates,
  tokenEncodingFor,
} from '../../src/transport/token.ts';

describe('credentials tokens', () => {
  it('sends base64 to 2.2+ partners and raw to 2.1.1 partners', () => {
    expect(tokenEncodingFor('2.1.1')).toBe('raw');
    expect(tokenEncodingFor('2.2.1')).toBe('base64');
    expect(tokenEncodingFor('2.3.0')).toBe('base64');
    expect(authorizationHeader('abc-123', 'raw')).toBe('Token abc-123');
    expect(authorizationHeader('abc-123', 'base64')).toBe(
      `Token ${Buffer.from('abc-123').toString('base64')}`,
    );
  });

  it('reads a header both raw and base64-decoded', () => {
    const token = generateToken();
    expect(tokenCandidates(authorizationHeader(token, 'raw'))).toContain(token);
    expect(tokenCandidates(authorizationHeader(token, 'base64'))[0]).toBe(token);
    expect(tokenCandidates('token   plain-token ')).toEqual(['plain-token']);
  });

  it('finds nothing in missing or malformed headers', () => {
    expect(tokenCandidates(undefined)).toEqual([]);
    expect(tokenCandidates('Bearer abc')).toEqual([]);
    expect(tokenCandidates('Token')).toEqual([]);
    expect(tokenCandidates('Token a b')).toEqual([]);
  });

  it('generates distinct printable tokens within 64 characters and hashes them', () => {
    const a = generateToken();
    expect(a).toMatch(/^[\x21-\x7e]{1,64}$/);
    expect(generateToken()).not.toBe(a);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a);
  });
});
