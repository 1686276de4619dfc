import { isIP } from 'node:net';

/**
 * The SSRF guard's address check. Webhooks may not reach loopback, private, link-local, carrier-grade
 * NAT, multicast, reserved or cloud-metadata addresses (169.254.169.254, 100.100.100.200,
 * fd00:ec2::254 all fall in those ranges), also when they hide inside an IPv6 address (IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4). Anything that does not parse is refused: the check fails closed.
 */

interface Range {
  bits: 32 | 128;
  base: bigint;
  prefix: number;
}

function v4(text: string): bigint {
  return text.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6(text: string): bigint {
  let addr = text.split('%')[0];
  let tail: bigint[] = [];
  const lastColon = addr.lastIndexOf(':');
  if (addr.slice(lastColon + 1).includes('.')) {
    // a trailing dotted IPv4 (::ffff:1.2.3.4) is the last two groups
    const n = v4(addr.slice(lastColon + 1));
    tail = [n >> 16n, n & 0xffffn];
    addr = addr.slice(0, lastColon + 1);
    if (!addr.endsWith('::')) addr = addr.slice(0, -1);
  }
  const [head, rest] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':').map((x) => BigInt(parseInt(x, 16))) : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':').map((x) => BigInt(parseInt(x, 16))) : [];
  const missing = 8 - h.length - r.length - tail.length;
  const groups = rest !== undefined ? [...h, ...Array<bigint>(missing).fill(0n), ...r, ...tail] : [...h, ...tail];
  if (groups.length !== 8) throw new Error(`bad IPv6 ${text}`);
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

const range4 = (cidr: string): Range => {
  const [a, p] = cidr.split('/');
  return { bits: 32, base: v4(a), prefix: Number(p) };
};
const range6 = (cidr: string): Range => {
  const [a, p] = cidr.split('/');
  return { bits: 128, base: v6(a), prefix: Number(p) };
};

const FORBIDDEN_V4 = [
  '0.0.0.0/8', // "this" network
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT (and Alibaba's metadata 100.100.100.200)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local (and the AWS/GCP/Azure metadata 169.254.169.254)
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // documentation
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // documentation
  '203.0.113.0/24', // documentation
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, broadcast
].map(range4);

const FORBIDDEN_V6 = [
  '::/128', // unspecified
  '::1/128', // loopback
  '100::/64', // discard
  '2001::/23', // IETF protocol assignments (Teredo, ORCHID, …)
  '2001:db8::/32', // documentation
  'fc00::/7', // unique local (and AWS's metadata fd00:ec2::254)
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
].map(range6);

/** IPv6 prefixes that carry an IPv4 address, and where it sits. */
const EMBEDDING_V6: Array<{ range: Range; shift: bigint }> = [
  { range: range6('::ffff:0:0/96'), shift: 0n }, // IPv4-mapped
  { range: range6('::/96'), shift: 0n }, // IPv4-compatible (deprecated)
  { range: range6('64:ff9b::/96'), shift: 0n }, // NAT64
  { range: range6('64:ff9b:1::/48'), shift: 0n }, // local-use NAT64
  { range: range6('2002::/16'), shift: 80n }, // 6to4
];

function inRange(n: bigint, r: Range): boolean {
  const host = BigInt(r.bits - r.prefix);
  return n >> host === r.base >> host;
}

function forbiddenV4(n: bigint): boolean {
  return FORBIDDEN_V4.some((r) => inRange(n, r));
}

export function isForbiddenAddress(address: string): boolean {
  try {
    const family = isIP(address.split('%')[0]);
    if (family === 4) return forbiddenV4(v4(address));
    if (family !== 6) return true;
    const n = v6(address);
    if (FORBIDDEN_V6.some((r) => inRange(n, r))) return true;
    for (const { range, shift } of EMBEDDING_V6) {
      if (inRange(n, range)) return forbiddenV4((n >> shift) & 0xffffffffn);
    }
    return false;
  } catch {
    return true;
  }
}

/**
 * A URL's host that is refused before any lookup: a forbidden IP literal, or localhost. (Other names
 * are checked after DNS resolution, on the address actually connected to.)
 */
export function isForbiddenHostLiteral(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && isForbiddenAddress(host);
}
