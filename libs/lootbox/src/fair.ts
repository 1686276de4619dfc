import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The provably fair draw of a lootbox open (documented in the README, re-implemented independently by
 * scripts/verify-lootbox-open.mjs):
 *
 *   message = "<lootbox id>:<idempotency key>"
 *   block_0 = HMAC-SHA256(key = server seed, as its 64 hex characters, data = message)
 *   block_n = HMAC-SHA256(key = server seed, data = message + ":" + n)      (only if ever needed)
 *   Each block gives five 48-bit big-endian integers r (bytes 0–5, 6–11, …, 24–29). With W the total
 *   weight, the first r below floor(2^48 / W) × W gives ticket = r mod W (rejection sampling: no
 *   modulo bias). The prize is the first entry whose cumulative weight exceeds the ticket.
 *
 * The seed's commit, SHA-256 of those 64 characters in lowercase hex, is public before the seed is used;
 * the seed is revealed when it is rotated. The same key always yields the same prize.
 */

export const FAIR_ALGORITHM = 'hmac-sha256-48bit-rejection-v1';
const CHUNK_BITS = 48n;
const CHUNK_RANGE = 1n << CHUNK_BITS;

export function newServerSeed(): string {
  return randomBytes(32).toString('hex');
}

export function seedCommit(seed: string): string {
  return createHash('sha256').update(seed, 'utf8').digest('hex');
}

export interface Draw {
  message: string;
  /** hex of the block the ticket came from */
  hmac: string;
  /** which block: 0 almost always */
  block: number;
  ticket: bigint;
  index: number;
}

/** The ticket in [0, totalWeight) for this seed and message, without modulo bias. */
export function drawTicket(seed: string, message: string, totalWeight: bigint): { ticket: bigint; hmac: string; block: number } {
  if (totalWeight < 1n || totalWeight >= CHUNK_RANGE) throw new RangeError('total weight out of range');
  const limit = (CHUNK_RANGE / totalWeight) * totalWeight;
  for (let block = 0; block < 1_000; block++) {
    const digest = createHmac('sha256', seed).update(block === 0 ? message : `${message}:${block}`).digest();
    for (let i = 0; i + 6 <= 30; i += 6) {
      const r = BigInt(`0x${digest.subarray(i, i + 6).toString('hex')}`);
      if (r < limit) return { ticket: r % totalWeight, hmac: digest.toString('hex'), block };
    }
  }
  throw new Error('no ticket in 1000 blocks: the weights are degenerate');
}

/** The index of the entry whose cumulative weight first exceeds the ticket. */
export function pickIndex(weights: readonly bigint[], ticket: bigint): number {
  let cumulative = 0n;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i];
    if (ticket < cumulative) return i;
  }
  throw new RangeError('ticket beyond the total weight');
}

export function draw(seed: string, lootboxId: string, key: string, weights: readonly bigint[]): Draw {
  const message = `${lootboxId}:${key}`;
  const total = weights.reduce((a, b) => a + b, 0n);
  const { ticket, hmac, block } = drawTicket(seed, message, total);
  return { message, hmac, block, ticket, index: pickIndex(weights, ticket) };
}

/** EV as an exact fraction (numerator / denominator, millis) and rounded to 4 decimals. */
export interface ExpectedValue {
  numerator: bigint;
  denominator: bigint;
  /** millis, rounded half up to 4 decimals, exactly as text ("2500.0500") */
  text: string;
  /** `text` as a number (exact for every EV a box can have: at most 2^53 − 1 millis) */
  rounded: number;
}

/** `values` are in 1/`scale` millis (1: millis). */
export function expectedValue(weights: readonly bigint[], values: readonly bigint[], scale = 1n): ExpectedValue {
  const denominator = weights.reduce((a, b) => a + b, 0n) * scale;
  const numerator = weights.reduce((sum, w, i) => sum + w * values[i], 0n);
  const scaled = (numerator * 10_000n * 2n + denominator) / (2n * denominator); // half up
  // Number(scaled) / 10_000 would lose the last digits near 2^53: the text is built from integers.
  const text = `${scaled / 10_000n}.${String(scaled % 10_000n).padStart(4, '0')}`;
  return { numerator, denominator, text, rounded: Number(text) };
}

/** |EV − target| ≤ 1% of target, exactly (no float). */
export function withinOnePercent(ev: ExpectedValue, target: bigint): boolean {
  const diff = ev.numerator - target * ev.denominator;
  const abs = diff < 0n ? -diff : diff;
  return abs * 100n <= target * ev.denominator;
}
