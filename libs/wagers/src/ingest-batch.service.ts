import { Injectable } from '@nestjs/common';
import { AppError, JsonText, MAX_MONEY, newId, Replayable, type TenantId } from '@app/common';
import { DbService } from '@app/db';
import { applyWagers, toGrantView } from '@app/bonuses';
import { contributionResult, type ContributionEntry, type ContributionResult, type Jackpot, JackpotEngine } from '@app/jackpots';
import { JourneyEngine } from '@app/journeys';
import { type PlayerRef, PlayersService } from '@app/players';
import { acceptsScoreAt, type ScoreEntry, type ScoreResult, type Tournament, TournamentScoring } from '@app/tournaments';
import { contributionHash, type IngestItem, keyOf, scoreHash, type WagerInput, type WagerResponse, wagerHash } from './ingest.types.js';
import { type IngestPlayer, IngestRepository, type Lookup, type OutboxRow, type StoredAnswer, type WagerRow } from './ingest.repository.js';

export type Outcome = { ok: true; value: Replayable<unknown> } | { ok: false; error: unknown };

/** A key claimed by a transaction that committed while this batch ran: the batch runs again and replays it. */
class DuplicateInFlight extends Error {}

/**
 * A player the batch was to create exists: another transaction created it after the lookup (this one
 * waited on that insert). Its scores and bonuses were neither locked nor loaded by this batch, so the
 * batch runs again with the player known: locked, then read as the other transaction left it.
 */
class PlayerAppeared extends Error {}

const MAX_ROUNDS = 5;

interface Fresh {
  index: number;
  item: IngestItem;
  player: IngestPlayer;
  settledAt: Date;
}

/**
 * One batch of wagers, scores and contributions of one tenant, in one transaction (ARCHITECTURE.md,
 * the flow of one wager, done for many at once):
 *
 * 1. replays are answered from the stored answers, before any lock;
 * 2. the transaction locks, in this order (the same for every batch, so batches never deadlock):
 *    the tournaments FOR KEY SHARE, the players, their live bonuses, then last the jackpot pools and
 *    the tournaments' score versions — the only rows many batches share, held only until commit;
 * 3. every effect is computed in order and written set-based in one statement: stats, wagering,
 *    scores, contributions and wins, events, and each key with its answer (INSERT … ON CONFLICT DO
 *    NOTHING: a key that another transaction committed meanwhile rolls this batch back, and it runs
 *    again as replays);
 * 4. after commit, the leaderboard cache learns the new standings.
 *
 * Raw SQL carries it (IngestRepository); a batch that must create players or move journeys runs in a
 * Prisma transaction instead, whose connection the same SQL then uses. Each item gets its own answer
 * or error: one bad item does not fail the others.
 */
@Injectable()
export class IngestBatch {
  constructor(
    private readonly db: DbService,
    private readonly repo: IngestRepository,
    private readonly players: PlayersService,
    private readonly journeys: JourneyEngine,
    private readonly scoring: TournamentScoring,
    private readonly jackpots: JackpotEngine,
  ) {}

  async run(tenantId: TenantId, items: readonly IngestItem[]): Promise<Outcome[]> {
    const outcomes: Array<Outcome | undefined> = items.map(() => undefined);
    let pending = items.map((_, i) => i);
    // after a write found a key taken, later rounds also look for the keys a wager shares with
    // direct scores and contributions (they are not among the keys looked up before the transaction)
    let recheck = false;
    for (let round = 1; pending.length > 0; round++) {
      try {
        pending = await this.round(tenantId, items, pending, outcomes, recheck);
      } catch (err) {
        if (!(err instanceof DuplicateInFlight || err instanceof PlayerAppeared)) throw err;
        if (round >= MAX_ROUNDS) throw AppError.conflict('a request with the same source_wager_id is still being processed; retry');
        if (err instanceof DuplicateInFlight) recheck = true;
      }
    }
    return outcomes as Outcome[];
  }

  /** One pass over `pending`; returns the items to run again (duplicates of an item that failed). */
  private async round(
    tenantId: TenantId,
    items: readonly IngestItem[],
    pending: readonly number[],
    outcomes: Array<Outcome | undefined>,
    recheck: boolean,
  ): Promise<number[]> {
    // duplicates inside the batch follow the first of their key
    const leaders = new Map<string, number>();
    const followers: Array<[number, number]> = [];
    for (const i of pending) {
      const k = keyOf(items[i]);
      const leader = leaders.get(k);
      if (leader === undefined) leaders.set(k, i);
      else followers.push([i, leader]);
    }
    const first = [...leaders.values()];
    const lookup = await this.repo.lookup(tenantId, {
      refs: [...new Set(first.map((i) => refValue(items[i].input.player)))],
      wagers: first.flatMap((i) => (items[i].kind === 'wager' ? [items[i].input.sourceWagerId] : [])),
      scores: first.flatMap((i) => { const it = items[i]; return it.kind === 'score' ? [[it.tournamentId, it.input.sourceWagerId] as [string, string]] : []; }),
      contributions: first.flatMap((i) => { const it = items[i]; return it.kind === 'contribute' ? [[it.jackpotId, it.input.sourceWagerId] as [string, string]] : []; }),
    });
    const known = knownPlayers(lookup, first.map((i) => items[i]));
    const hashes = new Map<number, string>();
    const fresh = this.replays(first, items, lookup, known, hashes, outcomes);
    if (fresh.length > 0) await this.apply(tenantId, fresh, items, known, hashes, lookup.wagerJourneys, outcomes, recheck);

    const again: number[] = [];
    for (const [i, leader] of followers) {
      const answer = outcomes[leader]!;
      if (!answer.ok) {
        again.push(i);
        continue;
      }
      const player = known.get(refKey(items[i].input.player));
      const same = player !== undefined && hashOf(items[i], player.id) === hashes.get(leader);
      outcomes[i] = same ? { ok: true, value: Replayable.replay(answer.value.value) } : { ok: false, error: AppError.idempotencyKeyReused('source_wager_id') };
    }
    return again;
  }

  /** Answers the items whose key is already stored; returns the others. */
  private replays(
    indexes: readonly number[],
    items: readonly IngestItem[],
    lookup: Lookup,
    known: Map<string, IngestPlayer>,
    hashes: Map<number, string>,
    outcomes: Array<Outcome | undefined>,
  ): number[] {
    const rest: number[] = [];
    for (const i of indexes) {
      const item = items[i];
      const player = known.get(refKey(item.input.player));
      if (player) hashes.set(i, hashOf(item, player.id));
      const stored =
        item.kind === 'wager'
          ? lookup.wagers.get(item.input.sourceWagerId)
          : item.kind === 'score'
            ? lookup.scores.get(`${item.tournamentId}|${item.input.sourceWagerId}`)
            : lookup.contributions.get(`${item.jackpotId}|${item.input.sourceWagerId}`);
      if (!stored) {
        rest.push(i);
        continue;
      }
      // an unknown player cannot be the one the key was first used for: a different payload
      outcomes[i] =
        player && stored.requestHash === hashes.get(i) && stored.response !== null
          ? { ok: true, value: Replayable.replay(stored.response) }
          : { ok: false, error: AppError.idempotencyKeyReused('source_wager_id') };
    }
    return rest;
  }

  /** The transaction: every effect of the new items, once. */
  private async apply(
    tenantId: TenantId,
    indexes: readonly number[],
    items: readonly IngestItem[],
    known: Map<string, IngestPlayer>,
    hashes: Map<number, string>,
    wagerJourneys: boolean,
    outcomes: Array<Outcome | undefined>,
    recheck: boolean,
  ): Promise<void> {
    const unknownPlayers = indexes.some((i) => !known.has(refKey(items[i].input.player)));
    // Creating players and moving journeys go through their own (Prisma) services: then the batch runs
    // in a Prisma transaction, and its raw SQL on that transaction's connection.
    const inPrisma = unknownPlayers || wagerJourneys;
    const answers = new Map<number, unknown>();
    const errors = new Map<number, unknown>();
    const created = new Map<string, IngestPlayer>();
    const createdHashes = new Map<number, string>();
    let publish: () => Promise<void> = async () => undefined;

    const body = async () => {
      answers.clear();
      errors.clear();
      created.clear();
      createdHashes.clear();
      const now = new Date();
      // a wager or score without settled_at settled when the API received it (a batch runs a little later)
      const settledAt = (i: number) => {
        const input = (items[i] as { input: { settledAt?: Date; receivedAt?: Date } }).input;
        return input.settledAt ?? input.receivedAt ?? now;
      };

      // 1. lock the tournaments (named, and auto_enroll ones that may take these wagers) and the known players
      const wagerIdx = indexes.filter((i) => items[i].kind === 'wager');
      const currencies = [...new Set(wagerIdx.map((i) => (items[i] as { input: WagerInput }).input.currency))];
      const times = wagerIdx.map((i) => settledAt(i).getTime());
      const knownIds = [...new Set(indexes.flatMap((i) => known.get(refKey(items[i].input.player))?.id ?? []))].sort();
      const locked = await this.repo.lockTargets(tenantId, {
        tournamentIds: named(items, indexes, 'tournament'),
        auto: currencies.length > 0 ? { currencies, from: new Date(Math.min(...times)), to: new Date(Math.max(...times)), now } : null,
        playerIds: knownIds,
      });
      const tournaments = new Map(locked.tournaments.map((t) => [t.id, t]));
      const seqs = indexes.reduce((n, i) => n + (items[i].kind === 'score' ? 1 : items[i].kind === 'wager' ? tournaments.size : 0), 0);

      // 2. what they change, read after the locks
      const state = await this.repo.loadState(tenantId, {
        playerIds: knownIds,
        tournamentIds: [...tournaments.keys()],
        jackpotIds: named(items, indexes, 'jackpot'),
        jackpotCurrencies: currencies,
        seqs,
      });
      const jackpots = new Map(state.jackpots.map((j) => [j.id, j]));

      // 3. refusals that store nothing: unknown objects, a score outside the window, a wrong currency
      let live = indexes.filter((i) => {
        const error = refusal(items[i], tournaments, jackpots, settledAt(i), now);
        if (error) errors.set(i, error);
        return !error;
      });

      // 4. players: those never seen are created (an event is never lost to a late signup)
      const players = new Map<number, IngestPlayer>();
      for (const i of live) {
        const ref = items[i].input.player;
        let player = known.get(refKey(ref)) ?? created.get(refKey(ref));
        if (player) player = { ...player, ...locked.players.get(player.id) };
        else if ('playerId' in ref && ref.playerId.startsWith('plr_')) {
          errors.set(i, AppError.notFound('player'));
          continue;
        } else {
          const p = await this.players.createForEvent(tenantId, ref, now);
          if (!p) throw new PlayerAppeared();
          player = { id: p.id, externalRef: p.externalRef, selfExcluded: p.selfExcluded, excludedUntil: p.excludedUntil, currency: p.currency };
          created.set(refKey(ref), player);
        }
        // an item naming a player unknown before this batch has its payload hash only now (each of them,
        // not only the one that created the player)
        if (!hashes.has(i)) createdHashes.set(i, hashOf(items[i], player.id));
        players.set(i, player);
      }
      live = live.filter((i) => players.has(i));
      const hashOfItem = (i: number) => (hashes.get(i) ?? createdHashes.get(i))!;

      // 5. where each item scores and contributions go. A wager's id may already be a key there, held
      //    by a direct score or contribution (found only in a recheck round): the wager is scored or
      //    contributed once per tournament or jackpot, so that entry answers what the key stored and
      //    does nothing, and the wager (its own key, API.md §2) goes on with its other effects.
      const held = recheck
        ? await this.repo.keysHeldForWagers(tenantId, {
            tournamentIds: [...tournaments.keys()],
            jackpotIds: [...jackpots.keys()],
            sourceWagerIds: live.flatMap((i) => (items[i].kind === 'wager' ? [items[i].input.sourceWagerId] : [])),
          })
        : null;
      const routes = new Map<number, Route>();
      const fresh: Fresh[] = [];
      for (const index of live) {
        const f: Fresh = { index, item: items[index], player: players.get(index)!, settledAt: settledAt(index) };
        routes.set(index, routeOf(f, tournaments, jackpots, hashOfItem(index), now, f.item.kind === 'wager' ? held : null));
        fresh.push(f);
      }
      const wagersIn = fresh.filter((f): f is Fresh & { item: { kind: 'wager'; input: WagerInput } } => f.item.kind === 'wager');

      // 6. wagering and journeys
      const wagering = applyWagers(
        state.grants,
        wagersIn.map((f) => ({
          playerId: f.player.id,
          facts: { betAmount: f.item.input.betAmount, winAmount: f.item.input.winAmount, currency: f.item.input.currency, gameCategory: f.item.input.gameCategory, settledAt: f.settledAt },
        })),
        now,
      );
      if (wagerJourneys && wagersIn.length > 0) {
        const full = new Map((await this.players.findByRefs(tenantId, [...new Set(wagersIn.map((f) => f.player.id))])).map((p) => [p.id, p]));
        await this.journeys.onTriggers(
          tenantId,
          'wager',
          wagersIn.map((f) => ({ player: full.get(f.player.id)!, eventKey: `w:${f.item.input.sourceWagerId}`, amount: f.item.input.betAmount, occurredAt: f.settledAt })),
          now,
        );
      }

      // 7. tournaments (an entry whose key a direct score holds answers that score's answer)
      const scoreEntries = fresh.flatMap((f) => routes.get(f.index)!.scores.map((entry) => ({ index: f.index, entry })));
      const toScore = scoreEntries.filter((s): s is { index: number; entry: ScoreEntry } => !('tournament_id' in s.entry));
      // 8. jackpots: the pools are locked here, late — while the scoring asks Redis for ranks (one wait, not two)
      const contributionEntries = fresh.flatMap((f) => routes.get(f.index)!.contributions.map((entry) => ({ index: f.index, entry })));
      const toPools = contributionEntries.filter((c): c is { index: number; entry: ContributionEntry } => !('jackpot_id' in c.entry));
      const [scored, pools] = await Promise.all([
        this.scoring.score(tenantId, toScore.map((s) => s.entry), state.scores, state.seqs, now),
        this.repo.lockPools(tenantId, [...new Set(toPools.map((c) => c.entry.jackpotId))].sort()),
      ]);
      const contributed = this.jackpots.contribute(pools, toPools.map((c) => c.entry), now);

      // 9. answers
      const scoreResult = new Map(toScore.map((s, n) => [s, scored.results[n]] as const));
      const scoreOf = groupResults(
        scoreEntries.map((s) => s.index),
        scoreEntries.map((s) => ('tournament_id' in s.entry ? s.entry : scoreResult.get(s as { index: number; entry: ScoreEntry })!)),
      );
      const poolResult = new Map(toPools.map((c, n) => [c, contributed.results[n]] as const));
      const contributionOf = groupResults(
        contributionEntries.map((c) => c.index),
        contributionEntries.map((c) => ('jackpot_id' in c.entry ? c.entry : poolResult.get(c as { index: number; entry: ContributionEntry })!)),
      );
      const wagerRows: WagerRow[] = wagersIn.map((f, n) => {
        const w = f.item.input;
        const response: WagerResponse = {
          wager_id: newId('wgr', now.getTime()),
          source_wager_id: w.sourceWagerId,
          tournaments: scoreOf.get(f.index) ?? [],
          jackpots: contributionOf.get(f.index) ?? [],
          bonuses: wagering.results[n],
        };
        // the stored answer and the body are the same text (JsonText): built once, here
        const json = JSON.stringify(response);
        answers.set(f.index, new JsonText<WagerResponse>(json));
        return {
          id: response.wager_id,
          sourceWagerId: w.sourceWagerId,
          playerId: f.player.id,
          betAmount: w.betAmount,
          winAmount: w.winAmount,
          currency: w.currency,
          gameCode: w.gameCode,
          gameCategory: w.gameCategory,
          settledAt: f.settledAt,
          requestHash: hashOfItem(f.index),
          response: json,
        };
      });
      for (const f of fresh) {
        if (f.item.kind === 'score') answers.set(f.index, scoreOf.get(f.index)![0]);
        if (f.item.kind === 'contribute') answers.set(f.index, contributionOf.get(f.index)![0]);
      }

      // 10. one statement writes it all
      const events: OutboxRow[] = wagering.completed.map((g) => ({ id: newId('evt', now.getTime()), type: 'bonus.completed', data: { ...toGrantView(g) } }));
      const versioned = [...scored.changes.keys()].sort();
      const written = await this.repo.write(tenantId, {
        stats: statsOf(wagersIn),
        grants: wagering.changed,
        scores: scored.scores,
        scoreEvents: scored.events,
        pools: contributed.writes,
        wagers: wagerRows,
        events,
        versions: versioned,
        at: now,
      });
      if (written.wagers < wagerRows.length || written.scoreEvents < scored.events.length || written.contributions < contributed.writes.contributions.length) {
        throw new DuplicateInFlight();
      }
      publish = () => this.scoring.publish(scored.changes, written.versions);
    };

    if (inPrisma) await this.db.transaction(body);
    else await this.db.rawTransaction(body, { genericPlans: true });

    for (const [k, p] of created) known.set(k, p);
    for (const [i, h] of createdHashes) hashes.set(i, h);
    // The leaderboard cache learns the new standings without holding up the answers (or the next
    // batch): a read waits for the cache to reach PostgreSQL's score version, or rebuilds it.
    void publish();
    for (const i of indexes) {
      outcomes[i] = errors.has(i) ? { ok: false, error: errors.get(i) } : { ok: true, value: Replayable.first(answers.get(i)) };
    }
  }
}

// ---- helpers ----------------------------------------------------------------------------------------

const refValue = (ref: PlayerRef): string => ('playerId' in ref ? ref.playerId : ref.externalRef);
const refKey = (ref: PlayerRef): string => ('playerId' in ref ? `id:${ref.playerId}` : `ref:${ref.externalRef}`);

/** player_id: a plr_ id first, else an external_ref; external_ref: only that. */
function knownPlayers(lookup: Lookup, items: readonly IngestItem[]): Map<string, IngestPlayer> {
  const byId = new Map(lookup.players.map((p) => [p.id, p]));
  const byRef = new Map(lookup.players.map((p) => [p.externalRef, p]));
  const known = new Map<string, IngestPlayer>();
  for (const it of items) {
    const ref = it.input.player;
    const p = 'playerId' in ref ? (byId.get(ref.playerId) ?? byRef.get(ref.playerId)) : byRef.get(ref.externalRef);
    if (p) known.set(refKey(ref), p);
  }
  return known;
}

function hashOf(item: IngestItem, playerId: string): string {
  switch (item.kind) {
    case 'wager':
      return wagerHash(item.input, playerId);
    case 'score':
      return scoreHash(item.input.score, item.input.settledAt, playerId);
    case 'contribute':
      return contributionHash(item.input.betAmount, item.input.currency, playerId);
  }
}

/** The tournament or jackpot ids the items name. */
function named(items: readonly IngestItem[], indexes: readonly number[], kind: 'tournament' | 'jackpot'): string[] {
  const ids = indexes.flatMap((i) => {
    const it = items[i];
    if (it.kind === 'wager') return (kind === 'tournament' ? it.input.tournamentIds : it.input.jackpotIds) ?? [];
    if (kind === 'tournament' && it.kind === 'score') return [it.tournamentId];
    if (kind === 'jackpot' && it.kind === 'contribute') return [it.jackpotId];
    return [];
  });
  return [...new Set(ids)].sort();
}

/** Why an item is refused before it does anything, or null. */
function refusal(item: IngestItem, tournaments: Map<string, Tournament>, jackpots: Map<string, Jackpot>, settledAt: Date, now: Date): AppError | null {
  switch (item.kind) {
    case 'wager':
      if ((item.input.tournamentIds ?? []).some((id) => !tournaments.has(id))) return AppError.notFound('tournament');
      if ((item.input.jackpotIds ?? []).some((id) => !jackpots.has(id))) return AppError.notFound('jackpot');
      return null;
    case 'score': {
      const t = tournaments.get(item.tournamentId);
      if (!t) return AppError.notFound('tournament');
      if (item.input.score.kind === 'wager' && item.input.score.currency !== t.currency) {
        return AppError.rule('currency_mismatch', `the tournament scores ${t.currency} wagers`, [{ field: 'currency', issue: `must be ${t.currency}` }]);
      }
      if (!acceptsScoreAt(t, settledAt, now)) return AppError.conflict(notRunning(t, settledAt, now), 'tournament_not_running');
      return null;
    }
    case 'contribute': {
      const j = jackpots.get(item.jackpotId);
      if (!j) return AppError.notFound('jackpot');
      if (item.input.currency !== j.currency) {
        return AppError.rule('currency_mismatch', `the jackpot takes ${j.currency} bets`, [{ field: 'currency', issue: `must be ${j.currency}` }]);
      }
      return null;
    }
  }
}

function notRunning(t: Tournament, settledAt: Date, now: Date): string {
  if (t.state === 'cancelled') return 'the tournament was cancelled';
  if (t.state === 'finished' || now >= t.finalizeAt) return 'the tournament is finalized';
  if (now < t.startsAt) return `the tournament has not started (it starts at ${t.startsAt.toISOString()})`;
  return `the wager settled at ${settledAt.toISOString()}, outside the tournament (${t.startsAt.toISOString()} to ${t.endsAt.toISOString()})`;
}

/**
 * The tournaments an item scores in: a score's own; a wager's named ones (in its order; one that is
 * not running or in another currency answers why and keeps no key) and then the open auto_enroll
 * ones of its currency that take it.
 */
function scoreEntriesOf(f: Fresh, tournaments: Map<string, Tournament>, hash: string, now: Date): ScoreEntry[] {
  const { item, player, settledAt } = f;
  if (item.kind === 'contribute') return [];
  if (item.kind === 'score') {
    return [{ tournament: tournaments.get(item.tournamentId)!, sourceWagerId: item.input.sourceWagerId, player, facts: item.input.score, requestHash: hash }];
  }
  const w = item.input;
  const facts = { kind: 'wager' as const, betAmount: w.betAmount, winAmount: w.winAmount, currency: w.currency, gameCode: w.gameCode, gameCategory: w.gameCategory };
  const keyHash = scoreHash(facts, w.settledAt, player.id);
  const listed = [...new Set(w.tournamentIds ?? [])];
  const auto = [...tournaments.values()].filter((t) => t.autoEnroll && !listed.includes(t.id) && t.currency === w.currency && acceptsScoreAt(t, settledAt, now));
  return [
    ...listed.map((id) => {
      const t = tournaments.get(id)!;
      const skip = t.currency !== w.currency ? ('currency_mismatch' as const) : !acceptsScoreAt(t, settledAt, now) ? ('tournament_not_running' as const) : undefined;
      return { tournament: t, sourceWagerId: w.sourceWagerId, player, facts, requestHash: keyHash, ...(skip && { skip }) };
    }),
    ...auto.map((t) => ({ tournament: t, sourceWagerId: w.sourceWagerId, player, facts, requestHash: keyHash })),
  ];
}

/** The jackpots an item contributes to; a named one in another currency answers why, with nothing contributed. */
function contributionEntriesOf(f: Fresh, jackpots: Map<string, Jackpot>, hash: string): Array<ContributionEntry | ContributionResult> {
  const { item, player } = f;
  if (item.kind === 'score') return [];
  if (item.kind === 'contribute') {
    const c = item.input;
    return [{ jackpotId: item.jackpotId, sourceWagerId: c.sourceWagerId, player, betAmount: c.betAmount, requestHash: hash }];
  }
  const w = item.input;
  const listed = [...new Set(w.jackpotIds ?? [])];
  const auto = [...jackpots.values()].filter((j) => j.autoEnroll && !listed.includes(j.id) && j.currency === w.currency);
  const keyHash = contributionHash(w.betAmount, w.currency, player.id);
  return [...listed.map((id) => jackpots.get(id)!), ...auto].map((j) =>
    j.currency !== w.currency
      ? contributionResult(j.id, j.poolNanos, 0n, j.poolNanos, null, 'currency_mismatch')
      : { jackpotId: j.id, sourceWagerId: w.sourceWagerId, player, betAmount: w.betAmount, requestHash: keyHash },
  );
}

interface Route {
  /** entries to score, or the stored answer of a key a direct score already holds */
  scores: Array<ScoreEntry | ScoreResult>;
  /** entries to contribute, or an answer already (another currency; a key a direct contribution holds) */
  contributions: Array<ContributionEntry | ContributionResult>;
}

/**
 * An item's score and contribution entries. `held`: the keys direct scores and contributions hold
 * for a wager's id; an entry whose key is held answers the stored answer and does nothing, whatever
 * facts the direct call had (the tournament or jackpot counted that wager id once already).
 */
function routeOf(
  f: Fresh,
  tournaments: Map<string, Tournament>,
  jackpots: Map<string, Jackpot>,
  hash: string,
  now: Date,
  held: { scores: Map<string, StoredAnswer>; contributions: Map<string, StoredAnswer> } | null,
): Route {
  const scores: Route['scores'] = [];
  for (const e of scoreEntriesOf(f, tournaments, hash, now)) {
    const stored = e.skip ? undefined : held?.scores.get(`${e.tournament.id}|${e.sourceWagerId}`);
    scores.push(stored ? (stored.response as ScoreResult) : e);
  }
  const contributions: Route['contributions'] = [];
  for (const c of contributionEntriesOf(f, jackpots, hash)) {
    if ('jackpot_id' in c) {
      contributions.push(c);
      continue;
    }
    const stored = held?.contributions.get(`${c.jackpotId}|${c.sourceWagerId}`);
    contributions.push(stored ? (stored.response as ContributionResult) : c);
  }
  return { scores, contributions };
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** Per player: total_wagered in the player's currency (or the first wager's, for a player without one), last_wager_at. */
function statsOf(wagers: ReadonlyArray<Fresh & { item: { kind: 'wager'; input: WagerInput } }>) {
  const rows = new Map<string, { id: string; currency: string; wagered: bigint; lastWagerAt: Date }>();
  for (const { player, item, settledAt } of wagers) {
    const row = rows.get(player.id) ?? { id: player.id, currency: player.currency ?? item.input.currency, wagered: 0n, lastWagerAt: settledAt };
    // a running total saturates at 2^53 − 1 (as the view shows it) rather than overflow bigint
    if (item.input.currency === row.currency) row.wagered = min(row.wagered + item.input.betAmount, BigInt(MAX_MONEY));
    if (settledAt > row.lastWagerAt) row.lastWagerAt = settledAt;
    rows.set(player.id, row);
  }
  return [...rows.values()];
}

function groupResults<T>(indexes: readonly number[], results: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  indexes.forEach((index, n) => out.set(index, [...(out.get(index) ?? []), results[n]]));
  return out;
}
