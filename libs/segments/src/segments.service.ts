import { Injectable } from '@nestjs/common';
import { AppError, newId, type Page, type PageRequest, type TenantId, toPage } from '@app/common';
import { PlayersService, type PlayerView, toPlayerView } from '@app/players';
import { compileRule } from './rule-compiler.js';
import { canonicalRule, parseRule, type RuleAst, RuleSyntaxError } from './rule-parser.js';
import type { Segment, SegmentView } from './segment.types.js';
import { SegmentsRepository } from './segments.repository.js';

export const PREVIEW_SAMPLE_DEFAULT = 20;
export const PREVIEW_SAMPLE_MAX = 100;

/** Parses a rule or answers 400 with where it went wrong (API.md section 10). */
export function parseRuleOr400(rule: string): RuleAst {
  try {
    return parseRule(rule);
  } catch (err) {
    if (err instanceof RuleSyntaxError) throw AppError.validation([err.toDetail('rule')], `the rule does not parse: ${err.message}`);
    throw err;
  }
}

function toView(s: Segment): SegmentView {
  return {
    id: s.id,
    name: s.name,
    rule: s.rule,
    canonical_rule: canonicalRule(parseRule(s.rule)),
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

@Injectable()
export class SegmentsService {
  constructor(
    private readonly repo: SegmentsRepository,
    private readonly players: PlayersService,
  ) {}

  async create(tenantId: TenantId, input: { name: string; rule: string }): Promise<SegmentView> {
    parseRuleOr400(input.rule);
    const at = new Date();
    return toView(await this.repo.create(tenantId, { id: newId('seg'), name: input.name, rule: input.rule, createdAt: at, updatedAt: at }));
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<SegmentView>> {
    return toPage(await this.repo.list(tenantId, page), page.limit, (s) => s.id, toView);
  }

  async get(tenantId: TenantId, id: string): Promise<SegmentView> {
    return toView(await this.require(tenantId, id));
  }

  /** The segment itself, for campaigns. */
  async require(tenantId: TenantId, id: string): Promise<Segment> {
    const s = await this.repo.find(tenantId, id);
    if (!s) throw AppError.notFound('segment');
    return s;
  }

  async update(tenantId: TenantId, id: string, patch: { name?: string; rule?: string }): Promise<SegmentView> {
    if (patch.rule !== undefined) parseRuleOr400(patch.rule);
    const s = await this.repo.update(tenantId, id, patch, new Date());
    if (!s) throw AppError.notFound('segment');
    return toView(s);
  }

  async delete(tenantId: TenantId, id: string): Promise<void> {
    await this.require(tenantId, id);
    if (!(await this.repo.deleteUnused(tenantId, id))) {
      throw AppError.conflict('a campaign uses this segment: delete or change the campaign first', 'segment_in_use');
    }
  }

  /** How many players match now, and a sample of them (the first by id). */
  async preview(tenantId: TenantId, id: string, limit = PREVIEW_SAMPLE_DEFAULT): Promise<{ count: number; sample: PlayerView[] }> {
    const segment = await this.require(tenantId, id);
    const compiled = compileRule(parseRule(segment.rule), { now: new Date(), firstParam: 2 });
    const { count, ids } = await this.repo.preview(tenantId, compiled, limit);
    const players = await this.players.findByIds(tenantId, ids);
    return { count, sample: players.map(toPlayerView) };
  }
}
