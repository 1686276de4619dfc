import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import type { PageRequest, TenantId } from '@app/common';
import type { JackpotType, WinProof } from './jackpot-cycle.js';
import type { Jackpot, JackpotWinView } from './jackpot.types.js';
import { formatScaled, parseScaled, RATE_DECIMALS } from './pool-math.js';

/** A jackpot row with its current seed, as raw queries select it (decimals as text: never through a float). */
interface JackpotRow {
  id: string;
  tenant_id: string;
  name: string;
  currency: string;
  type: string;
  seed_amount: bigint;
  contribution_rate: string;
  must_drop_by: bigint | null;
  hit_rate: string | null;
  min_bet: bigint | null;
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

const SELECT = Prisma.raw(`
  SELECT j.id, j.tenant_id, j.name, j.currency, j.type, j.seed_amount, j.contribution_rate::text AS contribution_rate, j.must_drop_by,
         j.hit_rate::text AS hit_rate, j.min_bet, j.auto_enroll, j.cycle, j.pool::text AS pool, j.seed_id,
         j.seeded_total::text AS seeded_total, j.contributed_total::text AS contributed_total, j.won_total::text AS won_total,
         j.created_at, s.commit, s.seed_ciphertext
    FROM jackpots j JOIN jackpot_seeds s ON s.id = j.seed_id`);

function toJackpot(r: JackpotRow): Jackpot & { seedCiphertext: string } {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    currency: r.currency,
    type: r.type as JackpotType,
    seedAmount: r.seed_amount,
    rateNanos: parseScaled(r.contribution_rate, RATE_DECIMALS),
    mustDropBy: r.must_drop_by,
    hitRateScaled: r.hit_rate === null ? null : parseScaled(r.hit_rate, 12),
    minBet: r.min_bet,
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

export interface ContributionRow {
  jackpotId: string;
  sourceWagerId: string;
  playerId: string;
  cycle: number;
  betAmount: bigint;
  contributionNanos: bigint;
  requestHash: string;
  response: object;
}

export interface WinRow {
  id: string;
  jackpotId: string;
  cycle: number;
  playerId: string;
  sourceWagerId: string;
  amount: bigint;
  seedId: string;
  proof: WinProof;
  createdAt: Date;
}

export interface JackpotState {
  id: string;
  cycle: number;
  poolNanos: bigint;
  seedId: string;
  seededAdded: bigint;
  contributedAdded: bigint;
  wonAdded: bigint;
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

  /** The jackpots a batch may contribute to: those named, and the auto_enroll ones in the batch's currencies. Not locked. */
  async forContributions(tenantId: TenantId, ids: readonly string[], currencies: readonly string[]): Promise<Jackpot[]> {
    if (ids.length === 0 && currencies.length === 0) return [];
    const rows = await this.db.client.$queryRaw<JackpotRow[]>`
      ${SELECT} WHERE j.tenant_id = ${tenantId} AND (j.id = ANY(${[...ids]}::text[]) OR (j.auto_enroll AND j.currency = ANY(${[...currencies]}::text[])))
      ORDER BY j.id`;
    return rows.map(toJackpot);
  }

  /**
   * The pools, locked in id order: one lock per jackpot per batch, taken last, held only to commit.
   * Contributions race here, and exactly one of them wins a cycle.
   */
  async lockPools(tenantId: TenantId, ids: readonly string[]): Promise<Array<Jackpot & { seedCiphertext: string }>> {
    if (ids.length === 0) return [];
    // Lock first, read after: a join locked FOR UPDATE would re-check a pool that a concurrent win moved
    // to a new seed against the old seed row, and silently drop it. The read is a new statement, so it
    // sees the pool and seed as the last holder of the lock committed them.
    await this.db.txClient.$queryRaw`SELECT id FROM jackpots WHERE tenant_id = ${tenantId} AND id = ANY(${[...ids]}::text[]) ORDER BY id FOR UPDATE`;
    const rows = await this.db.txClient.$queryRaw<JackpotRow[]>`${SELECT} WHERE j.tenant_id = ${tenantId} AND j.id = ANY(${[...ids]}::text[]) ORDER BY j.id`;
    return rows.map(toJackpot);
  }

  async insertSeed(tenantId: TenantId, jackpotId: string, seed: SealedSeed): Promise<void> {
    await this.db.txClient.jackpotSeed.create({
      data: { id: seed.id, tenantId, jackpotId, cycle: seed.cycle, seedCiphertext: seed.ciphertext, commit: seed.commit },
    });
  }

  async revealSeed(tenantId: TenantId, seedId: string, seed: string, at: Date): Promise<void> {
    await this.db.txClient.jackpotSeed.updateMany({ where: { id: seedId, tenantId, revealedAt: null }, data: { revealedSeed: seed, revealedAt: at } });
  }

  async insertWin(tenantId: TenantId, w: WinRow): Promise<void> {
    await this.db.txClient.jackpotWin.create({
      data: {
        id: w.id,
        tenantId,
        jackpotId: w.jackpotId,
        cycle: w.cycle,
        playerId: w.playerId,
        sourceWagerId: w.sourceWagerId,
        amount: w.amount,
        seedId: w.seedId,
        proof: w.proof as unknown as Prisma.InputJsonObject,
        createdAt: w.createdAt,
      },
    });
  }

  /** The pools after a batch, and the conservation totals moved by it. */
  async saveStates(tenantId: TenantId, states: readonly JackpotState[]): Promise<void> {
    if (states.length === 0) return;
    await this.db.txClient.$executeRaw`
      UPDATE jackpots j
         SET cycle = v.cycle, pool = v.pool::numeric, seed_id = v.seed_id,
             seeded_total = j.seeded_total + v.seeded::numeric,
             contributed_total = j.contributed_total + v.contributed::numeric,
             won_total = j.won_total + v.won::numeric, updated_at = now()
        FROM unnest(${states.map((s) => s.id)}::text[], ${states.map((s) => s.cycle)}::int[],
                    ${states.map((s) => formatScaled(s.poolNanos, RATE_DECIMALS))}::text[], ${states.map((s) => s.seedId)}::text[],
                    ${states.map((s) => s.seededAdded.toString())}::text[], ${states.map((s) => formatScaled(s.contributedAdded, RATE_DECIMALS))}::text[],
                    ${states.map((s) => s.wonAdded.toString())}::text[]) AS v(id, cycle, pool, seed_id, seeded, contributed, won)
       WHERE j.id = v.id AND j.tenant_id = ${tenantId}`;
  }

  /** Claims the (jackpot, source_wager_id) keys; returns how many were new (fewer: a duplicate is in flight). */
  async insertContributions(tenantId: TenantId, rows: readonly ContributionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.db.txClient.$executeRaw`
      INSERT INTO jackpot_contributions (jackpot_id, source_wager_id, tenant_id, player_id, cycle, bet_amount, contribution, request_hash, response)
      SELECT j, k, ${tenantId}, p, c, b, n::numeric, h, r::json
        FROM unnest(${rows.map((r) => r.jackpotId)}::text[], ${rows.map((r) => r.sourceWagerId)}::text[], ${rows.map((r) => r.playerId)}::text[],
                    ${rows.map((r) => r.cycle)}::int[], ${rows.map((r) => r.betAmount)}::bigint[],
                    ${rows.map((r) => formatScaled(r.contributionNanos, RATE_DECIMALS))}::text[], ${rows.map((r) => r.requestHash)}::text[],
                    ${rows.map((r) => JSON.stringify(r.response))}::text[]) AS v(j, k, p, c, b, n, h, r)
      ON CONFLICT (jackpot_id, source_wager_id) DO NOTHING`;
  }

  /** Stored answers of (jackpot, source_wager_id) keys, keyed `<jackpot>|<source_wager_id>`. */
  async findContributions(
    tenantId: TenantId,
    keys: ReadonlyArray<{ jackpotId: string; sourceWagerId: string }>,
  ): Promise<Map<string, { requestHash: string; response: unknown }>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.client.$queryRaw<Array<{ jackpot_id: string; source_wager_id: string; request_hash: string; response: unknown }>>`
      SELECT c.jackpot_id, c.source_wager_id, c.request_hash, c.response
        FROM jackpot_contributions c
        JOIN unnest(${keys.map((k) => k.jackpotId)}::text[], ${keys.map((k) => k.sourceWagerId)}::text[]) AS v(j, k)
          ON c.jackpot_id = v.j AND c.source_wager_id = v.k
       WHERE c.tenant_id = ${tenantId}`;
    return new Map(rows.map((r) => [`${r.jackpot_id}|${r.source_wager_id}`, { requestHash: r.request_hash, response: r.response }]));
  }

  async wins(tenantId: TenantId, jackpotId: string, page: PageRequest): Promise<JackpotWinView[]> {
    const rows = await this.db.client.jackpotWin.findMany({
      where: { tenantId, jackpotId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
      include: { player: { select: { externalRef: true } }, jackpot: { select: { currency: true } } },
    });
    const next = await this.db.client.jackpotSeed.findMany({
      where: { tenantId, jackpotId, cycle: { in: rows.map((r) => r.cycle + 1) } },
      select: { cycle: true, commit: true },
    });
    const commits = new Map(next.map((s) => [s.cycle, s.commit]));
    return rows.map((r) => ({
      win_id: r.id,
      jackpot_id: r.jackpotId,
      cycle: r.cycle,
      player_id: r.playerId,
      external_ref: r.player.externalRef,
      source_wager_id: r.sourceWagerId,
      amount: Number(r.amount),
      currency: r.jackpot.currency,
      proof: r.proof as unknown as WinProof,
      next_seed_commit: commits.get(r.cycle + 1) ?? null,
      created_at: r.createdAt.toISOString(),
    }));
  }
}
