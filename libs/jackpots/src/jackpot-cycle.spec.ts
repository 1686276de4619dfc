import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { applyContributions, type CycleState, type JackpotTerms, type NewSeed } from './jackpot-cycle.js';
import { dropPoint, jackpotSeedCommit, roll, rollWins } from './jackpot-fair.js';
import { contributionNanos, formatScaled, MAX_POOL_NANOS, NANOS_PER_MILLI, parseScaled, splitPool } from './pool-math.js';
import { wholeMillisAdded } from './jackpot.types.js';

/** A deterministic seed source: the n-th seed is sha256("seed-n"). */
function seeds(prefix = 'seed'): () => NewSeed {
  let n = 0;
  return () => {
    n += 1;
    const seed = createHash('sha256').update(`${prefix}-${n}`).digest('hex');
    return { id: `sed_${n}`, seed, commit: jackpotSeedCommit(seed) };
  };
}

function start(terms: JackpotTerms, next: () => NewSeed): CycleState {
  const s = next();
  return { cycle: 1, poolNanos: terms.seedAmount * NANOS_PER_MILLI, seedId: s.id, seed: s.seed, commit: s.commit };
}

const MUST_DROP: JackpotTerms = { type: 'must_drop', seedAmount: 100_000n, rateNanos: parseScaled('0.015', 9), mustDropBy: 200_000n, hitRateScaled: null };
const PROGRESSIVE: JackpotTerms = { type: 'progressive', seedAmount: 50_000n, rateNanos: parseScaled('0.01', 9), mustDropBy: null, hitRateScaled: parseScaled('0.001', 12) };

/** A deterministic pseudo-random bet stream. */
function bets(n: number, seed = 7): Array<{ sourceWagerId: string; betAmount: bigint }> {
  let x = seed;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return { sourceWagerId: `w-${i}`, betAmount: BigInt(1 + (x % 50_000)) };
  });
}

describe('pool arithmetic', () => {
  it('parses and prints rates exactly', () => {
    expect(parseScaled('0.01', 9)).toBe(10_000_000n);
    expect(parseScaled('1', 9)).toBe(1_000_000_000n);
    expect(parseScaled('0.000000001', 9)).toBe(1n);
    expect(parseScaled('0.0100', 9)).toBe(10_000_000n);
    expect(() => parseScaled('0.0000000001', 9)).toThrow(RangeError);
    expect(() => parseScaled('1e-7', 9)).toThrow(RangeError);
    expect(formatScaled(10_000_000n, 9)).toBe('0.01');
    expect(formatScaled(123_000_000_450n, 9)).toBe('123.00000045');
    expect(formatScaled(5n * NANOS_PER_MILLI, 9)).toBe('5');
  });

  it('carries fractions of a milli instead of rounding them away', () => {
    // 3 bets of 1 milli at 1.5% add 0.045 millis: nothing is lost
    const c = contributionNanos(1n, parseScaled('0.015', 9));
    expect(c * 3n).toBe(45_000_000n);
    expect(splitPool(1_234_567_890_123n)).toEqual({ millis: 1_234n, carry: 567_890_123n });
  });
});

describe('provably fair outcomes', () => {
  const seed = 'a'.repeat(64);

  it('derives the drop point from the seed alone, inside [seed + 1, must_drop_by]', () => {
    const d = dropPoint(seed, 100_000n, 200_000n);
    expect(d).toBeGreaterThanOrEqual(100_001n);
    expect(d).toBeLessThanOrEqual(200_000n);
    expect(dropPoint(seed, 100_000n, 200_000n)).toBe(d);
    // independent recomputation of the documented function
    const r = createHmac('sha256', seed).update('drop_point').digest().readBigUInt64BE(0);
    expect(d).toBe(100_001n + (r % 100_000n)); // 2^64 / 100000 leaves r far below the limit
    expect(dropPoint(seed, 0n, 1n)).toBe(1n);
    expect(() => dropPoint(seed, 5n, 5n)).toThrow(RangeError);
  });

  it('spreads drop points over the whole range (no bias toward either end)', () => {
    const points = Array.from({ length: 2_000 }, (_, i) => dropPoint(createHash('sha256').update(`s${i}`).digest('hex'), 0n, 10n));
    const counts = new Map<bigint, number>();
    for (const p of points) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => Number(a - b))).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    for (const n of counts.values()) expect(n).toBeGreaterThan(130); // 200 expected each
  });

  it('rolls from the seed and the source_wager_id, and compares exactly', () => {
    const r = roll(seed, 'w-1');
    expect(r).toBe(createHmac('sha256', seed).update('w-1').digest().readBigUInt64BE(0));
    expect(roll(seed, 'w-2')).not.toBe(r);
    // hit_rate 0.5 per unit, a 2-unit bet: chance 1, always wins; a chance of 0 never does
    expect(rollWins((1n << 64n) - 1n, parseScaled('0.5', 12), 2_000n)).toBe(true);
    expect(rollWins(0n, parseScaled('0.5', 12), 0n)).toBe(false);
    // chance exactly 1/2: r = 2^63 − 1 wins, 2^63 does not
    expect(rollWins((1n << 63n) - 1n, parseScaled('0.5', 12), 1_000n)).toBe(true);
    expect(rollWins(1n << 63n, parseScaled('0.5', 12), 1_000n)).toBe(false);
  });
});

describe('a must_drop cycle', () => {
  it('drops on the contribution that reaches the drop point, and never later than must_drop_by', () => {
    const next = seeds();
    const s = start(MUST_DROP, next);
    const drop = dropPoint(s.seed, MUST_DROP.seedAmount, MUST_DROP.mustDropBy!);
    const { outcomes } = applyContributions(MUST_DROP, s, bets(2_000), next);
    const first = outcomes.findIndex((o) => o.win);
    expect(first).toBeGreaterThan(0);
    let pool = MUST_DROP.seedAmount * NANOS_PER_MILLI;
    for (const o of outcomes.slice(0, first)) pool += o.contributionNanos;
    expect(pool).toBeLessThan(drop * NANOS_PER_MILLI);
    pool += outcomes[first].contributionNanos;
    expect(pool).toBeGreaterThanOrEqual(drop * NANOS_PER_MILLI);
    expect(outcomes[first].win).toMatchObject({ cycle: 1, sourceWagerId: `w-${first}`, amount: pool / NANOS_PER_MILLI });
    expect(outcomes[first].win!.proof).toMatchObject({ seed: s.seed, seed_commit: s.commit, drop_point: Number(drop) });
    // the proof shows the crossing: the pool before the winning contribution, what it added, the pool after
    const exact = (nanos: bigint) => `${nanos / NANOS_PER_MILLI}.${(nanos % NANOS_PER_MILLI).toString().padStart(9, '0')}`;
    expect(outcomes[first].win!.proof).toMatchObject({ pool_before: exact(pool - outcomes[first].contributionNanos), contribution: exact(outcomes[first].contributionNanos), pool: exact(pool) });
    expect(outcomes[first].win!.amount).toBeLessThanOrEqual(MUST_DROP.mustDropBy! + 750n); // at most one bet's contribution past it
  });

  it('keeps pool + wins = seeds + contributions exactly over many cycles, one winner per cycle', () => {
    const next = seeds('many');
    const s = start(MUST_DROP, next);
    const { outcomes, state } = applyContributions(MUST_DROP, s, bets(20_000, 3), next);
    const wins = outcomes.flatMap((o) => (o.win ? [o.win] : []));
    expect(wins.length).toBeGreaterThan(5);
    expect(wins.map((w) => w.cycle)).toEqual(wins.map((_, i) => i + 1));
    expect(state.cycle).toBe(wins.length + 1);
    const contributed = outcomes.reduce((a, o) => a + o.contributionNanos, 0n);
    const won = wins.reduce((a, w) => a + w.amount, 0n) * NANOS_PER_MILLI;
    const seeded = BigInt(wins.length + 1) * MUST_DROP.seedAmount * NANOS_PER_MILLI;
    expect(state.poolNanos + won).toBe(seeded + contributed);
    // each win's seed is the one committed for its cycle, and the next cycle has a new one
    for (const w of wins) expect(jackpotSeedCommit(w.proof.seed)).toBe(w.proof.seed_commit);
    expect(new Set(wins.map((w) => w.proof.seed)).size).toBe(wins.length);
  });

  it('answers whole millis per contribution that add up exactly: pool_amount = seed + the cycle\'s contributions', () => {
    const next = seeds('whole');
    let state = start(MUST_DROP, next);
    let answered = 0n; // the whole millis answered, over all cycles
    let cycleAnswered = 0n;
    let won = 0n;
    let cycles = 1n;
    for (const bet of bets(20_000, 11)) {
      const before = state.poolNanos;
      const { outcomes, state: after } = applyContributions(MUST_DROP, state, [bet], next);
      const [o] = outcomes;
      const whole = wholeMillisAdded(before, o.contributionNanos);
      expect(whole).toBeGreaterThanOrEqual(0n);
      answered += whole;
      cycleAnswered += whole;
      if (o.win) {
        // the win pays the seed amount plus every whole milli the cycle's contributions were answered
        expect(o.win.amount).toBe(MUST_DROP.seedAmount + cycleAnswered);
        won += o.win.amount;
        cycles += 1n;
        cycleAnswered = 0n;
      }
      state = after;
      expect(state.poolNanos / NANOS_PER_MILLI).toBe(MUST_DROP.seedAmount + cycleAnswered);
    }
    expect(cycles).toBeGreaterThan(5n);
    expect(state.poolNanos / NANOS_PER_MILLI + won).toBe(cycles * MUST_DROP.seedAmount + answered);
    // a fraction of a milli alone answers 0; the one that completes a milli answers it
    expect(wholeMillisAdded(100_000n * NANOS_PER_MILLI, 15_000_000n / 1000n)).toBe(0n);
    expect(wholeMillisAdded(100_000n * NANOS_PER_MILLI + 999_990_000n, 15_000n)).toBe(1n);
  });

  it('gives the same outcomes for the same seed and contributions (replayable, no hidden randomness)', () => {
    const a = applyContributions(MUST_DROP, start(MUST_DROP, seeds('x')), bets(3_000), seeds('y'));
    const b = applyContributions(MUST_DROP, start(MUST_DROP, seeds('x')), bets(3_000), seeds('y'));
    expect(b).toEqual(a);
  });
});

describe('a pool at the limit', () => {
  it('never holds or pays more than 2^53 − 1 millis: the contribution that would pass it adds only up to it', () => {
    const MAX = BigInt(Number.MAX_SAFE_INTEGER);
    const terms: JackpotTerms = { type: 'progressive', seedAmount: MAX, rateNanos: parseScaled('1', 9), mustDropBy: null, hitRateScaled: parseScaled('1', 12) };
    const next = seeds('limit');
    const s = start(terms, next);
    const { outcomes, state } = applyContributions(terms, s, [{ sourceWagerId: 'big', betAmount: MAX - 1n }], next);
    expect(outcomes[0].contributionNanos).toBe(0n);
    expect(outcomes[0].win!.amount).toBe(MAX);
    expect(state.poolNanos).toBe(MAX * NANOS_PER_MILLI);
    expect(state.poolNanos).toBeLessThanOrEqual(MAX_POOL_NANOS);

    // a pool just under the limit takes only what fits, and conservation holds exactly
    const under = { ...s, poolNanos: MAX_POOL_NANOS - 5n * NANOS_PER_MILLI };
    const lose: JackpotTerms = { ...terms, hitRateScaled: 0n };
    const r = applyContributions(lose, under, [{ sourceWagerId: 'a', betAmount: 3n }, { sourceWagerId: 'b', betAmount: 3n }], next);
    expect(r.outcomes.map((o) => o.contributionNanos)).toEqual([3n * NANOS_PER_MILLI, 2n * NANOS_PER_MILLI]);
    expect(r.state.poolNanos).toBe(MAX_POOL_NANOS);
  });
});

describe('a progressive cycle', () => {
  it('wins exactly on the contributions whose roll is under hit_rate × bet / 1000', () => {
    const next = seeds('p');
    let state = start(PROGRESSIVE, next);
    const stream = bets(5_000, 11);
    const { outcomes } = applyContributions(PROGRESSIVE, state, stream, next);
    const wins = outcomes.filter((o) => o.win);
    expect(wins.length).toBeGreaterThan(0);
    // re-derive every outcome independently, cycle by cycle
    const replay = seeds('p');
    replay();
    for (let i = 0; i < stream.length; i++) {
      const expected = rollWins(roll(state.seed, stream[i].sourceWagerId), PROGRESSIVE.hitRateScaled!, stream[i].betAmount);
      expect(outcomes[i].win !== null).toBe(expected);
      if (expected) {
        const s = replay();
        state = { cycle: state.cycle + 1, poolNanos: 0n, seedId: s.id, seed: s.seed, commit: s.commit };
      }
    }
  });

  it('conserves the pool exactly, fractions carried', () => {
    const next = seeds('q');
    const s = start(PROGRESSIVE, next);
    const { outcomes, state } = applyContributions(PROGRESSIVE, s, bets(8_000, 5), next);
    const wins = outcomes.flatMap((o) => (o.win ? [o.win] : []));
    const contributed = outcomes.reduce((a, o) => a + o.contributionNanos, 0n);
    const won = wins.reduce((a, w) => a + w.amount, 0n) * NANOS_PER_MILLI;
    expect(state.poolNanos + won).toBe(BigInt(wins.length + 1) * PROGRESSIVE.seedAmount * NANOS_PER_MILLI + contributed);
  });
});
