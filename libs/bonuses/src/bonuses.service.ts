import { Injectable } from '@nestjs/common';
import { AppError, newId, type Page, type PageRequest, Replayable, requestHash, type TenantId, toPage } from '@app/common';
import { DbService } from '@app/db';
import { OutboxService } from '@app/outbox';
import { isExcluded, type Player, PlayersService } from '@app/players';
import { DEFAULT_GAME_WEIGHTS, DEPOSIT_KINDS, wageringRequired } from './bonus-math.js';
import { DEFAULT_CASHBACK_WINDOW_HOURS, type TemplateInput, templateProblems } from './bonus-template.js';
import { type BonusGrant, type BonusTemplate, type GrantStatus, type GrantView, type TemplateView, toGrantView, toTemplateView } from './bonus.types.js';
import { BonusesRepository } from './bonuses.repository.js';

const HOUR = 3_600_000;

export interface GrantInput {
  templateId: string;
  idempotencyKey: string;
  /** a deadline for this grant instead of the template's expires_in_hours */
  expiresAt?: Date;
}

@Injectable()
export class BonusesService {
  constructor(
    private readonly db: DbService,
    private readonly repo: BonusesRepository,
    private readonly players: PlayersService,
    private readonly outbox: OutboxService,
  ) {}

  // ---- templates -------------------------------------------------------------------------------

  async createTemplate(tenantId: TenantId, input: TemplateInput): Promise<TemplateView> {
    const problems = templateProblems(input);
    if (problems.length > 0) throw AppError.validation(problems);
    const template = await this.repo.createTemplate(tenantId, {
      id: newId('btp'),
      name: input.name,
      kind: input.kind,
      currency: input.currency,
      matchPercent: input.matchPercent === undefined ? null : String(input.matchPercent),
      maxAmount: input.maxAmount ?? null,
      fixedAmount: input.fixedAmount ?? null,
      cashbackPercent: input.cashbackPercent === undefined ? null : String(input.cashbackPercent),
      cashbackWindowHours: input.kind === 'cashback' ? (input.cashbackWindowHours ?? DEFAULT_CASHBACK_WINDOW_HOURS) : null,
      wageringMultiplier: String(input.wageringMultiplier),
      wageringBase: input.wageringBase,
      gameWeights: input.gameWeights ?? { ...DEFAULT_GAME_WEIGHTS },
      maxBet: input.maxBet ?? null,
      minDeposit: input.minDeposit ?? null,
      expiresInHours: input.expiresInHours ?? null,
      createdAt: new Date(),
      archivedAt: null,
    });
    return toTemplateView(template);
  }

  async listTemplates(tenantId: TenantId, page: PageRequest): Promise<Page<TemplateView>> {
    return toPage(await this.repo.listTemplates(tenantId, page), page.limit, (t) => t.id, toTemplateView);
  }

  async getTemplate(tenantId: TenantId, id: string): Promise<TemplateView> {
    return toTemplateView(await this.requireTemplate(tenantId, id));
  }

  /** No new grants from it; grants already made go on. */
  async archiveTemplate(tenantId: TenantId, id: string): Promise<void> {
    await this.requireTemplate(tenantId, id);
    await this.repo.archiveTemplate(tenantId, id);
  }

  findTemplate(tenantId: TenantId, id: string): Promise<BonusTemplate | null> {
    return this.repo.findTemplate(tenantId, id);
  }

  async requireTemplate(tenantId: TenantId, id: string): Promise<BonusTemplate> {
    const t = await this.repo.findTemplate(tenantId, id);
    if (!t) throw AppError.notFound('bonus template');
    return t;
  }

  // ---- grants ----------------------------------------------------------------------------------

  /**
   * POST /v1/players/:player/bonuses, idempotent on idempotency_key (tenant). Refuses archived
   * templates, excluded players and a template in another currency than the player's.
   */
  async grant(tenantId: TenantId, ref: string, input: GrantInput): Promise<Replayable<GrantView>> {
    return this.db.transaction(async () => {
      // The player by whichever reference the path used: the plr_ id and the external_ref are one request.
      const player = await this.players.require(tenantId, ref);
      const hash = requestHash({ player: player.id, ...input });
      const earlier = await this.repo.findByIdempotencyKey(tenantId, input.idempotencyKey);
      if (earlier) return replayOf(earlier, hash);
      const template = await this.requireTemplate(tenantId, input.templateId);
      if (template.archivedAt) throw AppError.rule('template_archived', 'the bonus template is archived');
      if (isExcluded(player)) throw AppError.rule('player_excluded', 'the player is excluded from promotions');
      if (player.currency !== null && player.currency !== template.currency) {
        throw AppError.rule('currency_mismatch', `the template is in ${template.currency}, the player plays in ${player.currency}`);
      }
      const at = new Date();
      if (input.expiresAt && input.expiresAt <= at) throw AppError.validation([{ field: 'expires_at', issue: 'must be in the future' }]);
      const grant = await this.create(tenantId, player, template, at, { idempotencyKey: input.idempotencyKey, requestHash: hash, expiresAt: input.expiresAt });
      if (!grant) {
        const winner = await this.repo.findByIdempotencyKey(tenantId, input.idempotencyKey);
        if (!winner) throw new Error('bonus grant conflict without a winner');
        return replayOf(winner, hash);
      }
      const view = toGrantView(grant);
      await this.repo.setResponse(tenantId, grant.id, view);
      return Replayable.first(view);
    });
  }

  /**
   * The reward service's bonus: inside the caller's transaction, once per grant key (a repeat returns
   * the grant made the first time).
   */
  async grantForReward(tenantId: TenantId, player: Player, templateId: string, grantKey: string, at: Date, known?: BonusTemplate): Promise<GrantView> {
    const template = known?.id === templateId ? known : await this.requireTemplate(tenantId, templateId);
    const grant = (await this.create(tenantId, player, template, at, { grantKey })) ?? (await this.repo.findByGrantKey(tenantId, grantKey));
    if (!grant) throw new Error(`bonus grant ${grantKey} vanished`);
    return toGrantView(grant);
  }

  async listForPlayer(tenantId: TenantId, ref: string, status: GrantStatus | undefined, page: PageRequest): Promise<Page<GrantView>> {
    const player = await this.players.require(tenantId, ref);
    return toPage(await this.repo.listPlayerGrants(tenantId, player.id, status, page), page.limit, (g) => g.id, toGrantView);
  }

  /** The operator withdraws an offered or active bonus. */
  cancel(tenantId: TenantId, ref: string, id: string): Promise<GrantView> {
    return this.end(tenantId, ref, id, 'cancelled');
  }

  /** The player gives up an offered or active bonus. */
  forfeit(tenantId: TenantId, ref: string, id: string): Promise<GrantView> {
    return this.end(tenantId, ref, id, 'forfeited');
  }

  private async end(tenantId: TenantId, ref: string, id: string, status: 'cancelled' | 'forfeited'): Promise<GrantView> {
    return this.db.transaction(async () => {
      const player = await this.players.require(tenantId, ref);
      const grant = await this.repo.findGrant(tenantId, player.id, id);
      if (!grant) throw AppError.notFound('bonus');
      const ended = await this.repo.changeGrant(tenantId, id, ['offered', 'active'], { status, endedAt: new Date() });
      if (!ended) {
        // read again: a concurrent cancel, forfeit or completion may have ended it after the first read
        const now = (await this.repo.findGrant(tenantId, player.id, id)) ?? grant;
        throw AppError.conflict(`the bonus is already ${now.status}`, 'bonus_not_live');
      }
      return toGrantView(ended);
    });
  }

  /**
   * Creates a grant in its first state: deposit bonuses are offered until a qualifying deposit,
   * cashback is offered until its window closes, no_deposit and free_bet start active. Emits
   * bonus.granted (and bonus.activated for an active one). Null when a key is already taken.
   */
  private async create(
    tenantId: TenantId,
    player: Player,
    template: BonusTemplate,
    at: Date,
    keys: { idempotencyKey?: string; grantKey?: string; requestHash?: string; expiresAt?: Date },
  ): Promise<BonusGrant | null> {
    const hours = template.expiresInHours;
    const windowEndsAt = template.kind === 'cashback' ? new Date(at.getTime() + (template.cashbackWindowHours ?? DEFAULT_CASHBACK_WINDOW_HOURS) * HOUR) : null;
    const expiresAt = keys.expiresAt ?? (hours === null ? null : new Date((windowEndsAt ?? at).getTime() + hours * HOUR));
    const startsActive = !DEPOSIT_KINDS.includes(template.kind) && template.kind !== 'cashback';
    const amount = startsActive ? template.fixedAmount! : null;
    const grant: BonusGrant = {
      id: newId('bns', at.getTime()),
      playerId: player.id,
      externalRef: player.externalRef,
      templateId: template.id,
      kind: template.kind,
      currency: template.currency,
      status: startsActive ? 'active' : 'offered',
      amount,
      depositAmount: null,
      wageringRequired: amount === null ? null : wageringRequired(template.wageringMultiplier, template.wageringBase, amount, 0n),
      wageringProgress: 0n,
      maxBetViolations: 0,
      cashbackNetLoss: 0n,
      windowEndsAt,
      expiresAt,
      activatedAt: startsActive ? at : null,
      completedAt: null,
      endedAt: null,
      createdAt: at,
    };
    const inserted = await this.repo.insertGrant(tenantId, {
      grant,
      idempotencyKey: keys.idempotencyKey ?? null,
      grantKey: keys.grantKey ?? null,
      requestHash: keys.requestHash ?? null,
    });
    if (!inserted) return null;
    await this.outbox.emit(tenantId, 'bonus.granted', { ...toGrantView(grant) }, at);
    if (grant.status !== 'active') return grant;
    await this.outbox.emit(tenantId, 'bonus.activated', { ...toGrantView(grant) }, at);
    if (grant.wageringRequired !== 0n) return grant;
    // Nothing to wager (a 0× multiplier): done at once.
    const done = await this.repo.changeGrant(tenantId, grant.id, ['active'], { status: 'completed', completedAt: at, endedAt: at });
    await this.outbox.emit(tenantId, 'bonus.completed', { ...toGrantView(done!) }, at);
    return done;
  }
}

function replayOf(earlier: { requestHash: string | null; response: GrantView | null }, hash: string): Replayable<GrantView> {
  if (earlier.requestHash !== hash || earlier.response === null) throw AppError.idempotencyKeyReused('idempotency_key');
  return Replayable.replay(earlier.response);
}
