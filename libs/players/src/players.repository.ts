import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import { hasPrefix, MAX_MONEY, type TenantId } from '@app/common';
import type { Player, PlayerView } from './player.js';

type PlayerRow = Prisma.PlayerGetPayload<object>;

/** What the first POST /v1/players stored, to answer its replays. */
export interface CreateState {
  player: Player;
  requestHash: string | null;
  response: PlayerView | null;
}

export type PlayerFields = Pick<
  Player,
  'country' | 'currency' | 'vipLevel' | 'tags' | 'attributes' | 'registeredAt'
>;

export interface PlayerPatch {
  country?: string | null;
  vipLevel?: number;
  tags?: string[];
  attributes?: Record<string, unknown>;
  selfExcluded?: boolean;
  excludedUntil?: Date | null;
}

function toPlayer(r: PlayerRow): Player {
  return {
    id: r.id,
    tenantId: r.tenantId as TenantId,
    externalRef: r.externalRef,
    country: r.country,
    currency: r.currency,
    vipLevel: r.vipLevel,
    tags: r.tags,
    attributes: r.attributes as Record<string, unknown>,
    selfExcluded: r.selfExcluded,
    excludedUntil: r.excludedUntil,
    registeredAt: r.registeredAt,
    firstDepositAt: r.firstDepositAt,
    lastDepositAt: r.lastDepositAt,
    lastWagerAt: r.lastWagerAt,
    lastLoginAt: r.lastLoginAt,
    depositCount: r.depositCount,
    totalDeposited: r.totalDeposited,
    totalWagered: r.totalWagered,
    winzBalance: r.winzBalance,
    createdAt: r.createdAt,
  };
}

@Injectable()
export class PlayersRepository {
  constructor(private readonly db: DbService) {}

  /**
   * INSERT … ON CONFLICT (tenant_id, external_ref) DO NOTHING. Returns null when the player exists;
   * a concurrent insert of the same ref waits for the other transaction and then returns null.
   */
  async insertIfAbsent(
    tenantId: TenantId,
    p: Player,
    create: { requestHash: string | null; response: PlayerView | null },
  ): Promise<Player | null> {
    const rows = await this.db.client.player.createManyAndReturn({
      data: [
        {
          id: p.id,
          tenantId,
          externalRef: p.externalRef,
          country: p.country,
          currency: p.currency,
          vipLevel: p.vipLevel,
          tags: p.tags,
          attributes: p.attributes as Prisma.InputJsonObject,
          registeredAt: p.registeredAt,
          createRequestHash: create.requestHash,
          createResponse: create.response === null ? Prisma.DbNull : (create.response as unknown as Prisma.InputJsonObject),
          createdAt: p.createdAt,
          updatedAt: p.createdAt,
        },
      ],
      skipDuplicates: true,
    });
    return rows.length === 1 ? toPlayer(rows[0]) : null;
  }

  async findCreateState(tenantId: TenantId, externalRef: string): Promise<CreateState | null> {
    const row = await this.db.client.player.findUnique({ where: { tenantId_externalRef: { tenantId, externalRef } } });
    if (!row) return null;
    return {
      player: toPlayer(row),
      requestHash: row.createRequestHash,
      response: row.createResponse as PlayerView | null,
    };
  }

  /**
   * The first POST for a player that an event created: fills in its fields and stores the answer.
   * Only one caller can win (the row still has no request hash); the others get false.
   */
  async completeEventCreated(
    tenantId: TenantId,
    id: string,
    fields: PlayerFields,
    create: { requestHash: string; response: PlayerView },
  ): Promise<boolean> {
    const { count } = await this.db.client.player.updateMany({
      // the currency is set only where it is unset or already this one (an event may set it meanwhile)
      where: { id, tenantId, createRequestHash: null, ...(fields.currency !== null && { OR: [{ currency: null }, { currency: fields.currency }] }) },
      data: {
        country: fields.country,
        ...(fields.currency !== null && { currency: fields.currency }),
        vipLevel: fields.vipLevel,
        tags: fields.tags,
        attributes: fields.attributes as Prisma.InputJsonObject,
        registeredAt: fields.registeredAt,
        createRequestHash: create.requestHash,
        createResponse: create.response as unknown as Prisma.InputJsonObject,
        updatedAt: new Date(),
      },
    });
    return count === 1;
  }

  /** By WOWsino id (`plr_…`) or by the operator's external_ref; the id wins if both could match. */
  async findByRef(tenantId: TenantId, ref: string): Promise<Player | null> {
    if (hasPrefix(ref, 'plr')) {
      const byId = await this.db.client.player.findFirst({ where: { id: ref, tenantId } });
      if (byId) return toPlayer(byId);
    }
    const byRef = await this.db.client.player.findUnique({ where: { tenantId_externalRef: { tenantId, externalRef: ref } } });
    return byRef && toPlayer(byRef);
  }

  async update(tenantId: TenantId, id: string, patch: PlayerPatch): Promise<Player> {
    const row = await this.db.client.player.update({
      where: { id, tenantId },
      data: {
        ...(patch.country !== undefined && { country: patch.country }),
        ...(patch.vipLevel !== undefined && { vipLevel: patch.vipLevel }),
        ...(patch.tags !== undefined && { tags: patch.tags }),
        ...(patch.attributes !== undefined && { attributes: patch.attributes as Prisma.InputJsonObject }),
        ...(patch.selfExcluded !== undefined && { selfExcluded: patch.selfExcluded }),
        ...(patch.excludedUntil !== undefined && { excludedUntil: patch.excludedUntil }),
        updatedAt: new Date(),
      },
    });
    return toPlayer(row);
  }


  /** Players by id, in id order (a campaign's chunk of members). */
  async findByIds(tenantId: TenantId, ids: readonly string[]): Promise<Player[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.client.player.findMany({ where: { tenantId, id: { in: [...ids] } }, orderBy: { id: 'asc' } });
    return rows.map(toPlayer);
  }

  /** Players named by `plr_` ids or external_refs, in one query (a batch of events). */
  async findByRefs(tenantId: TenantId, refs: readonly string[]): Promise<Player[]> {
    if (refs.length === 0) return [];
    const rows = await this.db.client.player.findMany({
      where: { tenantId, OR: [{ id: { in: refs.filter((r) => hasPrefix(r, 'plr')) } }, { externalRef: { in: [...refs] } }] },
    });
    return rows.map(toPlayer);
  }

  /**
   * Locks a batch's players in id order (so batches that share players take turns, and never
   * deadlock) and returns what may have changed since they were read: exclusion and currency.
   */
  async lockMany(tenantId: TenantId, ids: readonly string[]): Promise<Map<string, Pick<Player, 'selfExcluded' | 'excludedUntil' | 'currency'>>> {
    const rows = await this.db.txClient.$queryRaw<Array<{ id: string; self_excluded: boolean; excluded_until: Date | null; currency: string | null }>>`
      SELECT id, self_excluded, excluded_until, currency FROM players
       WHERE tenant_id = ${tenantId} AND id = ANY(${[...ids]}::text[]) ORDER BY id FOR NO KEY UPDATE`;
    return new Map(rows.map((r) => [r.id, { selfExcluded: r.self_excluded, excludedUntil: r.excluded_until, currency: r.currency }]));
  }

  /** A deposit's stats, at its own time. Returns whether it is the player's first deposit ever. */
  async recordDeposit(tenantId: TenantId, id: string, amount: bigint | null, currency: string | null, occurredAt: Date): Promise<boolean> {
    // total_deposited (saturating at 2^53 − 1) is in the player's currency: a deposit in another one (or of unknown size) adds 0;
    // one of unknown currency by a player with none counts as that currency.
    const rows = await this.db.txClient.$queryRaw<{ first: boolean }[]>`
      UPDATE players
         SET currency = COALESCE(currency, ${currency}::text),
             deposit_count = deposit_count + 1,
             total_deposited = LEAST(total_deposited + CASE
               WHEN ${currency}::text IS NULL OR COALESCE(currency, ${currency}::text) = ${currency}::text THEN COALESCE(${amount}::bigint, 0::bigint)
               ELSE 0::bigint END, ${BigInt(MAX_MONEY)}::bigint),
             first_deposit_at = LEAST(first_deposit_at, ${occurredAt}),
             last_deposit_at = GREATEST(last_deposit_at, ${occurredAt}),
             updated_at = now()
       WHERE id = ${id} AND tenant_id = ${tenantId}
      RETURNING deposit_count = 1 AS first`;
    return rows[0]?.first ?? false;
  }

  async recordLogin(tenantId: TenantId, id: string, occurredAt: Date): Promise<void> {
    await this.db.txClient.$executeRaw`
      UPDATE players SET last_login_at = GREATEST(last_login_at, ${occurredAt}), updated_at = now()
       WHERE id = ${id} AND tenant_id = ${tenantId}`;
  }
}
