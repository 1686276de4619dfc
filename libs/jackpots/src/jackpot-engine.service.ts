import { Injectable } from '@nestjs/common';
import { type AppConfig, decryptSecret, InjectConfig, newId } from '@app/common';
import { isExcluded, type Player } from '@app/players';
import { applyContributions, type CycleState, type CycleWin } from './jackpot-cycle.js';
import { contributionResult, type ContributionResult, type Jackpot } from './jackpot.types.js';
import type { SealedSeed } from './jackpots.repository.js';
import { JackpotsService } from './jackpots.service.js';

export interface ContributionEntry {
  jackpotId: string;
  sourceWagerId: string;
  player: Pick<Player, 'id' | 'externalRef' | 'selfExcluded' | 'excludedUntil'>;
  betAmount: bigint;
  requestHash: string;
}

/** A (jackpot, source_wager_id) key with its answer, and what the contribution added. */
export interface ContributionRow {
  jackpotId: string;
  sourceWagerId: string;
  playerId: string;
  cycle: number;
  betAmount: bigint;
  contributionNanos: bigint;
  requestHash: string;
  response: ContributionResult;
}

/** A pool after a batch, and the conservation totals the batch moved. */
export interface PoolState {
  id: string;
  cycle: number;
  poolNanos: bigint;
  seed: SealedSeed;
  seededAdded: bigint;
  contributedAdded: bigint;
  wonAdded: bigint;
}

export interface WinWrite {
  id: string;
  jackpotId: string;
  cycle: number;
  playerId: string;
  sourceWagerId: string;
  amount: bigint;
  seedId: string;
  /** the revealed seed */
  seed: string;
  proof: object;
  nextSeed: SealedSeed;
  /** the jackpot.won event */
  event: { id: string; data: Record<string, unknown> };
}

/** What a batch's contributions write: one row per pool, one per key, and the wins. */
export interface PoolWrites {
  states: PoolState[];
  contributions: ContributionRow[];
  wins: WinWrite[];
}

const SEED_CACHE_MAX = 1_000;

/**
 * A batch's contributions, applied in order to pools the caller has locked (in id order, as the
 * batch's last locks): a must_drop cycle is won by the contribution that reaches the drop point, a
 * progressive one by each roll under its chance; a bet below min_bet or an excluded player's adds
 * nothing and cannot win. The caller writes each pool once per batch, never once per wager; a win
 * reveals the cycle's seed, starts the next cycle with a new commit and announces jackpot.won, all
 * in the batch's transaction.
 */
@Injectable()
export class JackpotEngine {
  private readonly seeds = new Map<string, string>();

  constructor(
    private readonly jackpots: JackpotsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  contribute(pools: ReadonlyArray<Jackpot & { seedCiphertext: string }>, entries: readonly ContributionEntry[], now: Date): { results: ContributionResult[]; writes: PoolWrites } {
    const state = new Map(
      pools.map((j) => [j.id, { jackpot: j, cycle: this.stateOf(j), sealed: { id: j.seedId, cycle: j.cycle, ciphertext: j.seedCiphertext, commit: j.seedCommit }, seeded: 0n, contributed: 0n, won: 0n }]),
    );
    const results: ContributionResult[] = [];
    const writes: PoolWrites = { states: [], contributions: [], wins: [] };
    const row = (e: ContributionEntry, cycle: number, nanos: bigint, response: ContributionResult): ContributionRow => ({
      jackpotId: e.jackpotId,
      sourceWagerId: e.sourceWagerId,
      playerId: e.player.id,
      cycle,
      betAmount: e.betAmount,
      contributionNanos: nanos,
      requestHash: e.requestHash,
      response,
    });

    for (const e of entries) {
      const pool = state.get(e.jackpotId)!;
      const j = pool.jackpot;
      const reason = isExcluded(e.player, now) ? 'player_excluded' : j.minBet !== null && e.betAmount < j.minBet ? 'below_min_bet' : undefined;
      if (reason) {
        const result = contributionResult(j.id, pool.cycle.poolNanos, 0n, pool.cycle.poolNanos, null, reason);
        results.push(result);
        writes.contributions.push(row(e, pool.cycle.cycle, 0n, result));
        continue;
      }
      const cycleBefore = pool.cycle.cycle;
      const poolBefore = pool.cycle.poolNanos;
      const { outcomes, state: after } = applyContributions(j, pool.cycle, [{ sourceWagerId: e.sourceWagerId, betAmount: e.betAmount }], () => {
        const s = this.jackpots.sealedSeed(pool.cycle.cycle + 1);
        this.remember(s.id, s.seed);
        return s;
      });
      const [o] = outcomes;
      pool.contributed += o.contributionNanos;
      let win: { id: string; amount: bigint } | null = null;
      if (o.win) {
        win = { id: newId('win', now.getTime()), amount: o.win.amount };
        pool.won += o.win.amount;
        pool.seeded += j.seedAmount;
        pool.sealed = o.win.nextSeed;
        writes.wins.push(this.winWrite(j, e, o.win, win.id, now));
      }
      pool.cycle = after;
      const result = contributionResult(j.id, poolBefore, o.contributionNanos, after.poolNanos, win);
      results.push(result);
      writes.contributions.push(row(e, cycleBefore, o.contributionNanos, result));
    }
    for (const p of state.values()) {
      writes.states.push({ id: p.jackpot.id, cycle: p.cycle.cycle, poolNanos: p.cycle.poolNanos, seed: p.sealed, seededAdded: p.seeded, contributedAdded: p.contributed, wonAdded: p.won });
    }
    return { results, writes };
  }

  private winWrite(j: Jackpot, e: ContributionEntry, w: CycleWin<SealedSeed & { seed: string }>, winId: string, now: Date): WinWrite {
    const { seed: _secret, ...nextSeed } = w.nextSeed;
    return {
      id: winId,
      jackpotId: j.id,
      cycle: w.cycle,
      playerId: e.player.id,
      sourceWagerId: e.sourceWagerId,
      amount: w.amount,
      seedId: w.seedId,
      seed: w.proof.seed,
      proof: w.proof,
      nextSeed,
      event: {
        id: newId('evt', now.getTime()),
        data: {
          jackpot_id: j.id,
          name: j.name,
          currency: j.currency,
          type: j.type,
          win_id: winId,
          cycle: w.cycle,
          player_id: e.player.id,
          external_ref: e.player.externalRef,
          source_wager_id: e.sourceWagerId,
          amount: Number(w.amount),
          seed: w.proof.seed,
          seed_commit: w.proof.seed_commit,
          proof: w.proof,
          next_seed_commit: w.nextSeed.commit,
          won_at: now.toISOString(),
        },
      },
    };
  }

  private stateOf(j: Jackpot & { seedCiphertext: string }): CycleState {
    let seed = this.seeds.get(j.seedId);
    if (seed === undefined) {
      seed = decryptSecret(this.config.webhook.secretKey, j.seedCiphertext);
      this.remember(j.seedId, seed);
    }
    return { cycle: j.cycle, poolNanos: j.poolNanos, seedId: j.seedId, seed, commit: j.seedCommit };
  }

  /** Decrypted seeds by id (a seed never changes): saves an AES open per batch. */
  private remember(id: string, seed: string): void {
    if (this.seeds.size >= SEED_CACHE_MAX) this.seeds.clear();
    this.seeds.set(id, seed);
  }
}
