import { isIP } from 'node:net';
import { OcpiError } from '../transport/errors.ts';
import { OcpiStatus } from '../transport/status-codes.ts';
import { type AddressPolicy, addressRefusal } from './address-policy.ts';

/**
 * What outbound URLs received from partners (versions URLs, response_url) may point at.
 * The default allows any host over http(s) but never cloud metadata / link-local
 * addresses, and never URLs with embedded credentials. The address rules are checked
 * twice: here on literal IPs, so a partner gets 2001 at once, and on every connection
 * (host names included, after DNS) by the HTTP client.
 */
export interface OutboundUrlPolicy extends AddressPolicy {
  /** Allow plain http (default true: many test and internal setups use it). */
  allowHttp?: boolean;
  /** If set, only these host names (exact, case-insensitive) are allowed. */
  allowedHosts?: string[];
}

const MAX_URL_LENGTH = 255;

/** Names that always mean this machine (RFC 6761), whatever DNS says. */
function isLocalhostName(host: string): boolean {
  const name = host.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
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
  // The URL parser has already turned every spelling of an IP (127.1, 0x7f000001, ...) into one.
  const host = url.hostname.toLowerCase();
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  const refusal = isIP(literal)
    ? addressRefusal(literal, policy)
    : !(policy.allowPrivateNetworks ?? true) && isLocalhostName(host)
      ? 'private network'
      : undefined;
  // The partner gave a URL it may not give (2001); the code is that of the connect-time refusal.
  const refused = { statusCode: OcpiStatus.INVALID_PARAMETERS };
  if (refusal)
    throw new OcpiError(
      'OCPI_ERR_ADDRESS_NOT_ALLOWED',
      `${field}: address not allowed (${refusal})`,
      refused,
    );
  if (policy.allowedHosts && !policy.allowedHosts.some((h) => h.toLowerCase() === host)) {
    throw new OcpiError('OCPI_ERR_ADDRESS_NOT_ALLOWED', `${field}: host ${host} is not allowed`, refused);
  }
  return url;
}
