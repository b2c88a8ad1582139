import { describe, expect, it } from 'vitest';
import { checkOutboundUrl } from '../../src/client/url-guard.ts';
import { OcpiError } from '../../src/transport/errors.ts';

function refusal(url: string, policy = {}): string {
  try {
    checkOutboundUrl(url, 'url', policy);
  } catch (err) {
    expect(err).toBeInstanceOf(OcpiError);
    expect((err as OcpiError).statusCode).toBe(2001);
    return (err as OcpiError).message;
  }
  throw new Error(`${url} was accepted`);
}

describe('outbound URL guard', () => {
  it('accepts http(s) URLs', () => {
    expect(checkOutboundUrl('https://ocpi.example.com/versions', 'url').hostname).toBe('ocpi.example.com');
    expect(checkOutboundUrl('http://127.0.0.1:3000/ocpi/versions', 'url').port).toBe('3000');
  });

  it.each([
    ['ftp://example.com/versions', /scheme ftp/],
    ['file:///etc/passwd', /scheme file/],
    ['javascript:alert(1)', /scheme javascript/],
    ['not a url', /not a valid URL/],
    ['https://user:pw@example.com/', /credentials/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    [`https://example.com/${'a'.repeat(260)}`, /longer than 255/],
  ])('refuses %s', (url, reason) => {
    expect(refusal(url)).toMatch(reason);
  });

  it('applies the policy', () => {
    expect(refusal('http://example.com/', { allowHttp: false })).toMatch(/scheme http/);
    expect(refusal('http://10.0.0.1/', { allowPrivateNetworks: false })).toMatch(/private/);
    expect(refusal('http://localhost/', { allowPrivateNetworks: false })).toMatch(/private/);
    expect(refusal('https://evil.example/', { allowedHosts: ['good.example'] })).toMatch(/not allowed/);
    expect(
      checkOutboundUrl('https://GOOD.example/', 'url', { allowedHosts: ['good.example'] }).hostname,
    ).toBe('good.example');
  });
});
