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

  it.each([
    'http://[::ffff:169.254.169.254]/latest/meta-data',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::169.254.169.254]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://2852039166/',
    'http://0xa9fea9fe/',
    'http://169.254.43518/',
    'http://[fe80::1]/',
    'http://[fe90::1]/',
    'http://[febf::1]/',
    'http://[fd00:ec2::254]/',
  ])('refuses %s by default: link-local however it is written', (url) => {
    expect(refusal(url)).toBe('url: address not allowed (link-local)');
  });

  it.each([
    'http://[::ffff:127.0.0.1]:3000/',
    'http://[::ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::ffff:192.168.0.1]/',
    'http://[::1]/',
    'http://[::]/',
    'http://0.0.0.0/',
    'http://100.64.1.1/',
    'http://172.20.0.1/',
    'http://[fd12::1]/',
    'http://017700000001/',
    'http://LOCALHOST/',
    'http://localhost./',
    'http://api.localhost/',
  ])('refuses %s with private networks off, accepts it by default', (url) => {
    expect(refusal(url, { allowPrivateNetworks: false })).toBe('url: address not allowed (private network)');
    expect(() => checkOutboundUrl(url, 'url')).not.toThrow();
  });

  it('leaves host names to the connection check, which sees what they resolve to', () => {
    expect(checkOutboundUrl('https://partner.test/v', 'url', { allowPrivateNetworks: false }).hostname).toBe(
      'partner.test',
    );
    expect(checkOutboundUrl('https://[2001:db8::1]/v', 'url', { allowPrivateNetworks: false }).hostname).toBe(
      '[2001:db8::1]',
    );
  });
});
