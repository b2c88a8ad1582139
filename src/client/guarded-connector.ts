import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { OcpiError } from '../transport/errors.ts';
import { type AddressPolicy, isBlockedAddress } from './address-policy.ts';

/**
 * A connection refused by the address policy before any socket was opened. Its message
 * names the address for the operator's logs; what partners see says only "address not allowed".
 */
export class AddressNotAllowedError extends OcpiError {
  constructor(readonly address: string) {
    super(
      'OCPI_ERR_ADDRESS_NOT_ALLOWED',
      `address ${address || '(none)'} not allowed by the outbound URL policy`,
    );
    this.name = 'AddressNotAllowedError';
  }
}

const systemLookup: LookupFunction = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A DNS lookup that fails when any address of the answer is refused by `policy`, so a name
 * that resolves (or re-resolves: DNS rebinding) to a forbidden address is never connected to.
 */
export function guardedLookup(policy: AddressPolicy, lookup: LookupFunction = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) {
        callback(err, address, family);
        return;
      }
      const answers: LookupAddress[] = Array.isArray(address) ? address : [{ address, family: family ?? 0 }];
      const refused =
        answers.length === 0 ? '' : answers.find((a) => isBlockedAddress(a.address, policy))?.address;
      if (refused !== undefined) {
        callback(new AddressNotAllowedError(refused), options.all ? [] : '');
        return;
      }
      callback(null, address, family);
    });
  };
}

export interface GuardedConnectorOptions {
  /** Connect timeout in milliseconds. */
  timeout: number;
  /** Resolves host names (default: dns.lookup). */
  lookup?: LookupFunction;
}

/**
 * An undici connector that checks the address of every new connection against `policy`:
 * literal IPs before connecting, host names through the guarded lookup. It is the last word,
 * whatever URL checks ran before (an endpoint stored under an older policy is refused too).
 */
export function guardedConnector(
  policy: AddressPolicy,
  options: GuardedConnectorOptions,
): buildConnector.connector {
  const connect = buildConnector({ timeout: options.timeout, lookup: guardedLookup(policy, options.lookup) });
  return (connectOptions, callback) => {
    const { hostname } = connectOptions;
    if (isIP(hostname) && isBlockedAddress(hostname, policy)) {
      callback(new AddressNotAllowedError(hostname), null);
      return;
    }
    connect(connectOptions, callback);
  };
}
