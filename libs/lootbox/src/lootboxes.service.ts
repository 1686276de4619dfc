import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type AppConfig,
  AppError,
  decryptSecret,
  encryptSecret,
  type ErrorDetail,
  InjectConfig,
  newId,
  type Page,
  type PageRequest,
  Replayable,
  requestHash,
  type TenantId,
  toPage,
} from '@app/common';
import { DbService } from '@app/db';
import { BonusesService } from '@app/bonuses';
import { OutboxService } from '@app/outbox';
import { isExcluded, type Player, type PlayerRef, PlayersService } from '@app/players';
import { type LootboxOpener, RewardsService } from '@app/rewards';
import { draw, expectedValue, FAIR_ALGORITHM, newServerSeed, seedCommit, withinOnePercent } from './fair.js';
import { type Lootbox, type LootboxView, type OpenView, REWARD_OPEN_KEY_PREFIX, type SeedView, toLootboxView } from './lootbox.types.js';
import { LootboxesRepository } from './lootboxes.repository.js';
import { type BonusTerms, EV_SCALE, type LootboxTerms, type Prize, prizeValue, type Tier, tierTable } from './prize-table.js';

/**
 * A prize may open another box, which may hold boxes in turn, down to this many levels below the box
 * opened: every level is one more open (and grant key) in the same transaction.
 */
export const MAX_LOOTBOX_NESTING = 3;

export interface CreateLootboxInput {
  name: string;
  tier?: Tier;
  currency: string;
  evTarget?: bigint;
  prizeTable?: Prize[];
}

export interface OpenInput {
  player: PlayerRef;
  idempotencyKey: string;
}

/**
 * Lootboxes with provably fair opens: every prize is a documented function (fair.ts) of the box's
 * committed server seed and the open's idempotency key, so an open is the same whenever it is asked,
 * and anyone can check it once the seed is revealed.
 */
@Injectable()
export class LootboxesService implements OnModuleInit, LootboxOpener {
  constructor(
    private readonly db: DbService,
    private readonly repo: LootboxesRepository,
    private readonly players: PlayersService,
    private readonly rewards: RewardsService,
    private readonly bonuses: BonusesService,
    private readonly outbox: OutboxService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.rewards.registerLootboxOpener(this);
  }

  /**
   * A box from its prize table, or from its tier's default table scaled to ev_target. The EV is exact;
   * a table given with a target must land within 1% of it (else 422 ev_mismatch with the EV).
   */
  async create(tenantId: TenantId, input: CreateLootboxInput): Promise<LootboxView> {
    let table = input.prizeTable;
    if (!table) {
      const scaled = tierTable(input.tier!, input.currency, input.evTarget!);
      if ('problem' in scaled) throw AppError.validation([{ field: 'ev_target', issue: scaled.problem }]);
      table = scaled.table;
    }
    const values = await this.prizeValues(tenantId, table, input.currency);
    const ev = expectedValue(table.map((p) => BigInt(p.weight)), values, EV_SCALE);
    if (input.evTarget !== undefined && input.prizeTable && !withinOnePercent(ev, input.evTarget)) {
      throw AppError.rule('ev_mismatch', `the prize table's EV is ${ev.rounded}, more than 1% from ev_target ${input.evTarget}`, [
        { field: 'prize_table', issue: 'its EV is more than 1% from ev_target', ev: ev.rounded, ev_target: Number(input.evTarget) },
      ]);
    }
    const seed = newServerSeed();
    const box = await this.repo.create(
      tenantId,
      {
        id: newId('lbx'),
        name: input.name,
        tier: input.tier ?? null,
        currency: input.currency,
        evTarget: input.evTarget ?? null,
        prizeTable: table,
        ev: ev.text,
        createdAt: new Date(),
      },
      { id: newId('sed'), ciphertext: encryptSecret(this.config.webhook.secretKey, seed), commit: seedCommit(seed) },
    );
    return toLootboxView(box);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<LootboxView>> {
    return toPage(await this.repo.list(tenantId, page), page.limit, (b) => b.id, toLootboxView);
  }

  async get(tenantId: TenantId, id: string): Promise<LootboxView> {
    return toLootboxView(await this.require(tenantId, id));
  }

  /**
   * Reveals the current seed and commits to a new one; opens in flight finish with the old seed first.
   * Concurrent rotations of one box run one after the other and each rotates: the second reveals the
   * seed the first committed to.
   */
  async rotateSeed(tenantId: TenantId, id: string): Promise<{ revealed: SeedView; current: { seed_id: string; commit: string } }> {
    await this.require(tenantId, id);
    return this.db.transaction(async () => {
      const current = await this.repo.currentSeedForRotation(tenantId, id);
      if (!current) throw new Error(`lootbox ${id} has no current seed`);
      const revealed = await this.repo.reveal(tenantId, current.id, decryptSecret(this.config.webhook.secretKey, current.ciphertext));
      const next = newServerSeed();
      const nextId = newId('sed');
      await this.repo.insertSeed(tenantId, id, { id: nextId, ciphertext: encryptSecret(this.config.webhook.secretKey, next), commit: seedCommit(next) });
      return { revealed, current: { seed_id: nextId, commit: seedCommit(next) } };
    });
  }

  async seeds(tenantId: TenantId, id: string, page: PageRequest): Promise<Page<SeedView>> {
    await this.require(tenantId, id);
    return toPage(await this.repo.seeds(tenantId, id, page), page.limit, (s) => s.seed_id, (s) => s);
  }

  /**
   * POST /v1/lootbox/:id/open, idempotent on idempotency_key (per box): the same key always answers the
   * same prize. An excluded player is refused (422 player_excluded), except for a replay.
   */
  async open(tenantId: TenantId, lootboxId: string, input: OpenInput): Promise<Replayable<OpenView>> {
    const box = await this.require(tenantId, lootboxId);
    return this.db.transaction(async () => {
      const at = new Date();
      const player = await this.players.resolveForEvent(tenantId, input.player, at);
      const hash = requestHash({ player: player.id, key: input.idempotencyKey });
      const earlier = await this.repo.findOpen(tenantId, box.id, input.idempotencyKey);
      if (earlier) return replayOf(earlier, hash);
      if (isExcluded(player, at)) throw AppError.rule('player_excluded', 'the player is excluded from promotions');
      const outcome = await this.openOnce(tenantId, box, player, input.idempotencyKey, hash, at);
      return outcome.created ? Replayable.first(outcome.view) : replayOf(outcome.earlier, hash);
    });
  }

  /** A lootbox reward (a journey's, a tournament prize): opens the box for the player, once per grant key. */
  async openForReward(tenantId: TenantId, player: Player, lootboxId: string, grantKey: string, at: Date): Promise<{ open_id: string; reward: unknown }> {
    const box = await this.require(tenantId, lootboxId);
    const key = `${REWARD_OPEN_KEY_PREFIX}${grantKey}`;
    const outcome = await this.openOnce(tenantId, box, player, key, requestHash({ player: player.id, key }), at);
    const view = outcome.created ? outcome.view : outcome.earlier.response!;
    return { open_id: view.open_id, reward: view.reward };
  }

  async playerOpens(tenantId: TenantId, ref: string, page: PageRequest): Promise<Page<OpenView>> {
    const player = await this.players.require(tenantId, ref);
    return toPage(await this.repo.playerOpens(tenantId, player.id, page), page.limit, (o) => o.open_id, (o) => o);
  }

  private async openOnce(
    tenantId: TenantId,
    box: Lootbox,
    player: Player,
    key: string,
    hash: string,
    at: Date,
  ): Promise<{ created: true; view: OpenView } | { created: false; earlier: { requestHash: string; response: OpenView | null } }> {
    const seed = await this.repo.currentSeedForOpen(tenantId, box.id);
    if (!seed) throw new Error(`lootbox ${box.id} has no current seed`);
    const weights = box.prizeTable.map((p) => BigInt(p.weight));
    const d = draw(decryptSecret(this.config.webhook.secretKey, seed.ciphertext), box.id, key, weights);
    const prize = box.prizeTable[d.index];
    const openId = newId('opn', at.getTime());
    const proof = {
      algorithm: FAIR_ALGORITHM,
      seed_id: seed.id,
      seed_commit: seed.commit,
      message: d.message,
      hmac: d.hmac,
      block: d.block,
      ticket: Number(d.ticket),
      total_weight: Number(weights.reduce((a, b) => a + b, 0n)),
      weights: weights.map(Number),
      prize_index: d.index,
    };
    const inserted = await this.repo.insertOpen(tenantId, {
      id: openId,
      lootboxId: box.id,
      playerId: player.id,
      idempotencyKey: key,
      requestHash: hash,
      seedId: seed.id,
      prizeIndex: d.index,
      reward: prize.reward,
      proof,
      createdAt: at,
    });
    if (!inserted) return { created: false, earlier: (await this.repo.findOpen(tenantId, box.id, key))! };
    // The grant key comes from the box and the open's key, not from the open id the service makes up: a
    // lootbox prize opens its box with a key derived from it, so that draw too is fixed by the caller's key.
    const grantKey = `lootbox:${box.id}:${key}`;
    const result = prize.reward.type === 'nothing' ? null : (await this.rewards.grant(tenantId, player, prize.reward, grantKey, at)).grant.result;
    const view: OpenView = {
      open_id: openId,
      lootbox_id: box.id,
      player_id: player.id,
      idempotency_key: key,
      reward: prize.reward,
      result,
      proof,
      created_at: at.toISOString(),
    };
    await this.repo.setResponse(tenantId, openId, view);
    await this.outbox.emit(tenantId, 'lootbox.opened', { ...view, external_ref: player.externalRef, lootbox_name: box.name }, at);
    return { created: true, view };
  }

  async exists(tenantId: TenantId, id: string): Promise<boolean> {
    return (await this.repo.find(tenantId, id)) !== null;
  }

  private async require(tenantId: TenantId, id: string): Promise<Lootbox> {
    const box = await this.repo.find(tenantId, id);
    if (!box) throw AppError.notFound('lootbox');
    return box;
  }

  /** How many levels of boxes a box holds: 0 when no prize is a lootbox (prize tables never change). */
  private async nesting(tenantId: TenantId, box: Lootbox): Promise<number> {
    let deepest = 0;
    for (const p of box.prizeTable) {
      if (p.reward.type !== 'lootbox') continue;
      const inner = await this.repo.find(tenantId, p.reward.lootbox_id);
      if (inner) deepest = Math.max(deepest, 1 + (await this.nesting(tenantId, inner)));
    }
    return deepest;
  }

  /** Each prize's worth toward the EV (in 1/EV_SCALE millis), or a 422 naming every prize that cannot be in this box. */
  private async prizeValues(tenantId: TenantId, table: Prize[], currency: string): Promise<bigint[]> {
    const values: bigint[] = [];
    const problems: ErrorDetail[] = [];
    let mismatch = false;
    for (const [i, p] of table.entries()) {
      let bonus: BonusTerms | undefined;
      if (p.reward.type === 'bonus') {
        const t = await this.bonuses.findTemplate(tenantId, p.reward.bonus_template_id);
        if (t?.archivedAt) {
          problems.push({ field: `prize_table[${i}].reward`, issue: 'names an archived bonus template' });
          continue;
        }
        bonus = t ? { currency: t.currency, kind: t.kind, fixedAmount: t.fixedAmount } : undefined;
      }
      let lootbox: LootboxTerms | undefined;
      if (p.reward.type === 'lootbox') {
        const nested = await this.repo.find(tenantId, p.reward.lootbox_id);
        if (nested && (await this.nesting(tenantId, nested)) >= MAX_LOOTBOX_NESTING) {
          problems.push({ field: `prize_table[${i}].reward`, issue: `names a lootbox that already nests ${MAX_LOOTBOX_NESTING} levels of boxes (the most a box may hold)` });
          continue;
        }
        lootbox = nested ? { currency: nested.currency, ev: nested.ev } : undefined;
      }
      const v = prizeValue(p.reward, currency, bonus, lootbox);
      if ('value' in v) values.push(v.scale === undefined ? v.value * EV_SCALE : v.value);
      else {
        mismatch ||= / box$/.test(v.problem);
        problems.push({ field: `prize_table[${i}].reward`, issue: v.problem });
      }
    }
    if (problems.length > 0) {
      throw AppError.rule(mismatch ? 'currency_mismatch' : 'invalid_prize', problems.map((p) => p.issue).join('; '), problems);
    }
    return values;
  }
}

function replayOf(earlier: { requestHash: string; response: OpenView | null }, hash: string): Replayable<OpenView> {
  if (earlier.requestHash !== hash || earlier.response === null) throw AppError.idempotencyKeyReused('idempotency_key');
  return Replayable.replay(earlier.response);
}
