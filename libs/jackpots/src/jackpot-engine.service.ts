import { Injectable } from '@nestjs/common';
import { type AppConfig, decryptSecret, InjectConfig, newId, type TenantId } from '@app/common';
import { OutboxService } from '@app/outbox';
import { isExcluded, type Player } from '@app/players';
import { applyContributions, type CycleState, type CycleWin } from './jackpot-cycle.js';
import { contributionResult, type ContributionResult, type Jackpot } from './jackpot.types.js';
import { type ContributionRow, JackpotsRepository, type JackpotState, type SealedSeed } from './jackpots.repository.js';
import { JackpotsService } from './jackpots.service.js';

export interface ContributionEntry {
  jackpotId: string;
  sourceWagerId: string;
  player: Player;
  betAmount: bigint;
  requestHash: string;
}

const SEED_CACHE_MAX = 1_000;

/**
 * Contributions of a batch, inside its transaction: each jackpot's pool is locked once (in id order,
 * as the batch's last locks), the contributions are applied in order — a must_drop cycle is won by
 * the one that reaches the drop point, a progressive one by each roll under its chance — and the pool
 * is written once per batch, never once per wager. A win reveals the cycle's seed, starts the next
 * cycle with a new commit and emits jackpot.won, all in the same transaction.
 */
@Injectable()
export class JackpotEngine {
  private readonly seeds = new Map<string, string>();

  constructor(
    private readonly repo: JackpotsRepository,
    private readonly jackpots: JackpotsService,
    private readonly outbox: OutboxService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Applies the entries in order; returns each one's answer and how many keys were new (fewer: a duplicate is in flight). */
  async contribute(tenantId: TenantId, entries: readonly ContributionEntry[], now: Date): Promise<{ results: ContributionResult[]; claimed: number; expected: number }> {
    if (entries.length === 0) return { results: [], claimed: 0, expected: 0 };
    const locked = await this.repo.lockPools(tenantId, [...new Set(entries.map((e) => e.jackpotId))]);
    const pools = new Map(locked.map((j) => [j.id, { jackpot: j, state: this.stateOf(j), seeded: 0n, contributed: 0n, won: 0n }]));
    const results: ContributionResult[] = [];
    const rows: ContributionRow[] = [];

    for (const e of entries) {
      const pool = pools.get(e.jackpotId)!;
      const j = pool.jackpot;
      const reason = isExcluded(e.player, now) ? 'player_excluded' : j.minBet !== null && e.betAmount < j.minBet ? 'below_min_bet' : undefined;
      if (reason) {
        const result = contributionResult(j.id, 0n, pool.state.poolNanos, null, reason);
        results.push(result);
        rows.push(this.row(e, pool.state.cycle, 0n, result));
        continue;
      }
      const cycleBefore = pool.state.cycle;
      const { outcomes, state } = applyContributions(j, pool.state, [{ sourceWagerId: e.sourceWagerId, betAmount: e.betAmount }], () => {
        const s = this.jackpots.sealedSeed(pool.state.cycle + 1);
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
        await this.recordWin(tenantId, j, e, o.win, win.id, now);
      }
      pool.state = state;
      const result = contributionResult(j.id, o.contributionNanos, state.poolNanos, win);
      results.push(result);
      rows.push(this.row(e, cycleBefore, o.contributionNanos, result));
    }

    const states: JackpotState[] = [...pools.values()].map((p) => ({
      id: p.jackpot.id,
      cycle: p.state.cycle,
      poolNanos: p.state.poolNanos,
      seedId: p.state.seedId,
      seededAdded: p.seeded,
      contributedAdded: p.contributed,
      wonAdded: p.won,
    }));
    await this.repo.saveStates(tenantId, states);
    const claimed = await this.repo.insertContributions(tenantId, rows);
    return { results, claimed, expected: rows.length };
  }

  /** Stored answers of (jackpot, source_wager_id) keys, keyed `<jackpot>|<source_wager_id>`. */
  findStored(tenantId: TenantId, keys: ReadonlyArray<{ jackpotId: string; sourceWagerId: string }>): ReturnType<JackpotsRepository['findContributions']> {
    return this.repo.findContributions(tenantId, keys);
  }

  private async recordWin(
    tenantId: TenantId,
    j: Jackpot,
    e: ContributionEntry,
    w: CycleWin<SealedSeed & { seed: string }>,
    winId: string,
    now: Date,
  ): Promise<void> {
    await this.repo.insertSeed(tenantId, j.id, { id: w.nextSeed.id, cycle: w.cycle + 1, ciphertext: w.nextSeed.ciphertext, commit: w.nextSeed.commit });
    await this.repo.revealSeed(tenantId, w.seedId, w.proof.seed, now);
    await this.repo.insertWin(tenantId, {
      id: winId,
      jackpotId: j.id,
      cycle: w.cycle,
      playerId: e.player.id,
      sourceWagerId: e.sourceWagerId,
      amount: w.amount,
      seedId: w.seedId,
      proof: w.proof,
      createdAt: now,
    });
    await this.outbox.emit(
      tenantId,
      'jackpot.won',
      {
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
        proof: w.proof,
        next_seed_commit: w.nextSeed.commit,
        won_at: now.toISOString(),
      },
      now,
    );
  }

  private row(e: ContributionEntry, cycle: number, nanos: bigint, response: ContributionResult): ContributionRow {
    return {
      jackpotId: e.jackpotId,
      sourceWagerId: e.sourceWagerId,
      playerId: e.player.id,
      cycle,
      betAmount: e.betAmount,
      contributionNanos: nanos,
      requestHash: e.requestHash,
      response: response as unknown as object,
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
