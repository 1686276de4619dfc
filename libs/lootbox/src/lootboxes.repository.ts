import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import type { PageRequest, TenantId } from '@app/common';
import type { Lootbox, OpenView, SeedView } from './lootbox.types.js';
import type { Prize, Tier } from './prize-table.js';

/** The advisory lock class of lootbox seeds ("LB"): opens hold a box's lock shared, a rotation alone. */
const SEED_LOCK_CLASS = 0x4c42;

type BoxRow = Prisma.LootboxGetPayload<{ include: { seeds: { where: { revealedAt: null } } } }>;

const CURRENT_SEED = { seeds: { where: { revealedAt: null } } } as const;

function toLootbox(r: BoxRow): Lootbox {
  const seed = r.seeds[0];
  return {
    id: r.id,
    name: r.name,
    tier: r.tier as Tier | null,
    currency: r.currency,
    evTarget: r.evTarget,
    prizeTable: r.prizeTable as unknown as Prize[],
    ev: r.ev.toFixed(4),
    createdAt: r.createdAt,
    currentSeed: seed ? { id: seed.id, commit: seed.commit } : null,
  };
}

const toSeedView = (r: Prisma.LootboxSeedGetPayload<object>): SeedView => ({
  seed_id: r.id,
  commit: r.commit,
  seed: r.revealedSeed,
  created_at: r.createdAt.toISOString(),
  revealed_at: r.revealedAt ? r.revealedAt.toISOString() : null,
});

export interface NewSeed {
  id: string;
  ciphertext: string;
  commit: string;
}

export interface OpenRow {
  id: string;
  lootboxId: string;
  playerId: string;
  idempotencyKey: string;
  requestHash: string;
  seedId: string;
  prizeIndex: number;
  reward: object;
  proof: object;
  createdAt: Date;
}

@Injectable()
export class LootboxesRepository {
  constructor(private readonly db: DbService) {}

  async create(tenantId: TenantId, box: Omit<Lootbox, 'currentSeed'>, seed: NewSeed): Promise<Lootbox> {
    return this.db.transaction(async () => {
      await this.db.client.lootbox.create({
        data: {
          id: box.id,
          tenantId,
          name: box.name,
          tier: box.tier,
          currency: box.currency,
          evTarget: box.evTarget,
          prizeTable: box.prizeTable as unknown as Prisma.InputJsonArray,
          ev: box.ev,
          createdAt: box.createdAt,
        },
      });
      await this.insertSeed(tenantId, box.id, seed);
      return (await this.find(tenantId, box.id))!;
    });
  }

  async find(tenantId: TenantId, id: string): Promise<Lootbox | null> {
    const row = await this.db.client.lootbox.findFirst({ where: { id, tenantId }, include: CURRENT_SEED });
    return row && toLootbox(row);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Lootbox[]> {
    const rows = await this.db.client.lootbox.findMany({
      where: { tenantId, ...(page.cursor && { id: { lt: page.cursor } }) },
      include: CURRENT_SEED,
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toLootbox);
  }

  async insertSeed(tenantId: TenantId, lootboxId: string, seed: NewSeed): Promise<void> {
    await this.db.client.lootboxSeed.create({ data: { id: seed.id, tenantId, lootboxId, seedCiphertext: seed.ciphertext, commit: seed.commit } });
  }

  /**
   * The box's current seed for an open, with the box's seed lock held shared until the transaction
   * ends: opens run side by side, and a rotation (which takes it alone) waits for them, so no open uses
   * a seed after it was revealed. The seed is read by a second statement: a statement that waited for a
   * rotation has a snapshot older than the new seed; the next statement's snapshot has it.
   */
  async currentSeedForOpen(tenantId: TenantId, lootboxId: string): Promise<{ id: string; ciphertext: string; commit: string } | null> {
    if (!(await this.lockSeed(tenantId, lootboxId, 'shared'))) return null;
    return this.currentSeed(tenantId, lootboxId);
  }

  /**
   * The box's current seed for a rotation, with the box's seed lock held alone: the rotation waits for
   * the opens in flight, opens that arrive meanwhile wait for it, and concurrent rotations run one after
   * the other (each reveals the seed the one before it committed to).
   */
  async currentSeedForRotation(tenantId: TenantId, lootboxId: string): Promise<{ id: string; ciphertext: string; commit: string } | null> {
    if (!(await this.lockSeed(tenantId, lootboxId, 'exclusive'))) return null;
    return this.currentSeed(tenantId, lootboxId);
  }

  /**
   * A transaction-scoped advisory lock per box (class SEED_LOCK_CLASS, the box id's hash), taken only if
   * the box is this tenant's. Not a row lock: PostgreSQL grants a row's FOR SHARE to newcomers ahead of
   * a waiting FOR UPDATE, so a steady stream of opens starved a rotation until it timed out; its lock
   * manager queues advisory locks in order, so a waiting rotation holds back the opens behind it.
   */
  private async lockSeed(tenantId: TenantId, lootboxId: string, mode: 'shared' | 'exclusive'): Promise<boolean> {
    const lock = Prisma.raw(mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock');
    const rows = await this.db.txClient.$queryRaw<{ id: string }[]>`
      SELECT id, ${lock}(${SEED_LOCK_CLASS}::int, hashtext(id))::text AS locked
        FROM lootboxes WHERE tenant_id = ${tenantId} AND id = ${lootboxId}`;
    return rows.length === 1;
  }

  private async currentSeed(tenantId: TenantId, lootboxId: string): Promise<{ id: string; ciphertext: string; commit: string } | null> {
    const rows = await this.db.txClient.$queryRaw<{ id: string; seed_ciphertext: string; commit: string }[]>`
      SELECT id, seed_ciphertext, commit FROM lootbox_seeds
       WHERE tenant_id = ${tenantId} AND lootbox_id = ${lootboxId} AND revealed_at IS NULL`;
    return rows[0] ? { id: rows[0].id, ciphertext: rows[0].seed_ciphertext, commit: rows[0].commit } : null;
  }

  async reveal(tenantId: TenantId, seedId: string, seed: string): Promise<SeedView> {
    const r = await this.db.txClient.lootboxSeed.update({ where: { id: seedId, tenantId }, data: { revealedSeed: seed, revealedAt: new Date() } });
    return toSeedView(r);
  }

  async seeds(tenantId: TenantId, lootboxId: string, page: PageRequest): Promise<SeedView[]> {
    const rows = await this.db.client.lootboxSeed.findMany({
      where: { tenantId, lootboxId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toSeedView);
  }

  /** INSERT … ON CONFLICT DO NOTHING on (lootbox, idempotency key): false when the key was used. */
  async insertOpen(tenantId: TenantId, o: OpenRow): Promise<boolean> {
    const count = await this.db.txClient.$executeRaw`
      INSERT INTO lootbox_opens (id, tenant_id, lootbox_id, player_id, idempotency_key, request_hash, seed_id, prize_index, reward, proof, created_at)
      VALUES (${o.id}, ${tenantId}, ${o.lootboxId}, ${o.playerId}, ${o.idempotencyKey}, ${o.requestHash}, ${o.seedId}, ${o.prizeIndex},
              ${JSON.stringify(o.reward)}::jsonb, ${JSON.stringify(o.proof)}::jsonb, ${o.createdAt})
      ON CONFLICT (lootbox_id, idempotency_key) DO NOTHING`;
    return count === 1;
  }

  async setResponse(tenantId: TenantId, id: string, response: OpenView): Promise<void> {
    await this.db.txClient.lootboxOpen.update({ where: { id, tenantId }, data: { response: response as unknown as Prisma.InputJsonObject } });
  }

  async findOpen(tenantId: TenantId, lootboxId: string, idempotencyKey: string): Promise<{ requestHash: string; response: OpenView | null } | null> {
    const row = await this.db.client.lootboxOpen.findFirst({
      where: { tenantId, lootboxId, idempotencyKey },
      select: { requestHash: true, response: true },
    });
    return row && { requestHash: row.requestHash, response: row.response as OpenView | null };
  }

  async playerOpens(tenantId: TenantId, playerId: string, page: PageRequest): Promise<OpenView[]> {
    const rows = await this.db.client.lootboxOpen.findMany({
      where: { tenantId, playerId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
      select: { response: true },
    });
    return rows.map((r) => r.response as unknown as OpenView).filter((r) => r !== null);
  }
}
