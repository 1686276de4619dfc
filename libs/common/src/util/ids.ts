import { randomBytes } from 'node:crypto';

/** Type prefixes of API.md §1 (and a few internal ones). */
export type IdPrefix =
  | 'ten' | 'key' | 'plr' | 'trn' | 'jkp' | 'jny' | 'lbx' | 'btp' | 'bns' | 'seg' | 'cmp' | 'whk' | 'evt' | 'dlv'
  | 'req' | 'wgr' | 'led' | 'opn' | 'win' | 'dep' | 'jev' | 'exe' | 'rwd';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lowercase

/**
 * `<prefix>_` + 26 base32 characters: 48 bits of millisecond time then 80 random bits, so ids sort by
 * creation time (cursor pagination) and never collide across processes.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(10);
  let acc = 0;
  let bits = 0;
  for (const byte of rnd) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return `${prefix}_${out}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
