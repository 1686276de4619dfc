import { Injectable } from '@nestjs/common';
import { type AppConfig, AppError, encryptSecret, InjectConfig, newId, type Page, type PageRequest, type TenantId, toPage } from '@app/common';
import type { JackpotType } from './jackpot-cycle.js';
import { jackpotSeedCommit, newJackpotSeed } from './jackpot-fair.js';
import { type JackpotView, type JackpotWinView, toJackpotView } from './jackpot.types.js';
import { JackpotsRepository, type SealedSeed } from './jackpots.repository.js';
import { NANOS_PER_MILLI } from './pool-math.js';

export interface CreateJackpotInput {
  name: string;
  currency: string;
  type: JackpotType;
  seedAmount: bigint;
  /** nanos per milli */
  rateNanos: bigint;
  mustDropBy?: bigint;
  /** scaled by 10^12 */
  hitRateScaled?: bigint;
  minBet?: bigint;
  autoEnroll?: boolean;
}

@Injectable()
export class JackpotsService {
  constructor(
    private readonly repo: JackpotsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async create(tenantId: TenantId, input: CreateJackpotInput): Promise<JackpotView> {
    if (input.type === 'must_drop' && input.mustDropBy! <= input.seedAmount) {
      throw AppError.validation([{ field: 'must_drop_by', issue: 'must be greater than seed_amount' }]);
    }
    const now = new Date();
    const id = newId('jkp', now.getTime());
    await this.repo.create(
      tenantId,
      {
        id,
        tenantId,
        name: input.name,
        currency: input.currency,
        type: input.type,
        seedAmount: input.seedAmount,
        rateNanos: input.rateNanos,
        mustDropBy: input.mustDropBy ?? null,
        hitRateScaled: input.hitRateScaled ?? null,
        minBet: input.minBet ?? null,
        autoEnroll: input.autoEnroll ?? false,
        cycle: 1,
        poolNanos: input.seedAmount * NANOS_PER_MILLI,
        seededTotal: input.seedAmount,
        contributedNanos: 0n,
        wonTotal: 0n,
        createdAt: now,
      },
      this.sealedSeed(1),
    );
    return toJackpotView((await this.repo.find(tenantId, id))!);
  }

  async get(tenantId: TenantId, id: string): Promise<JackpotView> {
    const j = await this.repo.find(tenantId, id);
    if (!j) throw AppError.notFound('jackpot');
    return toJackpotView(j);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<JackpotView>> {
    return toPage(await this.repo.list(tenantId, page), page.limit, (j) => j.id, toJackpotView);
  }

  async wins(tenantId: TenantId, id: string, page: PageRequest): Promise<Page<JackpotWinView>> {
    if (!(await this.repo.find(tenantId, id))) throw AppError.notFound('jackpot');
    return toPage(await this.repo.wins(tenantId, id, page), page.limit, (w) => w.win_id, (w) => w);
  }

  /** A new cycle's secret seed, sealed with the service's secret key (WEBHOOK_SECRET_KEY). */
  sealedSeed(cycle: number): SealedSeed & { seed: string } {
    const seed = newJackpotSeed();
    return { id: newId('sed'), cycle, seed, ciphertext: encryptSecret(this.config.webhook.secretKey, seed), commit: jackpotSeedCommit(seed) };
  }
}
