import { describe, expect, it } from 'vitest';
import { readRoutingHeaders, routingHeadersFor } from '../../src/transport/routing-headers.ts';

describe('OCPI routing headers', () => {
  it('reads from/to pairs case-insensitively into upper case', () => {
    expect(
      readRoutingHeaders({
        'ocpi-from-country-code': 'nl',
        'ocpi-from-party-id': 'abc',
        'ocpi-to-country-code': 'DE',
        'ocpi-to-party-id': 'Xyz',
      }),
    ).toEqual({ from: { countryCode: 'NL', partyId: 'ABC' }, to: { countryCode: 'DE', partyId: 'XYZ' } });
  });

  it('leaves out absent or half-given pairs (2.1.1 partners send none)', () => {
    expect(readRoutingHeaders({})).toEqual({});
    expect(readRoutingHeaders({ 'ocpi-from-country-code': 'NL' })).toEqual({});
    expect(readRoutingHeaders({ 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': '' })).toEqual({});
  });

  it('writes the headers of a request we send', () => {
    expect(
      routingHeadersFor({ countryCode: 'NL', partyId: 'CPO' }, { countryCode: 'DE', partyId: 'MSP' }),
    ).toEqual({
      'OCPI-from-country-code': 'NL',
      'OCPI-from-party-id': 'CPO',
      'OCPI-to-country-code': 'DE',
      'OCPI-to-party-id': 'MSP',
    });
  });
});
