import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import type { PageRequest, TenantId } from '@app/common';
import { type BonusKind, fromDecimal4, toDecimal4, type WageringBase } from './bonus-math.js';
import type { BonusGrant, BonusTemplate, GrantStatus, GrantView, LiveGrant } from './bonus.types.js';

type TemplateRow = Prisma.BonusTemplateGetPayload<object>;
type GrantRow = Prisma.BonusGrantGetPayload<{ include: { player: { select: { externalRef: true } } } }>;

const dec = (d: Prisma.Decimal | null): string | null => (d === null ? null : d.toString());

export function toTemplate(r: TemplateRow): BonusTemplate {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as BonusKind,
    currency: r.currency,
    matchPercent: dec(r.matchPercent),
    maxAmount: r.maxAmount,
    fixedAmount: r.fixedAmount,
    cashbackPercent: dec(r.cashbackPercent),
    cashbackWindowHours: r.cashbackWindowHours,
    wageringMultiplier: r.wageringMultiplier.toString(),
    wageringBase: r.wageringBase as WageringBase,
    gameWeights: r.gameWeights as Record<string, number>,
    maxBet: r.maxBet,
    minDeposit: r.minDeposit,
    expiresInHours: r.expiresInHours,
    createdAt: r.createdAt,
    archivedAt: r.archivedAt,
  };
}

function toGrant(r: GrantRow): BonusGrant {
  return {
    id: r.id,
    playerId: r.playerId,
    externalRef: r.player.externalRef,
    templateId: r.templateId,
    kind: r.kind as BonusKind,
    currency: r.currency,
    status: r.status as GrantStatus,
    amount: r.amount,
    depositAmount: r.depositAmount,
    wageringRequired: r.wageringRequired,
    wageringProgress: fromDecimal4(r.wageringProgress.toFixed(4)),
    maxBetViolations: r.maxBetViolations,
    cashbackNetLoss: r.cashbackNetLoss,
    windowEndsAt: r.windowEndsAt,
    expiresAt: r.expiresAt,
    activatedAt: r.activatedAt,
    completedAt: r.completedAt,
    endedAt: r.endedAt,
    createdAt: r.createdAt,
  };
}

const WITH_PLAYER = { player: { select: { externalRef: true } } } as const;

/**
 * A live grant as one JSON object, numbers as text, for raw SQL on the wager hot path (from
 * bonus_grants g JOIN players pl); its template comes apart, once per template (TEMPLATE_JSON, from
 * bonus_templates bt), not once per grant: building each grant's copy of the template cost PostgreSQL
 * about 20 µs per grant (64 live grants locked and read, alternated rounds: 34 µs per grant with the
 * template inside, 13 without). liveGrantFromJson reads the two.
 */
export const LIVE_GRANT_JSON = `json_build_object(
  'id', g.id, 'player_id', g.player_id, 'external_ref', pl.external_ref, 'template_id', g.template_id, 'kind', g.kind,
  'currency', g.currency, 'status', g.status, 'amount', g.amount::text, 'deposit_amount', g.deposit_amount::text,
  'wagering_required', g.wagering_required::text, 'wagering_progress', g.wagering_progress::text, 'max_bet_violations', g.max_bet_violations,
  'cashback_net_loss', g.cashback_net_loss::text, 'window_ends_at', g.window_ends_at, 'expires_at', g.expires_at,
  'activated_at', g.activated_at, 'completed_at', g.completed_at, 'ended_at', g.ended_at, 'created_at', g.created_at)`;

export const TEMPLATE_JSON = `json_build_object(
  'id', bt.id, 'name', bt.name, 'kind', bt.kind, 'currency', bt.currency, 'match_percent', bt.match_percent::text,
  'max_amount', bt.max_amount::text, 'fixed_amount', bt.fixed_amount::text, 'cashback_percent', bt.cashback_percent::text,
  'cashback_window_hours', bt.cashback_window_hours, 'wagering_multiplier', bt.wagering_multiplier::text, 'wagering_base', bt.wagering_base,
  'game_weights', bt.game_weights, 'max_bet', bt.max_bet::text, 'min_deposit', bt.min_deposit::text, 'expires_in_hours', bt.expires_in_hours,
  'created_at', bt.created_at, 'archived_at', bt.archived_at)`;

type Json = Record<string, unknown>;
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as string));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/** A grant of LIVE_GRANT_JSON with its template (templateFromJson). */
export function liveGrantFromJson(o: Json, template: BonusTemplate): LiveGrant {
  return {
    id: o.id as string,
    playerId: o.player_id as string,
    externalRef: o.external_ref as string,
    templateId: o.template_id as string,
    kind: o.kind as BonusKind,
    currency: o.currency as string,
    status: o.status as GrantStatus,
    amount: bigOrNull(o.amount),
    depositAmount: bigOrNull(o.deposit_amount),
    wageringRequired: bigOrNull(o.wagering_required),
    wageringProgress: fromDecimal4(o.wagering_progress as string),
    maxBetViolations: o.max_bet_violations as number,
    cashbackNetLoss: BigInt(o.cashback_net_loss as string),
    windowEndsAt: dateOrNull(o.window_ends_at),
    expiresAt: dateOrNull(o.expires_at),
    activatedAt: dateOrNull(o.activated_at),
    completedAt: dateOrNull(o.completed_at),
    endedAt: dateOrNull(o.ended_at),
    createdAt: new Date(o.created_at as string),
    template,
  };
}

/** A template of TEMPLATE_JSON. */
export function templateFromJson(t: Json): BonusTemplate {
  return {
    id: t.id as string,
    name: t.name as string,
    kind: t.kind as BonusKind,
    currency: t.currency as string,
    matchPercent: (t.match_percent as string | null) ?? null,
    maxAmount: bigOrNull(t.max_amount),
    fixedAmount: bigOrNull(t.fixed_amount),
    cashbackPercent: (t.cashback_percent as string | null) ?? null,
    cashbackWindowHours: (t.cashback_window_hours as number | null) ?? null,
    wageringMultiplier: t.wagering_multiplier as string,
    wageringBase: t.wagering_base as WageringBase,
    gameWeights: t.game_weights as Record<string, number>,
    maxBet: bigOrNull(t.max_bet),
    minDeposit: bigOrNull(t.min_deposit),
    expiresInHours: (t.expires_in_hours as number | null) ?? null,
    createdAt: new Date(t.created_at as string),
    archivedAt: dateOrNull(t.archived_at),
  };
}

/** What a grant's state change writes. */
export type GrantChange = Partial<
  Pick<
    BonusGrant,
    | 'status'
    | 'amount'
    | 'depositAmount'
    | 'wageringRequired'
    | 'wageringProgress'
    | 'maxBetViolations'
    | 'cashbackNetLoss'
    | 'activatedAt'
    | 'completedAt'
    | 'endedAt'
    | 'expiresAt'
  >
>;

export interface NewGrant {
  grant: BonusGrant;
  idempotencyKey: string | null;
  grantKey: string | null;
  requestHash: string | null;
}

@Injectable()
export class BonusesRepository {
  constructor(private readonly db: DbService) {}

  // ---- templates -------------------------------------------------------------------------------

  async createTemplate(tenantId: TenantId, t: BonusTemplate): Promise<BonusTemplate> {
    const row = await this.db.client.bonusTemplate.create({
      data: {
        id: t.id,
        tenantId,
        name: t.name,
        kind: t.kind,
        currency: t.currency,
        matchPercent: t.matchPercent,
        maxAmount: t.maxAmount,
        fixedAmount: t.fixedAmount,
        cashbackPercent: t.cashbackPercent,
        cashbackWindowHours: t.cashbackWindowHours,
        wageringMultiplier: t.wageringMultiplier,
        wageringBase: t.wageringBase,
        gameWeights: t.gameWeights,
        maxBet: t.maxBet,
        minDeposit: t.minDeposit,
        expiresInHours: t.expiresInHours,
        createdAt: t.createdAt,
      },
    });
    return toTemplate(row);
  }

  async listTemplates(tenantId: TenantId, page: PageRequest): Promise<BonusTemplate[]> {
    const rows = await this.db.client.bonusTemplate.findMany({
      where: { tenantId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toTemplate);
  }

  async findTemplate(tenantId: TenantId, id: string): Promise<BonusTemplate | null> {
    const row = await this.db.client.bonusTemplate.findFirst({ where: { id, tenantId } });
    return row && toTemplate(row);
  }

  async archiveTemplate(tenantId: TenantId, id: string): Promise<boolean> {
    const { count } = await this.db.client.bonusTemplate.updateMany({ where: { id, tenantId, archivedAt: null }, data: { archivedAt: new Date() } });
    return count === 1;
  }

  // ---- grants ----------------------------------------------------------------------------------

  /** INSERT … ON CONFLICT DO NOTHING on either key: false when the idempotency or grant key is taken. */
  async insertGrant(tenantId: TenantId, n: NewGrant): Promise<boolean> {
    const g = n.grant;
    const count = await this.db.txClient.$executeRaw`
      INSERT INTO bonus_grants (id, tenant_id, player_id, template_id, kind, currency, status, idempotency_key, grant_key, request_hash,
                                amount, deposit_amount, wagering_required, window_ends_at, expires_at, activated_at, created_at, updated_at)
      VALUES (${g.id}, ${tenantId}, ${g.playerId}, ${g.templateId}, ${g.kind}, ${g.currency}, ${g.status}, ${n.idempotencyKey}, ${n.grantKey},
              ${n.requestHash}, ${g.amount}, ${g.depositAmount}, ${g.wageringRequired}, ${g.windowEndsAt}, ${g.expiresAt}, ${g.activatedAt},
              ${g.createdAt}, ${g.createdAt})
      ON CONFLICT DO NOTHING`;
    return count === 1;
  }

  async setResponse(tenantId: TenantId, id: string, response: GrantView): Promise<void> {
    await this.db.txClient.bonusGrant.update({ where: { id, tenantId }, data: { response: response as unknown as Prisma.InputJsonObject } });
  }

  async findByIdempotencyKey(tenantId: TenantId, key: string): Promise<{ requestHash: string | null; response: GrantView | null } | null> {
    const row = await this.db.client.bonusGrant.findUnique({
      where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: key } },
      select: { requestHash: true, response: true },
    });
    return row && { requestHash: row.requestHash, response: row.response as GrantView | null };
  }

  async findByGrantKey(tenantId: TenantId, grantKey: string): Promise<BonusGrant | null> {
    const row = await this.db.client.bonusGrant.findUnique({ where: { tenantId_grantKey: { tenantId, grantKey } }, include: WITH_PLAYER });
    return row && toGrant(row);
  }

  async findGrant(tenantId: TenantId, playerId: string, id: string): Promise<BonusGrant | null> {
    const row = await this.db.client.bonusGrant.findFirst({ where: { id, tenantId, playerId }, include: WITH_PLAYER });
    return row && toGrant(row);
  }

  async listPlayerGrants(tenantId: TenantId, playerId: string, status: GrantStatus | undefined, page: PageRequest): Promise<BonusGrant[]> {
    const rows = await this.db.client.bonusGrant.findMany({
      where: { tenantId, playerId, ...(status && { status }), ...(page.cursor && { id: { lt: page.cursor } }) },
      include: WITH_PLAYER,
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toGrant);
  }

  /** The player's offered and active grants, with their terms, locked for this transaction (oldest first). */
  async lockLiveGrants(tenantId: TenantId, playerId: string): Promise<LiveGrant[]> {
    const locked = await this.db.txClient.$queryRaw<{ id: string }[]>`
      SELECT id FROM bonus_grants
       WHERE tenant_id = ${tenantId} AND player_id = ${playerId} AND status IN ('offered', 'active')
       ORDER BY id FOR NO KEY UPDATE`;
    if (locked.length === 0) return [];
    const rows = await this.db.txClient.bonusGrant.findMany({
      where: { id: { in: locked.map((l) => l.id) }, tenantId },
      include: { ...WITH_PLAYER, template: true },
      orderBy: { id: 'asc' },
    });
    return rows.map((r) => ({ ...toGrant(r), template: toTemplate(r.template) }));
  }

  /** Writes a grant's new state; only while it is still in `from` (else returns null). */
  async changeGrant(tenantId: TenantId, id: string, from: readonly GrantStatus[], change: GrantChange): Promise<BonusGrant | null> {
    const { count } = await this.db.txClient.bonusGrant.updateMany({
      where: { id, tenantId, status: { in: [...from] } },
      data: {
        ...(change.status !== undefined && { status: change.status }),
        ...(change.amount !== undefined && { amount: change.amount }),
        ...(change.depositAmount !== undefined && { depositAmount: change.depositAmount }),
        ...(change.wageringRequired !== undefined && { wageringRequired: change.wageringRequired }),
        ...(change.wageringProgress !== undefined && { wageringProgress: toDecimal4(change.wageringProgress) }),
        ...(change.maxBetViolations !== undefined && { maxBetViolations: change.maxBetViolations }),
        ...(change.cashbackNetLoss !== undefined && { cashbackNetLoss: change.cashbackNetLoss }),
        ...(change.activatedAt !== undefined && { activatedAt: change.activatedAt }),
        ...(change.completedAt !== undefined && { completedAt: change.completedAt }),
        ...(change.endedAt !== undefined && { endedAt: change.endedAt }),
        ...(change.expiresAt !== undefined && { expiresAt: change.expiresAt }),
        updatedAt: new Date(),
      },
    });
    if (count !== 1) return null;
    const row = await this.db.txClient.bonusGrant.findFirst({ where: { id, tenantId }, include: WITH_PLAYER });
    return row && toGrant(row);
  }

  // ---- timers (the worker) ---------------------------------------------------------------------

  /**
   * @crossTenant the timers serve every tenant: live grants whose deadline passed, locked (SKIP
   * LOCKED, so several workers share the work) for the caller's transaction.
   */
  async lockExpired(limit: number): Promise<Array<{ id: string; tenantId: TenantId }>> {
    const rows = await this.db.txClient.$queryRaw<{ id: string; tenant_id: string }[]>`
      SELECT id, tenant_id FROM bonus_grants
       WHERE status IN ('offered', 'active') AND expires_at <= now()
       ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id as TenantId }));
  }

  /** @crossTenant cashback grants whose window closed, locked for the caller's transaction. */
  async lockCashbackDue(limit: number): Promise<Array<{ id: string; tenantId: TenantId; playerId: string }>> {
    const rows = await this.db.txClient.$queryRaw<{ id: string; tenant_id: string; player_id: string }[]>`
      SELECT id, tenant_id, player_id FROM bonus_grants
       WHERE status = 'offered' AND kind = 'cashback' AND window_ends_at <= now()
       ORDER BY window_ends_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id as TenantId, playerId: r.player_id }));
  }

  async findLive(tenantId: TenantId, id: string): Promise<LiveGrant | null> {
    const row = await this.db.client.bonusGrant.findFirst({ where: { id, tenantId }, include: { ...WITH_PLAYER, template: true } });
    return row && { ...toGrant(row), template: toTemplate(row.template) };
  }
}
