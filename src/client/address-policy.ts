import { BlockList, isIP } from 'node:net';

/** Which network addresses outbound calls may reach. */
export interface AddressPolicy {
  /**
   * Allow loopback, private (RFC 1918, fc00::/7), CGNAT (100.64.0.0/10) and "this network"
   * addresses, and `localhost` (default true). Link-local addresses are never allowed.
   */
  allowPrivateNetworks?: boolean;
}

/** Why an address is refused. */
export type AddressRefusal = 'link-local' | 'private network' | 'not an address';

function blockList(v4: Array<[string, number]>, v6: Array<[string, number]>): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/** Refused under every policy: link-local, where clouds serve instance metadata. */
const ALWAYS = blockList(
  [
    ['169.254.0.0', 16],
    ['100.100.100.200', 32], // Alibaba Cloud metadata (inside CGNAT, refused even when that is allowed)
  ],
  [
    ['fe80::', 10],
    ['fd00:ec2::254', 128], // AWS metadata over IPv6 (inside fc00::/7)
  ],
);

/** Refused when private networks are not allowed. */
const PRIVATE = blockList(
  [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ],
  [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fec0::', 10], // deprecated site-local, still routed by some networks
  ],
);

/**
 * The address in canonical form: the WHATWG URL host parser reads every way of writing an
 * IP (`127.1`, `2130706433`, `0x7f000001`, `[::ffff:127.0.0.1]`) and prints one.
 */
function canonical(address: string): { family: 4 | 6; text: string } | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // brackets, IPv6 zone
  let host: string;
  try {
    host = new URL(`http://${isIP(bare) === 6 ? `[${bare}]` : bare}/`).hostname;
  } catch {
    return undefined;
  }
  if (isIP(host) === 4) return { family: 4, text: host };
  const v6 = host.replace(/^\[(.*)\]$/, '$1');
  return isIP(v6) === 6 ? { family: 6, text: v6 } : undefined;
}

/** The 8 groups of a canonical (compressed, all-hex) IPv6 address. */
function groups(v6: string): number[] {
  const [head = '', tail] = v6.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** IPv6 prefixes (first 6 groups) whose last 32 bits are an IPv4 address that gets reached. */
const IPV4_CARRIERS = [
  [0, 0, 0, 0, 0, 0xffff], // IPv4-mapped ::ffff:0:0/96
  [0, 0, 0, 0, 0, 0], // IPv4-compatible ::/96 (deprecated; also :: and ::1)
  [0, 0, 0, 0, 0xffff, 0], // IPv4-translated ::ffff:0:0:0/96
  [0x64, 0xff9b, 0, 0, 0, 0], // NAT64 64:ff9b::/96
];

function embeddedIpv4(v6: string): string | undefined {
  const g = groups(v6);
  if (!IPV4_CARRIERS.some((prefix) => prefix.every((value, i) => g[i] === value))) return undefined;
  const [hi = 0, lo = 0] = g.slice(6);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * Why `address` (an IP, however written) may not be called under `policy`, or undefined
 * when it may. IPv6 forms that carry an IPv4 address are judged by that IPv4 address.
 * Anything that is not an IP address is refused.
 */
export function addressRefusal(address: string, policy: AddressPolicy): AddressRefusal | undefined {
  const ip = canonical(address);
  if (!ip) return 'not an address';
  const v4 = ip.family === 4 ? ip.text : embeddedIpv4(ip.text);
  const [text, family] = v4 === undefined ? [ip.text, 'ipv6' as const] : [v4, 'ipv4' as const];
  if (ALWAYS.check(text, family)) return 'link-local';
  if (!(policy.allowPrivateNetworks ?? true) && PRIVATE.check(text, family)) return 'private network';
  return undefined;
}

/** Whether `address` may not be called under `policy`. */
export function isBlockedAddress(address: string, policy: AddressPolicy): boolean {
  return addressRefusal(address, policy) !== undefined;
}
