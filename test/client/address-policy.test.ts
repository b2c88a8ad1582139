import { describe, expect, it } from 'vitest';
import { isBlockedAddress } from '../../src/client/address-policy.ts';

// Only the pure decision: nothing here opens a socket.
const PRIVATE_OFF = { allowPrivateNetworks: false };

describe('which addresses the outbound policy refuses', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '169.254.255.255',
    '2852039166', // 169.254.169.254 as one number
    '0xa9fea9fe',
    '169.254.43518',
    '[::ffff:169.254.169.254]',
    '::ffff:a9fe:a9fe',
    '::169.254.169.254', // IPv4-compatible
    '::a9fe:a9fe',
    '::ffff:0:169.254.169.254', // IPv4-translated
    '64:ff9b::169.254.169.254', // NAT64
    'fe80::',
    'fe80::1',
    'FE80::1',
    'fe80::1%eth0',
    'fe9a::1',
    'fea0:1:2:3::4',
    'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    'fd00:ec2::254', // AWS metadata over IPv6
    '100.100.100.200', // Alibaba Cloud metadata
  ])('%s always (link-local, cloud metadata)', (address) => {
    expect(isBlockedAddress(address, {})).toBe(true);
    expect(isBlockedAddress(address, PRIVATE_OFF)).toBe(true);
  });

  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '127.1',
    '2130706433',
    '0x7f000001',
    '017700000001',
    '::1',
    '[::1]',
    '0.0.0.0',
    '0.1.2.3',
    '::',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '192.168.255.255',
    '100.64.0.1',
    '100.127.255.255',
    'fc00::1',
    'fd12:3456::1',
    'fec0::1',
    '::ffff:127.0.0.1',
    '[::ffff:7f00:1]',
    '::127.0.0.1',
    '::7f00:1',
    '::ffff:10.0.0.1',
    '::10.0.0.1',
    '::ffff:172.16.0.1',
    '::ffff:192.168.1.1',
    '::ffff:100.64.0.1',
    '::ffff:0.0.0.0',
    '64:ff9b::10.0.0.1',
    '::2', // IPv4-compatible 0.0.0.2
  ])('%s with private networks off, not by default', (address) => {
    expect(isBlockedAddress(address, PRIVATE_OFF)).toBe(true);
    expect(isBlockedAddress(address, {})).toBe(false);
    expect(isBlockedAddress(address, { allowPrivateNetworks: true })).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '11.0.0.1',
    '9.255.255.255',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '1.0.0.0',
    '2001:db8::1',
    '2606:4700:4700::1111',
    '[2a00:1450::1]',
    'fbff::1',
    'fe00::1',
    'fe7f::1',
    '::ffff:8.8.8.8',
    '::8.8.8.8',
    '64:ff9b::8.8.8.8',
  ])('%s never', (address) => {
    expect(isBlockedAddress(address, {})).toBe(false);
    expect(isBlockedAddress(address, PRIVATE_OFF)).toBe(false);
  });

  it.each(['example.com', 'localhost', '', 'not an address', '1.2.3.4.5', '::g'])(
    '%j is not an address and is refused',
    (text) => {
      expect(isBlockedAddress(text, {})).toBe(true);
    },
  );
});
