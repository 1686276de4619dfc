import { randomBytes } from 'node:crypto';

/** Type prefixes of API.md §1 (and a few internal ones). */
export type IdPrefix =
  | 'ten' | 'key' | 'plr' | 'trn' | 'jkp' | 'jny' | 'lbx' | 'btp' | 'bns' | 'seg' | 'cmp' | 'whk' | 'evt' | 'dlv'
  | 'req' | 'wgr' | 'led' | 'opn' | 'sed' | 'win' | 'dep' | 'jev' | 'jpr' | 'exe' | 'rwd';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lowercase

/** The 80 random bits as two 40-bit halves in plain numbers (exact below 2^53): no BigInt per id. */
const HALF = 2 ** 40;
let lastTime = 0;
let lastHi = 0;
let lastLo = 0;

/**
 * `<prefix>_` + 26 base32 characters: 48 bits of millisecond time then 80 random bits, so ids sort by
 * creation time (cursor pagination) and never collide across processes. Within one process they are
 * strictly increasing (as ULIDs are): in the same millisecond, the random part counts up.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = Math.max(now, lastTime);
  let hi: number;
  let lo: number;
  if (time === lastTime && !(lastHi === HALF - 1 && lastLo === HALF - 1)) {
    hi = lastHi;
    lo = lastLo + 1;
    if (lo === HALF) {
      lo = 0;
      hi += 1;
    }
  } else {
    if (time === lastTime) time += 1;
    const bytes = randomBytes(10);
    hi = Math.floor(bytes.readUIntBE(0, 5) / 2); // leave room to count up
    lo = bytes.readUIntBE(5, 5);
  }
  lastTime = time;
  lastHi = hi;
  lastLo = lo;
  return `${prefix}_${base32(time, 10)}${base32(hi, 8)}${base32(lo, 8)}`;
}

/** Every 10-bit value as its two base32 characters. */
const PAIRS = Array.from({ length: 1024 }, (_, v) => ALPHABET[v >> 5] + ALPHABET[v & 31]);

/** `value` (a non-negative integer below 2^53) as `length` (even) base32 characters, most significant first. */
function base32(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 2) {
    out = PAIRS[value % 1024] + out;
    value = Math.floor(value / 1024);
  }
  return out;
}

/** For tests: where the counter of this millisecond stands. */
export function setIdCounterForTest(time: number, hi: number, lo: number): void {
  lastTime = time;
  lastHi = hi;
  lastLo = lo;
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
