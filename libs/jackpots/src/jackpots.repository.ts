import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import type { PageRequest, TenantId } from '@app/common';
import type { JackpotType, WinProof } from './jackpot-cycle.js';
import type { Jackpot, JackpotWinView } from './jackpot.types.js';
import { formatScaled, parseScaled, RATE_DECIMALS } from './pool-math.js';

/** A jackpot row with its current seed, as raw queries select it (numbers as text: never through a float). */
export interface JackpotRow {
  id: string;
  tenant_id: string;
  name: string;
  currency: string;
  type: string;
  seed_amount: string;
  contribution_rate: string;
  must_drop_by: string | null;
  hit_rate: string | null;
  min_bet: string | null;
  auto_enroll: boolean;
  cycle: number;
  pool: string;
  seed_id: string;
  seeded_total: string;
  contributed_total: string;
  won_total: string;
  created_at: Date;
  commit: string;
  seed_ciphertext: string;
}

/** The columns of a jackpot, decimals as text; also the hot path's read (IngestRepository). */
export const JACKPOT_COLUMNS = `j.id, j.tenant_id, j.name, j.currency, j.type, j.seed_amount::text AS seed_amount, j.contribution_rate::text AS contribution_rate,
  j.must_drop_by::text AS must_drop_by, j.hit_rate::text AS hit_rate, j.min_bet::text AS min_bet, j.auto_enroll, j.cycle, j.pool::text AS pool,
  j.seed_id, j.seed_commit AS commit, j.seed_ciphertext, j.seeded_total::text AS seeded_total, j.contributed_total::text AS contributed_total,
  j.won_total::text AS won_total, j.created_at`;

const SELECT = Prisma.raw(`SELECT ${JACKPOT_COLUMNS} FROM jackpots j`);

const big = (v: string | null): bigint | null => (v === null ? null : BigInt(v));

export function toJackpot(r: JackpotRow): Jackpot & { seedCiphertext: string } {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    currency: r.currency,
    type: r.type as JackpotType,
    seedAmount: BigInt(r.seed_amount),
    rateNanos: parseScaled(r.contribution_rate, RATE_DECIMALS),
    mustDropBy: big(r.must_drop_by),
    hitRateScaled: r.hit_rate === null ? null : parseScaled(r.hit_rate, 12),
    minBet: big(r.min_bet),
    autoEnroll: r.auto_enroll,
    cycle: r.cycle,
    poolNanos: parseScaled(r.pool, RATE_DECIMALS),
    seedId: r.seed_id,
    seedCommit: r.commit,
    seededTotal: BigInt(r.seeded_total),
    contributedNanos: parseScaled(r.contributed_total, RATE_DECIMALS),
    wonTotal: BigInt(r.won_total),
    createdAt: r.created_at,
    seedCiphertext: r.seed_ciphertext,
  };
}

export interface SealedSeed {
  id: string;
  cycle: number;
  ciphertext: string;
  commit: string;
}

@Injectable()
export class JackpotsRepository {
  constructor(private readonly db: DbService) {}

  async create(tenantId: TenantId, j: Omit<Jackpot, 'seedCommit' | 'seedId'>, seed: SealedSeed): Promise<void> {
    await this.db.transaction(async () => {
      await this.db.txClient.jackpot.create({
        data: {
          id: j.id,
          tenantId,
          name: j.name,
          currency: j.currency,
          type: j.type,
          seedAmount: j.seedAmount,
          contributionRate: formatScaled(j.rateNanos, RATE_DECIMALS),
          mustDropBy: j.mustDropBy,
          hitRate: j.hitRateScaled === null ? null : formatScaled(j.hitRateScaled, 12),
          minBet: j.minBet,
          autoEnroll: j.autoEnroll,
          cycle: 1,
          pool: formatScaled(j.poolNanos, RATE_DECIMALS),
          seedId: seed.id,
          seedCiphertext: seed.ciphertext,
          seedCommit: seed.commit,
          seededTotal: j.seededTotal.toString(),
          createdAt: j.createdAt,
        },
      });
      await this.insertSeed(tenantId, j.id, seed);
    });
  }

  async find(tenantId: TenantId, id: string): Promise<Jackpot | null> {
    const rows = await this.db.client.$queryRaw<JackpotRow[]>`${SELECT} WHERE j.id = ${id} AND j.tenant_id = ${tenantId}`;
    return rows[0] ? toJackpot(rows[0]) : null;
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Jackpot[]> {
    const rows = page.cursor
      ? await this.db.client.$queryRaw<JackpotRow[]>`${SELECT} WHERE j.tenant_id = ${tenantId} AND j.id < ${page.cursor} ORDER BY j.id DESC LIMIT ${page.limit + 1}`
      : await this.db.client.$queryRaw<JackpotRow[]>`${SELECT} WHERE j.tenant_id = ${tenantId} ORDER BY j.id DESC LIMIT ${page.limit + 1}`;
    return rows.map(toJackpot);
  }

  async insertSeed(tenantId: TenantId, jackpotId: string, seed: SealedSeed): Promise<void> {
    await this.db.txClient.jackpotSeed.create({
      data: { id: seed.id, tenantId, jackpotId, cycle: seed.cycle, seedCiphertext: seed.ciphertext, commit: seed.commit },
    });
  }

  /**
   * Newest cycle first. Cycle, not id: a win's id is made from its batch's clock, and with several API
   * processes a later cycle's batch may have read the clock first. The cursor (the last win's id, as in
   * every list) stands for its cycle; one that names no win of this jackpot ends the list.
   */
  async wins(tenantId: TenantId, jackpotId: string, page: PageRequest): Promise<JackpotWinView[]> {
    const after = page.cursor
      ? ((await this.db.client.jackpotWin.findFirst({ where: { tenantId, jackpotId, id: page.cursor }, select: { cycle: true } }))?.cycle ?? 0)
      : undefined;
    const rows = await this.db.client.jackpotWin.findMany({
      where: { tenantId, jackpotId, ...(after !== undefined && { cycle: { lt: after } }) },
      orderBy: { cycle: 'desc' },
      take: page.limit + 1,
      include: { player: { select: { externalRef: true } }, jackpot: { select: { currency: true } } },
    });
    const next = await this.db.client.jackpotSeed.findMany({
      where: { tenantId, jackpotId, cycle: { in: rows.map((r) => r.cycle + 1) } },
      select: { cycle: true, commit: true },
    });
    const commits = new Map(next.map((s) => [s.cycle, s.commit]));
    return rows.map((r) => {
      const proof = r.proof as unknown as WinProof;
      return {
        win_id: r.id,
        jackpot_id: r.jackpotId,
        cycle: r.cycle,
        player_id: r.playerId,
        external_ref: r.player.externalRef,
        source_wager_id: r.sourceWagerId,
        amount: Number(r.amount),
        currency: r.jackpot.currency,
        seed: proof.seed,
        seed_commit: proof.seed_commit,
        proof,
        next_seed_commit: commits.get(r.cycle + 1) ?? null,
        created_at: r.createdAt.toISOString(),
      };
    });
  }
}
