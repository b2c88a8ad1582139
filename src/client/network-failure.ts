import { errorCode } from '../transport/errors.ts';
import { AddressNotAllowedError } from './guarded-connector.ts';

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNRESET: 'connection closed by the partner',
  EPIPE: 'connection closed by the partner',
  UND_ERR_SOCKET: 'connection closed by the partner',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'host unreachable',
};

/**
 * Why a call failed below HTTP, in words fit for a partner: never the resolved address or
 * other socket details (those stay in the error's cause, for our own logs).
 */
export function describeNetworkFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof AddressNotAllowedError) return 'address not allowed';
  if (!(err instanceof Error)) return 'network error';
  const code = errorCode(err);
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || (code && TIMEOUTS.has(code)))
    return `timed out after ${timeoutMs} ms`;
  if (code === undefined) return 'network error';
  const known = BY_CODE[code];
  if (known) return known;
  return /CERT|TLS|SSL/.test(code) ? `TLS failed (${code})` : `network error (${code})`;
}
