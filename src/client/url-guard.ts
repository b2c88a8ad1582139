import { isIP } from 'node:net';
import { OcpiError } from '../transport/errors.ts';

/**
 * What outbound URLs received from partners (versions URLs, response_url) may point at.
 * The default allows any host over http(s) but never cloud metadata / link-local
 * addresses, and never URLs with embedded credentials.
 */
export interface OutboundUrlPolicy {
  /** Allow plain http (default true: many test and internal setups use it). */
  allowHttp?: boolean;
  /** Allow loopback and private-range literal IPs and `localhost` (default true). */
  allowPrivateNetworks?: boolean;
  /** If set, only these host names (exact, case-insensitive) are allowed. */
  allowedHosts?: string[];
}

const MAX_URL_LENGTH = 255;

function isLinkLocal(host: string): boolean {
  return /^169\.254\./.test(host) || /^\[?fe80:/i.test(host);
}

function isPrivate(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) {
    return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.)/.test(h);
  }
  if (isIP(h) === 6) return h === '::1' || /^f[cd]/i.test(h);
  return false;
}

/** Throws OCPI 2001 when a partner-supplied URL may not be called. Returns the parsed URL. */
export function checkOutboundUrl(value: string, field: string, policy: OutboundUrlPolicy = {}): URL {
  if (value.length > MAX_URL_LENGTH)
    throw OcpiError.invalid(`${field}: URL longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw OcpiError.invalid(`${field}: not a valid URL`);
  }
  const allowHttp = policy.allowHttp ?? true;
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw OcpiError.invalid(`${field}: scheme ${url.protocol.replace(':', '')} is not allowed`);
  }
  if (url.username || url.password)
    throw OcpiError.invalid(`${field}: URLs with credentials are not allowed`);
  const host = url.hostname.toLowerCase();
  if (isLinkLocal(host)) throw OcpiError.invalid(`${field}: link-local addresses are not allowed`);
  if (!(policy.allowPrivateNetworks ?? true) && isPrivate(host)) {
    throw OcpiError.invalid(`${field}: private network addresses are not allowed`);
  }
  if (policy.allowedHosts && !policy.allowedHosts.some((h) => h.toLowerCase() === host)) {
    throw OcpiError.invalid(`${field}: host ${host} is not allowed`);
  }
  return url;
}
