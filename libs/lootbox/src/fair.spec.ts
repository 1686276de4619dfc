import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { draw, drawTicket, expectedValue, pickIndex, seedCommit, withinOnePercent } from './fair.js';

const SEED = 'a3f8c2d1e4b5a6978812f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f';

describe('the draw', () => {
  it('is the documented function of the seed and the message', () => {
    const d = draw(SEED, 'lbx_1', 'daily-lb-2025-05-19-plr_1', [50n, 30n, 20n]);
    const hmac = createHmac('sha256', SEED).update('lbx_1:daily-lb-2025-05-19-plr_1').digest();
    const r = BigInt(`0x${hmac.subarray(0, 6).toString('hex')}`);
    expect(d.message).toBe('lbx_1:daily-lb-2025-05-19-plr_1');
    expect(d.hmac).toBe(hmac.toString('hex'));
    expect(d.ticket).toBe(r % 100n); // 2^48 mod 100 rejects almost nothing: the first chunk counts
    expect(d.index).toBe(d.ticket < 50n ? 0 : d.ticket < 80n ? 1 : 2);
  });

  it('always gives the same prize for the same key, and a commit anyone can check', () => {
    const a = draw(SEED, 'lbx_1', 'k', [1n, 2n, 3n]);
    expect(draw(SEED, 'lbx_1', 'k', [1n, 2n, 3n])).toEqual(a);
    expect(seedCommit(SEED)).toBe(createHash('sha256').update(SEED).digest('hex'));
  });

  it('rejects the biased top of the range instead of folding it', () => {
    // W = 2^47 + 1: only one multiple fits below 2^48, so about half the chunks are rejected
    const W = (1n << 47n) + 1n;
    for (let i = 0; i < 50; i++) {
      const { ticket } = drawTicket(SEED, `m${i}`, W);
      expect(ticket >= 0n && ticket < W).toBe(true);
    }
  });

  it('picks by cumulative weight', () => {
    expect([0n, 49n, 50n, 79n, 80n, 99n].map((t) => pickIndex([50n, 30n, 20n], t))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(() => pickIndex([1n], 1n)).toThrow();
  });
});

describe('expected value', () => {
  it('is exact, and the 1% rule is checked without floats', () => {
    const ev = expectedValue([60n, 30n, 10n], [0n, 1_000n, 5_000n]);
    expect(ev).toEqual({ numerator: 80_000n, denominator: 100n, text: '800.0000', rounded: 800 });
    expect(withinOnePercent(ev, 800n)).toBe(true);
    expect(withinOnePercent(ev, 808n)).toBe(true); // 800 is 0.99% below 808
    expect(withinOnePercent(ev, 809n)).toBe(false);
    expect(withinOnePercent(ev, 793n)).toBe(true); // 7 ≤ 7.93
    expect(withinOnePercent(ev, 792n)).toBe(false); // 8 > 7.92
    expect(expectedValue([1n, 2n], [1n, 0n]).rounded).toBe(0.3333);
    expect(expectedValue([1n, 2n], [2n, 0n]).text).toBe('0.6667');
    // near 2^53 the EV stays exact: a float division would answer 9007199254740990
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(expectedValue([1n], [max])).toMatchObject({ text: '9007199254740991.0000', rounded: Number.MAX_SAFE_INTEGER });
  });
});

describe('100,000 opens from a fixed seed', () => {
  // Deterministic: a fixed seed and fixed keys always give the same outcome. The tolerance is 5
  // standard deviations of a fair draw (a binomial frequency over N = 100,000, and the mean of the
  // prize value): a correct implementation lands outside with probability below 1e-6 per check, while
  // a biased one (a modulo bias, an off-by-one in the cumulative walk, a skewed byte) lands far outside.
  const N = 100_000;
  const weights = [500n, 300n, 150n, 45n, 5n];
  const values = [0n, 1_000n, 3_000n, 10_000n, 100_000n];
  const total = Number(weights.reduce((a, b) => a + b, 0n));
  const counts = new Array(weights.length).fill(0);
  let sum = 0;
  for (let i = 0; i < N; i++) {
    const d = draw(SEED, 'lbx_stat', `key-${i}`, weights);
    counts[d.index]++;
    sum += Number(values[d.index]);
  }

  it.each(weights.map((w, i) => [i, Number(w) / total] as const))('prize %i lands within 5σ of its probability %f', (i, p) => {
    const sigma = Math.sqrt((p * (1 - p)) / N);
    expect(Math.abs(counts[i] / N - p)).toBeLessThan(5 * sigma);
  });

  it('the average prize lands within 5σ of the EV', () => {
    const ev = Number(expectedValue(weights, values).rounded);
    const variance = weights.reduce((acc, w, i) => acc + (Number(w) / total) * (Number(values[i]) - ev) ** 2, 0);
    expect(Math.abs(sum / N - ev)).toBeLessThan((5 * Math.sqrt(variance)) / Math.sqrt(N));
  });
});
