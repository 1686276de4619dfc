import { Injectable } from '@nestjs/common';
import { MAX_MONEY, sha256Hex, type TenantId } from '@app/common';
import { DbService } from '@app/db';
import { Params, pgArray } from './sql-params.js';
import { LIVE_GRANT_JSON, liveGrantFromJson, type LiveGrant, TEMPLATE_JSON, templateFromJson, toDecimal4 } from '@app/bonuses';
import { formatScaled, JACKPOT_COLUMNS, type Jackpot, type JackpotRow, type PoolWrites, RATE_DECIMALS, toJackpot } from '@app/jackpots';
import { type ScoreEventRow, type ScoreRow, type Standing, type Tournament, TOURNAMENT_JSON, tournamentFromJson } from '@app/tournaments';

/**
 * The SQL of the wager hot path, raw (pg) and set-based: a batch of any size costs one statement to
 * look up keys and players, two to lock and load what it touches, one to lock the jackpot pools and
 * one to write everything — five round trips instead of dozens of ORM queries (bench:ingest measured
 * Prisma's per-query cost as most of the API's CPU on this path). Every statement is scoped by tenant.
 * The transaction's statements run on its connection (DbService.rawClient).
 */

export interface IngestPlayer {
  id: string;
  externalRef: string;
  selfExcluded: boolean;
  excludedUntil: Date | null;
  currency: string | null;
}

export interface StoredAnswer {
  requestHash: string;
  response: unknown;
}

export interface Lookup {
  players: IngestPlayer[];
  /** by source_wager_id */
  wagers: Map<string, StoredAnswer>;
  /** by `<tournament>|<source_wager_id>` */
  scores: Map<string, StoredAnswer>;
  /** by `<jackpot>|<source_wager_id>` */
  contributions: Map<string, StoredAnswer>;
  /** whether the tenant has an active journey with a wager step */
  wagerJourneys: boolean;
}

export interface WagerRow {
  id: string;
  sourceWagerId: string;
  playerId: string;
  betAmount: bigint;
  winAmount: bigint;
  currency: string;
  gameCode: string;
  gameCategory: string;
  settledAt: Date;
  requestHash: string;
  /** the answer as JSON text (also the response body) */
  response: string;
}

export interface OutboxRow {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface BatchWrites {
  stats: ReadonlyArray<{ id: string; currency: string; wagered: bigint; lastWagerAt: Date }>;
  grants: readonly LiveGrant[];
  scores: readonly ScoreRow[];
  scoreEvents: readonly ScoreEventRow[];
  pools: PoolWrites;
  wagers: readonly WagerRow[];
  /** bonus.completed and jackpot.won (the wins carry their own) */
  events: readonly OutboxRow[];
  /** tournaments whose scores changed: a new score version each, locked last, in id order */
  versions: readonly string[];
  at: Date;
}

type Json = Record<string, unknown>;

/**
 * Named (prepared) statements: pg parses and plans each on a connection once, then reuses the plan.
 * Planning these multi-CTE statements cost about a quarter of PostgreSQL's time per batch
 * (pg_stat_statements under bench:ingest). The write statement's text depends on which CTEs a batch
 * needs, so names come from the text itself; there are a few dozen shapes at most.
 */
const statementNames = new Map<string, string>();
function prepared(text: string, values: unknown[]): { name: string; text: string; values: unknown[] } {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `ingest_${sha256Hex(text).slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return { name, text, values: values.map((v) => (Array.isArray(v) ? pgArray(v) : v)) };
}


/** `[{ k, h, r }]` rows as answers by key. */
function storedAnswers(list: unknown): Map<string, StoredAnswer> {
  return new Map((list as Json[]).map((a) => [a.k as string, { requestHash: a.h as string, response: a.r }]));
}

@Injectable()
export class IngestRepository {
  constructor(private readonly db: DbService) {}

  /** Players by reference, the stored answers of the batch's keys, and whether wager journeys exist: one statement, no locks. */
  async lookup(
    tenantId: TenantId,
    q: { refs: readonly string[]; wagers: readonly string[]; scores: ReadonlyArray<[string, string]>; contributions: ReadonlyArray<[string, string]> },
  ): Promise<Lookup> {
    const { rows } = await this.db.pool.query<Json>(
      prepared(`SELECT
         (SELECT coalesce(json_agg(json_build_object('id', id, 'external_ref', external_ref, 'self_excluded', self_excluded,
                 'excluded_until', excluded_until, 'currency', currency)), '[]')
            FROM players WHERE tenant_id = $1 AND (id = ANY($2::text[]) OR external_ref = ANY($2::text[]))) AS players,
         (SELECT coalesce(json_agg(json_build_object('k', source_wager_id, 'h', request_hash, 'r', response)), '[]')
            FROM wagers WHERE tenant_id = $1 AND source_wager_id = ANY($3::text[])) AS wagers,
         (SELECT coalesce(json_agg(json_build_object('k', e.tournament_id || '|' || e.source_wager_id, 'h', e.request_hash, 'r', e.response)), '[]')
            FROM tournament_score_events e JOIN unnest($4::text[], $5::text[]) AS v(t, k) ON e.tournament_id = v.t AND e.source_wager_id = v.k
           WHERE e.tenant_id = $1) AS scores,
         (SELECT coalesce(json_agg(json_build_object('k', c.jackpot_id || '|' || c.source_wager_id, 'h', c.request_hash, 'r', c.response)), '[]')
            FROM jackpot_contributions c JOIN unnest($6::text[], $7::text[]) AS v(j, k) ON c.jackpot_id = v.j AND c.source_wager_id = v.k
           WHERE c.tenant_id = $1) AS contributions,
         EXISTS (SELECT 1 FROM journeys WHERE tenant_id = $1 AND deactivated_at IS NULL AND steps @> '[{"trigger": "wager"}]') AS wager_journeys`,
      [
        tenantId,
        q.refs,
        q.wagers,
        q.scores.map(([t]) => t),
        q.scores.map(([, k]) => k),
        q.contributions.map(([j]) => j),
        q.contributions.map(([, k]) => k),
      ]),
    );
    const r = rows[0];
    return {
      players: (r.players as Json[]).map((p) => ({
        id: p.id as string,
        externalRef: p.external_ref as string,
        selfExcluded: p.self_excluded as boolean,
        excludedUntil: p.excluded_until ? new Date(p.excluded_until as string) : null,
        currency: (p.currency as string | null) ?? null,
      })),
      wagers: storedAnswers(r.wagers),
      scores: storedAnswers(r.scores),
      contributions: storedAnswers(r.contributions),
      wagerJourneys: r.wager_journeys as boolean,
    };
  }

  /**
   * The batch's first locks, in the order every batch takes them: the tournaments it may score (FOR
   * KEY SHARE: batches share them; finalization's FOR UPDATE waits for them), then its players (FOR
   * NO KEY UPDATE, in id order: batches that share a player take turns). Returns the players' state
   * as of their lock.
   */
  async lockTargets(
    tenantId: TenantId,
    q: { tournamentIds: readonly string[]; auto: { currencies: readonly string[]; from: Date; to: Date; now: Date } | null; playerIds: readonly string[] },
  ): Promise<{ tournaments: Tournament[]; players: Map<string, Pick<IngestPlayer, 'selfExcluded' | 'excludedUntil' | 'currency'>> }> {
    const a = q.auto ?? { currencies: [], from: new Date(0), to: new Date(0), now: new Date(0) };
    const { rows } = await this.db.rawClient.query<Json>(
      prepared(`WITH t AS (
         SELECT ${TOURNAMENT_JSON} AS j FROM tournaments t
          WHERE t.tenant_id = $1
            AND (t.id = ANY($2::text[])
                 OR (t.state = 'open' AND t.auto_enroll AND t.currency = ANY($3::text[])
                     AND t.finalize_at > $4 AND t.starts_at <= $5 AND t.ends_at > $6))
          ORDER BY t.id FOR KEY SHARE
       ), p AS (
         SELECT json_build_object('id', id, 'self_excluded', self_excluded, 'excluded_until', excluded_until, 'currency', currency) AS j
           FROM players WHERE tenant_id = $1 AND id = ANY($7::text[]) ORDER BY id FOR NO KEY UPDATE
       )
       SELECT (SELECT coalesce(json_agg(j), '[]') FROM t) AS tournaments, (SELECT coalesce(json_agg(j), '[]') FROM p) AS players`,
      [tenantId, q.tournamentIds, a.currencies, a.now, a.to, a.from, q.playerIds]),
    );
    return {
      tournaments: (rows[0].tournaments as Json[]).map(tournamentFromJson),
      players: new Map(
        (rows[0].players as Json[]).map((p) => [
          p.id as string,
          { selfExcluded: p.self_excluded as boolean, excludedUntil: p.excluded_until ? new Date(p.excluded_until as string) : null, currency: (p.currency as string | null) ?? null },
        ]),
      ),
    };
  }

  /**
   * What the batch changes, read after its players are locked (a new statement, so it sees what the
   * previous holder of those locks committed): their live bonuses (locked too, in id order) with each
   * of their templates once, their scores in the tournaments, the jackpots (not locked yet), and `seqs`
   * fresh reached-at numbers.
   *
   * The scores are read one primary-key probe per (tournament, player) pair (the LATERAL subquery with
   * OFFSET 0 is not flattened into a join). As `tournament_id = ANY(…) AND player_id = ANY(…)`, the
   * generic plan was a sequential scan in some bench:ingest runs and an index scan in others, by the
   * statistics: a tournament of 1,000 players scanned whole, each row compared with every player of
   * the batch (2 ms of a 64-wager batch under auto_explain, against 0.6 for the probes).
   */
  async loadState(
    tenantId: TenantId,
    q: { playerIds: readonly string[]; tournamentIds: readonly string[]; jackpotIds: readonly string[]; jackpotCurrencies: readonly string[]; seqs: number },
  ): Promise<{ grants: Map<string, LiveGrant[]>; scores: Map<string, Standing>; jackpots: Jackpot[]; seqs: bigint[] }> {
    const { rows } = await this.db.rawClient.query<Json>(
      prepared(`WITH live AS (
         SELECT g.id, g.template_id, ${LIVE_GRANT_JSON} AS j
           FROM bonus_grants g JOIN players pl ON pl.id = g.player_id
          WHERE g.tenant_id = $1 AND g.player_id = ANY($2::text[]) AND g.status IN ('offered', 'active')
          ORDER BY g.id FOR NO KEY UPDATE OF g
       )
       SELECT
         (SELECT coalesce(json_agg(j ORDER BY id), '[]') FROM live) AS grants,
         (SELECT coalesce(json_agg(${TEMPLATE_JSON}), '[]') FROM bonus_templates bt WHERE bt.tenant_id = $1 AND bt.id IN (SELECT template_id FROM live)) AS templates,
         (SELECT coalesce(json_agg(json_build_object('t', s.tournament_id, 'p', s.player_id, 's', s.score::text, 'q', s.reached_seq::text)), '[]')
            FROM unnest($3::text[]) AS t(id) CROSS JOIN unnest($2::text[]) AS p(id)
            CROSS JOIN LATERAL (SELECT * FROM tournament_scores x WHERE x.tournament_id = t.id AND x.player_id = p.id AND x.tenant_id = $1 OFFSET 0) s) AS scores,
         (SELECT coalesce(json_agg(x), '[]') FROM (
            SELECT ${JACKPOT_COLUMNS} FROM jackpots j
             WHERE j.tenant_id = $1 AND (j.id = ANY($4::text[]) OR (j.auto_enroll AND j.currency = ANY($5::text[])))
             ORDER BY j.id) x) AS jackpots,
         (SELECT coalesce(array_agg(nextval('tournament_score_seq')::text), '{}') FROM generate_series(1, $6::int)) AS seqs`,
      [tenantId, q.playerIds, q.tournamentIds, q.jackpotIds, q.jackpotCurrencies, q.seqs]),
    );
    const r = rows[0];
    const grants = new Map<string, LiveGrant[]>();
    const templates = new Map((r.templates as Json[]).map((t) => [t.id as string, templateFromJson(t)]));
    for (const g of (r.grants as Json[]).map((o) => liveGrantFromJson(o, templates.get(o.template_id as string)!))) {
      grants.set(g.playerId, [...(grants.get(g.playerId) ?? []), g]);
    }
    return {
      grants,
      scores: new Map((r.scores as Json[]).map((s) => [`${s.t}|${s.p}`, { playerId: s.p as string, score: BigInt(s.s as string), seq: BigInt(s.q as string) }])),
      jackpots: (r.jackpots as JackpotRow[]).map(toJackpot),
      seqs: (r.seqs as string[]).map(BigInt).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
    };
  }

  /**
   * The (tournament, source_wager_id) and (jackpot, source_wager_id) keys that direct scores and
   * contributions already hold for these wagers' ids: a wager shares its key with them (API.md §2).
   * Asked only after a write found such a key taken, so the common path does not pay for it.
   */
  async keysHeldForWagers(
    tenantId: TenantId,
    q: { tournamentIds: readonly string[]; jackpotIds: readonly string[]; sourceWagerIds: readonly string[] },
  ): Promise<{ scores: Map<string, StoredAnswer>; contributions: Map<string, StoredAnswer> }> {
    const { rows } = await this.db.rawClient.query<Json>(
      prepared(`SELECT
         (SELECT coalesce(json_agg(json_build_object('k', tournament_id || '|' || source_wager_id, 'h', request_hash, 'r', response)), '[]')
            FROM tournament_score_events WHERE tenant_id = $1 AND tournament_id = ANY($2::text[]) AND source_wager_id = ANY($4::text[])) AS scores,
         (SELECT coalesce(json_agg(json_build_object('k', jackpot_id || '|' || source_wager_id, 'h', request_hash, 'r', response)), '[]')
            FROM jackpot_contributions WHERE tenant_id = $1 AND jackpot_id = ANY($3::text[]) AND source_wager_id = ANY($4::text[])) AS contributions`,
      [tenantId, q.tournamentIds, q.jackpotIds, q.sourceWagerIds]),
    );
    return { scores: storedAnswers(rows[0].scores), contributions: storedAnswers(rows[0].contributions) };
  }

  /** The pools, locked in id order (a single-table lock, so each comes back as the last holder left it). */
  async lockPools(tenantId: TenantId, ids: readonly string[]): Promise<Array<Jackpot & { seedCiphertext: string }>> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.rawClient.query<JackpotRow>(
      prepared(`SELECT ${JACKPOT_COLUMNS} FROM jackpots j WHERE j.tenant_id = $1 AND j.id = ANY($2::text[]) ORDER BY j.id FOR UPDATE`,
      [tenantId, ids]),
    );
    return rows.map(toJackpot);
  }

  /**
   * Everything the batch writes, in one statement: stats, wagering, scores, pools, wins, events and
   * the keys with their answers (INSERT … ON CONFLICT DO NOTHING: how many were new tells whether a
   * duplicate committed meanwhile), and last the new score versions, locked in id order.
   */
  async write(tenantId: TenantId, w: BatchWrites): Promise<{ wagers: number; scoreEvents: number; contributions: number; versions: Map<string, bigint> }> {
    const p = new Params();
    const t = p.add(tenantId, 'text');
    const at = p.add(w.at, 'timestamptz');
    const ctes: string[] = [];
    const counted: string[] = [];
    const col = <T>(rows: readonly T[], f: (r: T) => unknown, cast: string) => p.add(rows.map(f), `${cast}[]`);
    // Rows with their stored answers: the columns as arrays, the answers as one json array, zipped row by
    // row (ROWS FROM, as unnest(a, b, …) does). As a text[] each answer's quotes were escaped into an
    // array literal, unescaped by PostgreSQL and parsed again as json: about 7 µs more per wager row.
    const withAnswers = (columns: string[], answersJson: string) =>
      `ROWS FROM (${columns.map((c) => `unnest(${c})`).join(', ')}, json_array_elements(${p.add(answersJson, 'json')}))`;

    if (w.stats.length > 0) {
      ctes.push(`stats AS (
        UPDATE players pl SET currency = COALESCE(pl.currency, v.c), total_wagered = LEAST(pl.total_wagered + v.w, ${MAX_MONEY}),
               last_wager_at = GREATEST(pl.last_wager_at, v.l), updated_at = now()
          FROM unnest(${col(w.stats, (s) => s.id, 'text')}, ${col(w.stats, (s) => s.currency, 'text')}, ${col(w.stats, (s) => s.wagered, 'bigint')},
                      ${col(w.stats, (s) => s.lastWagerAt, 'timestamptz')}) AS v(id, c, w, l)
         WHERE pl.id = v.id AND pl.tenant_id = ${t})`);
    }
    if (w.grants.length > 0) {
      const g = w.grants;
      ctes.push(`grants AS (
        UPDATE bonus_grants bg SET status = v.status, wagering_progress = v.progress::numeric, max_bet_violations = v.violations,
               cashback_net_loss = v.net_loss, completed_at = v.completed_at, ended_at = v.ended_at, updated_at = now()
          FROM unnest(${col(g, (x) => x.id, 'text')}, ${col(g, (x) => x.status, 'text')}, ${col(g, (x) => toDecimal4(x.wageringProgress), 'text')},
                      ${col(g, (x) => x.maxBetViolations, 'int')}, ${col(g, (x) => x.cashbackNetLoss, 'bigint')},
                      ${col(g, (x) => x.completedAt, 'timestamptz')}, ${col(g, (x) => x.endedAt, 'timestamptz')})
               AS v(id, status, progress, violations, net_loss, completed_at, ended_at)
         WHERE bg.id = v.id AND bg.tenant_id = ${t})`);
    }
    if (w.scores.length > 0) {
      const s = w.scores;
      ctes.push(`scores AS (
        INSERT INTO tournament_scores (tournament_id, player_id, tenant_id, score, reached_seq, wagers)
        SELECT v.t, v.p, ${t}, v.s, v.q, v.n
          FROM unnest(${col(s, (x) => x.tournamentId, 'text')}, ${col(s, (x) => x.playerId, 'text')}, ${col(s, (x) => x.score, 'bigint')},
                      ${col(s, (x) => x.seq, 'bigint')}, ${col(s, (x) => x.wagers, 'int')}) AS v(t, p, s, q, n)
        ON CONFLICT (tournament_id, player_id) DO UPDATE
           SET score = EXCLUDED.score, reached_seq = EXCLUDED.reached_seq, wagers = tournament_scores.wagers + EXCLUDED.wagers, updated_at = now())`);
    }
    if (w.scoreEvents.length > 0) {
      const e = w.scoreEvents;
      ctes.push(`score_events AS (
        INSERT INTO tournament_score_events (tournament_id, source_wager_id, tenant_id, player_id, qualified, points, request_hash, response, created_at)
        SELECT v.t, v.k, ${t}, v.p, v.q, v.n, v.h, v.r, ${at}
          FROM ${withAnswers([col(e, (x) => x.tournamentId, 'text'), col(e, (x) => x.sourceWagerId, 'text'), col(e, (x) => x.playerId, 'text'),
                      col(e, (x) => x.qualified, 'boolean'), col(e, (x) => x.points, 'bigint'), col(e, (x) => x.requestHash, 'text')],
                      JSON.stringify(e.map((x) => x.response)))} AS v(t, k, p, q, n, h, r)
        ON CONFLICT (tournament_id, source_wager_id) DO NOTHING RETURNING 1)`);
      counted.push('score_events');
    }
    const { states, contributions, wins } = w.pools;
    if (states.length > 0) {
      ctes.push(`pools AS (
        UPDATE jackpots j SET cycle = v.cycle, pool = v.pool::numeric, seed_id = v.seed_id, seed_ciphertext = v.seed_ct, seed_commit = v.seed_commit,
               seeded_total = j.seeded_total + v.seeded::numeric, contributed_total = j.contributed_total + v.contributed::numeric,
               won_total = j.won_total + v.won::numeric, updated_at = now()
          FROM unnest(${col(states, (x) => x.id, 'text')}, ${col(states, (x) => x.cycle, 'int')}, ${col(states, (x) => formatScaled(x.poolNanos, RATE_DECIMALS), 'text')},
                      ${col(states, (x) => x.seed.id, 'text')}, ${col(states, (x) => x.seed.ciphertext, 'text')}, ${col(states, (x) => x.seed.commit, 'text')},
                      ${col(states, (x) => x.seededAdded.toString(), 'text')}, ${col(states, (x) => formatScaled(x.contributedAdded, RATE_DECIMALS), 'text')},
                      ${col(states, (x) => x.wonAdded.toString(), 'text')}) AS v(id, cycle, pool, seed_id, seed_ct, seed_commit, seeded, contributed, won)
         WHERE j.id = v.id AND j.tenant_id = ${t})`);
    }
    if (contributions.length > 0) {
      const c = contributions;
      ctes.push(`contributions AS (
        INSERT INTO jackpot_contributions (jackpot_id, source_wager_id, tenant_id, player_id, cycle, bet_amount, contribution, request_hash, response, created_at)
        SELECT v.j, v.k, ${t}, v.p, v.c, v.b, v.n::numeric, v.h, v.r, ${at}
          FROM ${withAnswers([col(c, (x) => x.jackpotId, 'text'), col(c, (x) => x.sourceWagerId, 'text'), col(c, (x) => x.playerId, 'text'),
                      col(c, (x) => x.cycle, 'int'), col(c, (x) => x.betAmount, 'bigint'), col(c, (x) => formatScaled(x.contributionNanos, RATE_DECIMALS), 'text'),
                      col(c, (x) => x.requestHash, 'text')], JSON.stringify(c.map((x) => x.response)))} AS v(j, k, p, c, b, n, h, r)
        ON CONFLICT (jackpot_id, source_wager_id) DO NOTHING RETURNING 1)`);
      counted.push('contributions');
    }
    if (wins.length > 0) {
      // Seeds created and won within this batch go in already revealed (a sibling UPDATE could not see them).
      const revealedHere = new Map(wins.map((x) => [x.seedId, x]));
      const created = wins.map((x) => x.nextSeed);
      const createdIds = new Set(created.map((s) => s.id));
      const reveals = wins.filter((x) => !createdIds.has(x.seedId));
      const jackpotOf = new Map(wins.map((x) => [x.nextSeed.id, x.jackpotId]));
      ctes.push(`new_seeds AS (
        INSERT INTO jackpot_seeds (id, tenant_id, jackpot_id, cycle, seed_ciphertext, commit, revealed_seed, revealed_at, created_at)
        SELECT v.id, ${t}, v.j, v.c, v.ct, v.cm, v.rs, CASE WHEN v.rs IS NULL THEN NULL ELSE ${at} END, ${at}
          FROM unnest(${col(created, (s) => s.id, 'text')}, ${col(created, (s) => jackpotOf.get(s.id), 'text')}, ${col(created, (s) => s.cycle, 'int')},
                      ${col(created, (s) => s.ciphertext, 'text')}, ${col(created, (s) => s.commit, 'text')},
                      ${col(created, (s) => revealedHere.get(s.id)?.seed ?? null, 'text')}) AS v(id, j, c, ct, cm, rs))`);
      if (reveals.length > 0) {
        ctes.push(`reveals AS (
          UPDATE jackpot_seeds s SET revealed_seed = v.seed, revealed_at = ${at}
            FROM unnest(${col(reveals, (x) => x.seedId, 'text')}, ${col(reveals, (x) => x.seed, 'text')}) AS v(id, seed)
           WHERE s.id = v.id AND s.tenant_id = ${t} AND s.revealed_at IS NULL)`);
      }
      ctes.push(`wins AS (
        INSERT INTO jackpot_wins (id, tenant_id, jackpot_id, cycle, player_id, source_wager_id, amount, seed_id, proof, created_at)
        SELECT v.id, ${t}, v.j, v.c, v.p, v.k, v.a, v.s, v.pr::jsonb, ${at}
          FROM unnest(${col(wins, (x) => x.id, 'text')}, ${col(wins, (x) => x.jackpotId, 'text')}, ${col(wins, (x) => x.cycle, 'int')},
                      ${col(wins, (x) => x.playerId, 'text')}, ${col(wins, (x) => x.sourceWagerId, 'text')}, ${col(wins, (x) => x.amount, 'bigint')},
                      ${col(wins, (x) => x.seedId, 'text')}, ${col(wins, (x) => JSON.stringify(x.proof), 'text')}) AS v(id, j, c, p, k, a, s, pr))`);
    }
    const events = [...w.events, ...wins.map((x) => ({ id: x.event.id, type: 'jackpot.won', data: x.event.data }))];
    if (events.length > 0) {
      ctes.push(`events AS (
        INSERT INTO outbox_events (id, tenant_id, type, data, created_at)
        SELECT v.id, ${t}, v.type, v.data::jsonb, ${at}
          FROM unnest(${col(events, (x) => x.id, 'text')}, ${col(events, (x) => x.type, 'text')}, ${col(events, (x) => JSON.stringify(x.data), 'text')}) AS v(id, type, data))`);
    }
    if (w.wagers.length > 0) {
      const g = w.wagers;
      ctes.push(`wagers AS (
        INSERT INTO wagers (id, tenant_id, source_wager_id, player_id, bet_amount, win_amount, currency, game_code, game_category, settled_at, request_hash, response, created_at)
        SELECT v.id, ${t}, v.k, v.p, v.b, v.w, v.c, v.g, v.gc, v.s, v.h, v.r, ${at}
          FROM ${withAnswers([col(g, (x) => x.id, 'text'), col(g, (x) => x.sourceWagerId, 'text'), col(g, (x) => x.playerId, 'text'),
                      col(g, (x) => x.betAmount, 'bigint'), col(g, (x) => x.winAmount, 'bigint'), col(g, (x) => x.currency, 'text'),
                      col(g, (x) => x.gameCode, 'text'), col(g, (x) => x.gameCategory, 'text'), col(g, (x) => x.settledAt, 'timestamptz'),
                      col(g, (x) => x.requestHash, 'text')], `[${g.map((x) => x.response).join(',')}]`)} AS v(id, k, p, b, w, c, g, gc, s, h, r)
        ON CONFLICT (tenant_id, source_wager_id) DO NOTHING RETURNING 1)`);
      counted.push('wagers');
    }
    if (w.versions.length > 0) {
      ctes.push(`versions AS (
        UPDATE tournaments tt SET score_version = tt.score_version + 1
          FROM (SELECT id FROM tournaments WHERE tenant_id = ${t} AND id = ANY(${p.add(w.versions, 'text[]')}) ORDER BY id FOR NO KEY UPDATE) l
         WHERE tt.id = l.id
         RETURNING tt.id, tt.score_version)`);
    }
    if (ctes.length === 0) return { wagers: 0, scoreEvents: 0, contributions: 0, versions: new Map() };
    const select = [
      ...['wagers', 'score_events', 'contributions'].map((name) => (counted.includes(name) ? `(SELECT count(*)::int FROM ${name}) AS ${name}` : `0 AS ${name}`)),
      w.versions.length > 0 ? `(SELECT json_agg(json_build_object('id', id, 'v', score_version::text)) FROM versions) AS versions` : `'[]'::json AS versions`,
    ];
    const { rows } = await this.db.rawClient.query<Json>(prepared(`WITH ${ctes.join(',\n')}\nSELECT ${select.join(', ')}`, p.values));
    const r = rows[0];
    return {
      wagers: r.wagers as number,
      scoreEvents: r.score_events as number,
      contributions: r.contributions as number,
      versions: new Map(((r.versions as Json[] | null) ?? []).map((v) => [v.id as string, BigInt(v.v as string)])),
    };
  }
}
