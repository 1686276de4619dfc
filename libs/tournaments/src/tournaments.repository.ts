import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import type { PageRequest, TenantId } from '@app/common';
import type { Prize } from './prizes.js';
import type { Aggregate, Metric, Standing } from './scoring.js';
import type { Tournament, TournamentResult, TournamentState } from './tournament.types.js';

type TournamentRow = Prisma.TournamentGetPayload<object>;

function toTournament(r: TournamentRow): Tournament {
  return {
    id: r.id,
    tenantId: r.tenantId,
    name: r.name,
    currency: r.currency,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    finalizeGraceSeconds: r.finalizeGraceSeconds,
    finalizeAt: r.finalizeAt,
    metric: r.metric as Metric,
    aggregate: r.aggregate as Aggregate,
    minBet: r.minBet,
    gameCodes: r.gameCodes,
    gameCategories: r.gameCategories,
    prizes: r.prizes as unknown as Prize[],
    autoEnroll: r.autoEnroll,
    state: r.state as TournamentState,
    scoreVersion: r.scoreVersion,
    totalPlayers: r.totalPlayers,
    results: r.results as unknown as TournamentResult[] | null,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    cancelledAt: r.cancelledAt,
  };
}

/** A tournament as one JSON object (numbers as text), for raw SQL on the wager hot path; tournamentFromJson reads it. */
export const TOURNAMENT_JSON = `json_build_object(
  'id', t.id, 'tenant_id', t.tenant_id, 'name', t.name, 'currency', t.currency, 'starts_at', t.starts_at, 'ends_at', t.ends_at,
  'finalize_grace_seconds', t.finalize_grace_seconds, 'finalize_at', t.finalize_at, 'metric', t.metric, 'aggregate', t.aggregate,
  'min_bet', t.min_bet::text, 'game_codes', t.game_codes, 'game_categories', t.game_categories, 'prizes', t.prizes,
  'auto_enroll', t.auto_enroll, 'state', t.state, 'score_version', t.score_version::text, 'created_at', t.created_at)`;

export function tournamentFromJson(o: Record<string, unknown>): Tournament {
  return {
    id: o.id as string,
    tenantId: o.tenant_id as string,
    name: o.name as string,
    currency: o.currency as string,
    startsAt: new Date(o.starts_at as string),
    endsAt: new Date(o.ends_at as string),
    finalizeGraceSeconds: o.finalize_grace_seconds as number,
    finalizeAt: new Date(o.finalize_at as string),
    metric: o.metric as Metric,
    aggregate: o.aggregate as Aggregate,
    minBet: o.min_bet === null ? null : BigInt(o.min_bet as string),
    gameCodes: (o.game_codes as string[] | null) ?? [],
    gameCategories: (o.game_categories as string[] | null) ?? [],
    prizes: o.prizes as Prize[],
    autoEnroll: o.auto_enroll as boolean,
    state: o.state as TournamentState,
    scoreVersion: BigInt(o.score_version as string),
    totalPlayers: null,
    results: null,
    createdAt: new Date(o.created_at as string),
    finishedAt: null,
    cancelledAt: null,
  };
}

/** The columns of a tournament under their Prisma names, for raw queries that lock rows. */
const COLUMNS = Prisma.raw(`id, tenant_id AS "tenantId", name, currency, starts_at AS "startsAt", ends_at AS "endsAt",
  finalize_grace_seconds AS "finalizeGraceSeconds", finalize_at AS "finalizeAt", metric, aggregate, min_bet AS "minBet",
  game_codes AS "gameCodes", game_categories AS "gameCategories", prizes, auto_enroll AS "autoEnroll", state,
  score_version AS "scoreVersion", total_players AS "totalPlayers", results, created_at AS "createdAt",
  finished_at AS "finishedAt", cancelled_at AS "cancelledAt"`);

export interface ScoreRow {
  tournamentId: string;
  playerId: string;
  score: bigint;
  seq: bigint;
  /** wagers that scored in this batch */
  wagers: number;
}

export interface ScoreEventRow {
  tournamentId: string;
  sourceWagerId: string;
  playerId: string;
  qualified: boolean;
  points: bigint;
  requestHash: string;
  response: object;
}

@Injectable()
export class TournamentsRepository {
  constructor(private readonly db: DbService) {}

  async create(tenantId: TenantId, t: Tournament): Promise<Tournament> {
    const row = await this.db.client.tournament.create({
      data: {
        id: t.id,
        tenantId,
        name: t.name,
        currency: t.currency,
        startsAt: t.startsAt,
        endsAt: t.endsAt,
        finalizeGraceSeconds: t.finalizeGraceSeconds,
        finalizeAt: t.finalizeAt,
        metric: t.metric,
        aggregate: t.aggregate,
        minBet: t.minBet,
        gameCodes: t.gameCodes,
        gameCategories: t.gameCategories,
        prizes: t.prizes as unknown as Prisma.InputJsonArray,
        autoEnroll: t.autoEnroll,
        createdAt: t.createdAt,
      },
    });
    return toTournament(row);
  }

  async find(tenantId: TenantId, id: string): Promise<Tournament | null> {
    const row = await this.db.client.tournament.findFirst({ where: { id, tenantId } });
    return row && toTournament(row);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Tournament[]> {
    const rows = await this.db.client.tournament.findMany({
      where: { tenantId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toTournament);
  }

  /** The tournament, locked against scoring (FOR UPDATE waits for batches that are scoring it). */
  async lock(tenantId: TenantId, id: string): Promise<Tournament | null> {
    const rows = await this.db.txClient.$queryRaw<TournamentRow[]>`SELECT ${COLUMNS} FROM tournaments WHERE id = ${id} AND tenant_id = ${tenantId} FOR UPDATE`;
    return rows[0] ? toTournament(rows[0]) : null;
  }

  async cancel(tenantId: TenantId, id: string, at: Date): Promise<void> {
    await this.db.txClient.tournament.updateMany({ where: { id, tenantId, state: 'open' }, data: { state: 'cancelled', cancelledAt: at } });
  }

  async finish(tenantId: TenantId, id: string, results: TournamentResult[], totalPlayers: number, at: Date): Promise<void> {
    await this.db.txClient.tournament.updateMany({
      where: { id, tenantId, state: 'open' },
      data: { state: 'finished', finishedAt: at, totalPlayers, results: results as unknown as Prisma.InputJsonArray },
    });
  }

  // ---- leaderboard reads -------------------------------------------------------------------------

  /** Every standing and the score version they are complete at, in one snapshot (one statement). */
  async snapshot(tenantId: TenantId, id: string): Promise<{ version: bigint; standings: Standing[] } | null> {
    const rows = await this.db.client.$queryRaw<Array<{ version: bigint; player_id: string | null; score: bigint | null; reached_seq: bigint | null }>>`
      SELECT t.score_version AS version, s.player_id, s.score, s.reached_seq
        FROM tournaments t LEFT JOIN tournament_scores s ON s.tournament_id = t.id
       WHERE t.id = ${id} AND t.tenant_id = ${tenantId}`;
    if (rows.length === 0) return null;
    return {
      version: rows[0].version,
      standings: rows.filter((r) => r.player_id !== null).map((r) => ({ playerId: r.player_id!, score: r.score!, seq: r.reached_seq! })),
    };
  }

  /** A page of the ranking straight from PostgreSQL (when Redis is unavailable), and the total. */
  async page(tenantId: TenantId, id: string, offset: number, limit: number): Promise<{ total: number; standings: Standing[] }> {
    const rows = await this.db.client.$queryRaw<Array<{ player_id: string; score: bigint; reached_seq: bigint }>>`
      SELECT player_id, score, reached_seq FROM tournament_scores
       WHERE tenant_id = ${tenantId} AND tournament_id = ${id}
       ORDER BY score DESC, reached_seq, player_id OFFSET ${offset} LIMIT ${limit}`;
    const [{ n }] = await this.db.client.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM tournament_scores WHERE tenant_id = ${tenantId} AND tournament_id = ${id}`;
    return { total: n, standings: rows.map((r) => ({ playerId: r.player_id, score: r.score, seq: r.reached_seq })) };
  }

  /** A player's standing and how many rank above it, straight from PostgreSQL. */
  async standingOf(tenantId: TenantId, id: string, playerId: string): Promise<{ standing: Standing; above: number } | null> {
    const rows = await this.db.client.$queryRaw<Array<{ score: bigint; reached_seq: bigint; above: number }>>`
      SELECT s.score, s.reached_seq,
             (SELECT count(*)::int FROM tournament_scores o
               WHERE o.tournament_id = s.tournament_id
                 AND (o.score > s.score OR (o.score = s.score AND (o.reached_seq, o.player_id) < (s.reached_seq, s.player_id)))) AS above
        FROM tournament_scores s
       WHERE s.tenant_id = ${tenantId} AND s.tournament_id = ${id} AND s.player_id = ${playerId}`;
    return rows[0] ? { standing: { playerId, score: rows[0].score, seq: rows[0].reached_seq }, above: rows[0].above } : null;
  }

  /** How many standings rank strictly above each probe, excluding `exclude` (a batch's own players). */
  async countAbove(tenantId: TenantId, id: string, probes: readonly Standing[], exclude: readonly string[]): Promise<number[]> {
    if (probes.length === 0) return [];
    const rows = await this.db.client.$queryRaw<Array<{ i: number; n: number }>>`
      SELECT v.i::int AS i,
             (SELECT count(*)::int FROM tournament_scores o
               WHERE o.tenant_id = ${tenantId} AND o.tournament_id = ${id} AND o.player_id <> ALL(${[...exclude]}::text[])
                 AND (o.score > v.s OR (o.score = v.s AND (o.reached_seq, o.player_id) < (v.q, v.p)))) AS n
        FROM unnest(${probes.map((_, i) => i)}::int[], ${probes.map((p) => p.score)}::bigint[], ${probes.map((p) => p.seq)}::bigint[],
                    ${probes.map((p) => p.playerId)}::text[]) AS v(i, s, q, p)`;
    const out = new Array<number>(probes.length).fill(0);
    for (const r of rows) out[r.i] = r.n;
    return out;
  }

  /** The top of the final ranking (the prize ranks) and how many players were ranked. */
  async ranking(tenantId: TenantId, id: string, top: number): Promise<{ total: number; standings: Standing[] }> {
    return this.page(tenantId, id, 0, top);
  }

  /** external_ref of each player. */
  async externalRefs(tenantId: TenantId, playerIds: readonly string[]): Promise<Map<string, string>> {
    if (playerIds.length === 0) return new Map();
    const rows = await this.db.client.player.findMany({ where: { tenantId, id: { in: [...playerIds] } }, select: { id: true, externalRef: true } });
    return new Map(rows.map((r) => [r.id, r.externalRef]));
  }

  // ---- finalization (the worker) -----------------------------------------------------------------

  /** @crossTenant the finalizer serves every tenant: open tournaments past finalize_at. */
  async due(now: Date, limit: number): Promise<Array<{ id: string; tenantId: TenantId }>> {
    const rows = await this.db.client.$queryRaw<Array<{ id: string; tenant_id: string }>>`
      SELECT id, tenant_id FROM tournaments WHERE state = 'open' AND finalize_at <= ${now} ORDER BY finalize_at LIMIT ${limit}`;
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id as TenantId }));
  }
}
