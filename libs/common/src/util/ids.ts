import { randomBytes } from 'node:crypto';

/** Type prefixes of API.md §1 (and a few internal ones). */
export type IdPrefix =
  | 'ten' | 'key' | 'plr' | 'trn' | 'jkp' | 'jny' | 'lbx' | 'btp' | 'bns' | 'seg' | 'cmp' | 'whk' | 'evt' | 'dlv'
  | 'req' | 'wgr' | 'led' | 'opn' | 'sed' | 'win' | 'dep' | 'jev' | 'jpr' | 'exe' | 'rwd';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lowercase

const RANDOM_MAX = (1n << 80n) - 1n;
let lastTime = 0;
let lastRandom = 0n;

/**
 * `<prefix>_` + 26 base32 characters: 48 bits of millisecond time then 80 random bits, so ids sort by
 * creation time (cursor pagination) and never collide across processes. Within one process they are
 * strictly increasing (as ULIDs are): in the same millisecond, the random part counts up.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = Math.max(now, lastTime);
  let random: bigint;
  if (time === lastTime && lastRandom < RANDOM_MAX) {
    random = lastRandom + 1n;
  } else {
    if (time === lastTime) time += 1;
    random = BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n; // leave room to count up
  }
  lastTime = time;
  lastRandom = random;
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  let r = '';
  for (let i = 0; i < 16; i++) {
    r = ALPHABET[Number(random & 31n)] + r;
    random >>= 5n;
  }
  return `${prefix}_${out}${r}`;
}

/**
 * A new id that sorts after `after` (an id of the same prefix), for rows whose order must follow the
 * order a lock granted them rather than each process's clock: `newId` when it already sorts after,
 * otherwise `after` plus a random step of up to 2^64. Not `after` + 1: the process that made `after`
 * counts up from it for its next ids in the same millisecond, and the step lands clear of them.
 */
export function newIdAfter(prefix: IdPrefix, after: string | null, now = Date.now()): string {
  const id = newId(prefix, now);
  if (after === null || id > after) return id;
  if (!hasPrefix(after, prefix)) throw new Error(`newIdAfter: ${after} is not a ${prefix} id`);
  let value = 0n;
  for (const c of after.slice(prefix.length + 1)) value = value * 32n + BigInt(ALPHABET.indexOf(c));
  value += 1n + BigInt(`0x${randomBytes(8).toString('hex')}`);
  if (value >> 130n !== 0n) throw new Error(`newIdAfter: no id after ${after}`);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return `${prefix}_${out}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
