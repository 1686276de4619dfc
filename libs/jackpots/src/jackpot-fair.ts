import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The provably fair outcomes of a jackpot cycle (documented in the README, re-implemented
 * independently by scripts/verify-jackpot-win.mjs). Each cycle has a secret seed (32 random bytes as
 * 64 lowercase hex characters); its commit, SHA-256 of those 64 characters, is public from the start
 * of the cycle, and the seed is revealed by the cycle's win.
 *
 * must_drop — the drop point, in millis, in [seed_amount + 1, must_drop_by]:
 *   R = must_drop_by − seed_amount
 *   block_n = HMAC-SHA256(key = seed, data = "drop_point" for n = 0, "drop_point:<n>" after)
 *   each block gives four 64-bit big-endian integers r; the first r below floor(2^64 / R) × R
 *   gives drop_point = seed_amount + 1 + (r mod R)        (rejection sampling: no modulo bias)
 *   The contribution that brings the pool to the drop point or beyond wins it.
 *
 * progressive — each contribution's roll:
 *   r = the first 8 bytes, big-endian, of HMAC-SHA256(key = seed, data = source_wager_id)
 *   it wins when r / 2^64 < hit_rate × bet_amount / 1000 (compared exactly, in integers)
 */

export const JACKPOT_ALGORITHM = 'hmac-sha256-64bit-v1';
const TWO_64 = 1n << 64n;
/** hit_rate is stored with 12 decimals */
export const HIT_RATE_DECIMALS = 12;
export const HIT_RATE_SCALE = 10n ** BigInt(HIT_RATE_DECIMALS);

export function newJackpotSeed(): string {
  return randomBytes(32).toString('hex');
}

export function jackpotSeedCommit(seed: string): string {
  return createHash('sha256').update(seed, 'utf8').digest('hex');
}

export function dropPoint(seed: string, seedAmount: bigint, mustDropBy: bigint): bigint {
  const range = mustDropBy - seedAmount;
  if (range < 1n) throw new RangeError('must_drop_by must exceed seed_amount');
  const limit = (TWO_64 / range) * range;
  for (let block = 0; block < 1_000; block++) {
    const digest = createHmac('sha256', seed).update(block === 0 ? 'drop_point' : `drop_point:${block}`).digest();
    for (let i = 0; i < 32; i += 8) {
      const r = digest.readBigUInt64BE(i);
      if (r < limit) return seedAmount + 1n + (r % range);
    }
  }
  throw new Error('no drop point in 1000 blocks');
}

/** The roll of a progressive contribution, as a 64-bit integer (r / 2^64 is uniform in [0, 1)). */
export function roll(seed: string, sourceWagerId: string): bigint {
  return createHmac('sha256', seed).update(sourceWagerId, 'utf8').digest().readBigUInt64BE(0);
}

/** r / 2^64 < hitRate × bet / 1000, with hitRate = hitRateScaled / 10^12: exact. A chance of 1 or more always wins. */
export function rollWins(r: bigint, hitRateScaled: bigint, betAmount: bigint): boolean {
  return r * 1000n * HIT_RATE_SCALE < hitRateScaled * betAmount * TWO_64;
}
