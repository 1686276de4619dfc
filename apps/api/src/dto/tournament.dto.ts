import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { AppError, type ErrorDetail, MAX_PAGE_LIMIT } from '@app/common';
import type { Reward } from '@app/rewards';
import { AGGREGATES, type CreateTournamentInput, MAX_PRIZE_RANK, METRICS, type Aggregate, type Metric, type Prize, prizeTableProblems } from '@app/tournaments';
import type { ScoreInput } from '@app/wagers';
import { NamesAPlayer } from './player-ref.dto.js';
import { Coerce, digits, NestedDto } from './known-properties.js';
import { IsReward, RewardDto } from './reward.dto.js';
import { CrossFieldCheck, type FieldOk, IsCurrencyCode, IsGameCategory, IsIntIn, IsMoney, IsOptionalNonNull, IsRfc3339, IsText, parseRfc3339 } from './validators.js';

export class ScoringDto {
  @ApiProperty({
    enum: METRICS,
    description:
      'bet_amount: points = the bet in millis; win_amount: the win; net_win: max(0, win − bet); win_multiplier: floor(1000 × win / bet); wager_count: 1 a wager',
  })
  @IsIn(METRICS)
  metric!: Metric;

  @ApiPropertyOptional({ enum: AGGREGATES, default: 'sum', description: "sum of the player's points, or best: the player's single best wager" })
  @IsOptionalNonNull()
  @IsIn(AGGREGATES)
  aggregate?: Aggregate;
}

export class PrizeRangeDto {
  @ApiProperty({ minimum: 1, maximum: MAX_PRIZE_RANK }) @IsIntIn(1, MAX_PRIZE_RANK) rank_from!: number;
  @ApiProperty({ minimum: 1, maximum: MAX_PRIZE_RANK }) @IsIntIn(1, MAX_PRIZE_RANK) rank_to!: number;

  @ApiProperty({ type: RewardDto, description: 'winz, bonus, lootbox (opened at once) or external (paid by the operator, announced by webhook)' })
  @IsReward(['winz', 'bonus', 'lootbox', 'external'])
  reward!: Reward;
}

const DAY = 24 * 3600;

/**
 * The tournament's rules over several fields (TournamentsService enforces them too): ends_at after
 * starts_at; prize ranges neither reversed nor overlapping — over the fields that passed their own checks.
 */
function tournamentProblems(dto: CreateTournamentDto, ok: FieldOk): ErrorDetail[] {
  const starts = ok('starts_at') ? parseRfc3339(dto.starts_at) : null;
  const ends = ok('ends_at') ? parseRfc3339(dto.ends_at) : null;
  const prizes: unknown = dto.prizes;
  const ranked =
    ok('prizes') ||
    (Array.isArray(prizes) && prizes.every((p, i) => typeof p?.rank_from === 'number' && typeof p?.rank_to === 'number' && ok(`prizes[${i}].rank_from`) && ok(`prizes[${i}].rank_to`)));
  return [
    ...(starts && ends && starts >= ends ? [{ field: 'ends_at', issue: 'must be after starts_at' }] : []),
    ...(ranked && Array.isArray(prizes) ? prizeTableProblems(prizes as Prize[]) : []),
  ];
}

@CrossFieldCheck(tournamentProblems)
export class CreateTournamentDto {
  @ApiProperty({ example: 'Weekend slots race', maxLength: 200 }) @IsText(1, 200) name!: string;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217: only wagers in this currency score' }) @IsCurrencyCode() currency!: string;
  @ApiProperty({ format: 'date-time' }) @IsRfc3339() starts_at!: string;
  @ApiProperty({ format: 'date-time', description: 'wagers settled from starts_at (inclusive) to ends_at (exclusive) score' }) @IsRfc3339() ends_at!: string;

  @ApiProperty({ type: ScoringDto })
  @NestedDto(() => ScoringDto)
  scoring!: ScoringDto;

  @ApiPropertyOptional({ description: 'millis: smaller bets do not qualify' }) @IsOptionalNonNull() @IsMoney() min_bet?: number;

  @ApiPropertyOptional({ type: [String], description: 'only these games score (absent: any game)' })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsText(1, 64, { each: true })
  game_codes?: string[];

  @ApiPropertyOptional({ type: [String], description: 'only these game categories score (absent: any category)' })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsGameCategory({ each: true })
  game_categories?: string[];

  @ApiProperty({ type: [PrizeRangeDto], description: `rank ranges (1 to ${MAX_PRIZE_RANK}, not overlapping) and their rewards; may be empty` })
  @IsArray()
  @ArrayMaxSize(100)
  @NestedDto(() => PrizeRangeDto, { each: true })
  prizes!: PrizeRangeDto[];

  @ApiPropertyOptional({ default: false, description: 'every wager in the currency scores, without naming the tournament' })
  @IsOptionalNonNull()
  @IsBoolean()
  auto_enroll?: boolean;

  @ApiPropertyOptional({ default: 300, minimum: 0, maximum: 7 * DAY, description: 'late wagers settled before ends_at are accepted this long after it; then the worker finalizes' })
  @IsOptionalNonNull()
  @IsIntIn(0, 7 * DAY)
  finalize_grace_seconds?: number;

  toInput(): CreateTournamentInput {
    return {
      name: this.name,
      currency: this.currency,
      startsAt: parseRfc3339(this.starts_at)!,
      endsAt: parseRfc3339(this.ends_at)!,
      metric: this.scoring.metric,
      aggregate: this.scoring.aggregate ?? 'sum',
      ...(this.min_bet !== undefined && { minBet: BigInt(this.min_bet) }),
      ...(this.game_codes !== undefined && { gameCodes: [...new Set(this.game_codes)] }),
      ...(this.game_categories !== undefined && { gameCategories: [...new Set(this.game_categories)] }),
      prizes: this.prizes.map((p) => ({ rank_from: p.rank_from, rank_to: p.rank_to, reward: p.reward })),
      ...(this.auto_enroll !== undefined && { autoEnroll: this.auto_enroll }),
      ...(this.finalize_grace_seconds !== undefined && { finalizeGraceSeconds: this.finalize_grace_seconds }),
    };
  }
}

const SCORE_FACTS = ['bet_amount', 'win_amount', 'currency', 'game_code', 'game_category'] as const;

/** A score is a wager's facts (bet_amount and currency at least) or operator points, not both. */
function scoreFactsProblems(dto: ScoreDto): ErrorDetail[] {
  if (dto.points !== undefined) return SCORE_FACTS.filter((f) => dto[f] !== undefined).map((field) => ({ field, issue: 'is not allowed with points' }));
  return (['bet_amount', 'currency'] as const).filter((f) => dto[f] === undefined).map((field) => ({ field, issue: 'is required (or give points)' }));
}

@CrossFieldCheck(scoreFactsProblems)
export class ScoreDto extends NamesAPlayer {
  @ApiProperty({ description: 'your id of the wager: the idempotency key (per tournament), shared with POST /v1/wagers', maxLength: 128 })
  @IsText(1, 128)
  source_wager_id!: string;

  @ApiPropertyOptional({ description: 'millis; with currency, unless points are given' }) @IsOptionalNonNull() @IsMoney() bet_amount?: number;
  @ApiPropertyOptional({ description: 'millis (default 0)' }) @IsOptionalNonNull() @IsMoney() win_amount?: number;
  @ApiPropertyOptional({ example: 'EUR', description: "must be the tournament's (else 422 currency_mismatch)" }) @IsOptionalNonNull() @IsCurrencyCode() currency?: string;
  @ApiPropertyOptional({ maxLength: 64 }) @IsOptionalNonNull() @IsText(1, 64) game_code?: string;
  @ApiPropertyOptional() @IsOptionalNonNull() @IsGameCategory() game_category?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'when the wager settled (default: when the API received it): it must be inside the tournament (else 409 tournament_not_running)' })
  @IsOptionalNonNull()
  @IsRfc3339()
  settled_at?: string;

  @ApiPropertyOptional({ description: 'operator-computed points instead of a wager (integer ≥ 0); aggregated like wager points' })
  @IsOptionalNonNull()
  @IsMoney()
  points?: number;

  toInput(): ScoreInput {
    const player = this.playerRef();
    const settledAt = this.settled_at === undefined ? { receivedAt: new Date() } : { settledAt: parseRfc3339(this.settled_at)! };
    const problems = scoreFactsProblems(this);
    if (problems.length > 0) throw AppError.validation(problems);
    if (this.points !== undefined) return { sourceWagerId: this.source_wager_id, player, score: { kind: 'points', points: BigInt(this.points) }, ...settledAt };
    return {
      sourceWagerId: this.source_wager_id,
      player,
      score: {
        kind: 'wager',
        betAmount: BigInt(this.bet_amount!),
        winAmount: BigInt(this.win_amount ?? 0),
        currency: this.currency!,
        ...(this.game_code !== undefined && { gameCode: this.game_code }),
        ...(this.game_category !== undefined && { gameCategory: this.game_category }),
      },
      ...settledAt,
    };
  }
}


export class LeaderboardQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 10_000_000, default: 0 })
  @IsOptional()
  @Coerce(digits(8))
  @IsIntIn(0, 10_000_000)
  offset?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 })
  @IsOptional()
  @Coerce(digits(6))
  @IsIntIn(1, MAX_PAGE_LIMIT)
  limit?: number;
}

export class AroundQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 5, description: 'how many entries above and below the player' })
  @IsOptional()
  @Coerce(digits(3))
  @IsIntIn(0, 100)
  around?: number;
}

// ---- answers ----------------------------------------------------------------------------------------

class ScoringViewDto {
  @ApiProperty({ enum: METRICS }) metric!: string;
  @ApiProperty({ enum: AGGREGATES }) aggregate!: string;
}

class PrizeViewDto {
  @ApiProperty() rank_from!: number;
  @ApiProperty() rank_to!: number;
  @ApiProperty({ type: RewardDto }) reward!: RewardDto;
}

class TournamentResultDto {
  @ApiProperty() rank!: number;
  @ApiProperty() player_id!: string;
  @ApiProperty() external_ref!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ type: RewardDto }) reward!: RewardDto;
  @ApiProperty({ description: 'false: the player was excluded at the end, or the grant was refused (see error); the prize is withheld and no one moves up' })
  granted!: boolean;

  @ApiProperty({ nullable: true, type: String }) grant_id!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) result!: unknown;

  @ApiPropertyOptional({ description: 'why a prize was not granted: player_excluded (excluded at the end), the refusal\'s code (e.g. balance_limit for a WINZ balance at its ceiling), or internal_error; the other prizes are paid and the tournament finishes' })
  error?: string;
}

export class TournamentDto {
  @ApiProperty({ example: 'trn_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ format: 'date-time' }) starts_at!: string;
  @ApiProperty({ format: 'date-time' }) ends_at!: string;
  @ApiProperty() finalize_grace_seconds!: number;
  @ApiProperty({ type: ScoringViewDto }) scoring!: ScoringViewDto;
  @ApiProperty({ nullable: true, type: Number }) min_bet!: number | null;
  @ApiProperty({ type: [String] }) game_codes!: string[];
  @ApiProperty({ type: [String] }) game_categories!: string[];
  @ApiProperty({ type: [PrizeViewDto] }) prizes!: PrizeViewDto[];
  @ApiProperty() auto_enroll!: boolean;
  @ApiProperty({ enum: ['scheduled', 'running', 'finalizing', 'finished', 'cancelled'] }) status!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'once finished' }) total_players!: number | null;
  @ApiProperty({ nullable: true, type: [TournamentResultDto], description: 'once finished: the prize ranks and their grants' }) results!: TournamentResultDto[] | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finished_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelled_at!: string | null;
}

export class TournamentPageDto {
  @ApiProperty({ type: [TournamentDto] }) data!: TournamentDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class ScoreResultDto {
  @ApiProperty() tournament_id!: string;
  @ApiProperty() player_id!: string;
  @ApiProperty() qualified!: boolean;
  @ApiPropertyOptional({
    description: 'why it did not count: player_excluded, below_min_bet, game_not_eligible; in a wager\'s answer also currency_mismatch, tournament_not_running',
  })
  reason?: string;
  @ApiProperty() points_awarded!: number;
  @ApiProperty({ description: "the player's score after this wager" }) total_score!: number;
  @ApiProperty({ nullable: true, type: Number, description: "the player's rank right after this wager (null: not on the board)" }) rank!: number | null;
}

export class LeaderboardEntryDto {
  @ApiProperty() rank!: number;
  @ApiProperty() player_id!: string;
  @ApiProperty() external_ref!: string;
  @ApiProperty() score!: number;
}

export class LeaderboardDto {
  @ApiProperty() tournament_id!: string;
  @ApiProperty({ enum: ['scheduled', 'running', 'finalizing', 'finished', 'cancelled'] }) status!: string;
  @ApiProperty() total_players!: number;
  @ApiProperty({ type: [LeaderboardEntryDto] }) entries!: LeaderboardEntryDto[];
}

export class AroundDto {
  @ApiProperty() tournament_id!: string;
  @ApiProperty() player_id!: string;
  @ApiProperty() external_ref!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'null: the player has not scored' }) rank!: number | null;
  @ApiProperty() score!: number;
  @ApiProperty({ type: [LeaderboardEntryDto], description: 'up to `around` entries above the player, the player, and up to `around` below' })
  around!: LeaderboardEntryDto[];
}
