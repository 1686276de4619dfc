import { Injectable } from '@nestjs/common';
import { AppError, hasPrefix, newId, Replayable, type TenantId } from '@app/common';
import { DbService } from '@app/db';
import { BonusEngine } from '@app/bonuses';
import { contributionResult, type ContributionEntry, type ContributionResult, JackpotEngine, type Jackpot, JackpotsService } from '@app/jackpots';
import { JourneyEngine } from '@app/journeys';
import { type Player, type PlayerRef, PlayersService } from '@app/players';
import { acceptsScoreAt, type BoardChanges, type ScoreEntry, type ScoreResult, type Tournament, TournamentScoring } from '@app/tournaments';
import { contributionHash, type IngestItem, keyOf, scoreHash, type WagerInput, type WagerResponse, wagerHash } from './ingest.types.js';
import { WagersRepository, type WagerRow } from './wagers.repository.js';

export type Outcome = { ok: true; value: Replayable<unknown> } | { ok: false; error: unknown };

/** A key claimed by a transaction that committed while this batch ran: the batch runs again and replays it. */
class DuplicateInFlight extends Error {}

const MAX_ROUNDS = 5;

interface Fresh {
  index: number;
  item: IngestItem;
  player: Player;
}

/**
 * One batch of wagers, scores and contributions of one tenant, in one transaction (ARCHITECTURE.md,
 * the flow of one wager, done for many at once):
 *
 * 1. replays are answered from the stored answers, before any lock;
 * 2. the transaction locks, in this order (the same for every batch, so batches never deadlock):
 *    the tournaments FOR KEY SHARE, the players, their live bonuses, then last the jackpot pools and
 *    the tournaments' score versions — the only rows many batches share, held only until commit;
 * 3. every effect is computed in order and written set-based: stats, wagering, journeys, scores,
 *    contributions and wins, and each key with its answer (INSERT … ON CONFLICT DO NOTHING: a key
 *    that another transaction committed meanwhile rolls this batch back, and it runs again);
 * 4. after commit, the leaderboard cache learns the new standings.
 *
 * Each item gets its own answer or error: one bad item does not fail the others.
 */
@Injectable()
export class IngestBatch {
  constructor(
    private readonly db: DbService,
    private readonly wagers: WagersRepository,
    private readonly players: PlayersService,
    private readonly bonuses: BonusEngine,
    private readonly journeys: JourneyEngine,
    private readonly scoring: TournamentScoring,
    private readonly jackpotEngine: JackpotEngine,
    private readonly jackpots: JackpotsService,
  ) {}

  async run(tenantId: TenantId, items: readonly IngestItem[]): Promise<Outcome[]> {
    const outcomes: Array<Outcome | undefined> = items.map(() => undefined);
    let pending = items.map((_, i) => i);
    for (let round = 1; pending.length > 0; round++) {
      try {
        pending = await this.round(tenantId, items, pending, outcomes);
      } catch (err) {
        if (!(err instanceof DuplicateInFlight) || round >= MAX_ROUNDS) throw err;
      }
    }
    return outcomes as Outcome[];
  }

  /** One pass over `pending`; returns the items to run again (duplicates of an item that failed). */
  private async round(tenantId: TenantId, items: readonly IngestItem[], pending: readonly number[], outcomes: Array<Outcome | undefined>): Promise<number[]> {
    // duplicates inside the batch follow the first of their key
    const leaders = new Map<string, number>();
    const followers: Array<[number, number]> = [];
    for (const i of pending) {
      const k = keyOf(items[i]);
      const leader = leaders.get(k);
      if (leader === undefined) leaders.set(k, i);
      else followers.push([i, leader]);
    }
    const known = await this.knownPlayers(tenantId, [...leaders.values()].map((i) => items[i]));
    const hashes = new Map<number, string>();
    const unreplayed = await this.replays(tenantId, [...leaders.values()], items, known, hashes, outcomes);
    if (unreplayed.length > 0) await this.apply(tenantId, unreplayed, items, known, hashes, outcomes);

    const again: number[] = [];
    for (const [i, leader] of followers) {
      const first = outcomes[leader]!;
      if (!first.ok) {
        again.push(i);
        continue;
      }
      const player = this.resolve(known, items[i]) ?? null;
      const same = player !== null && this.hashOf(items[i], player.id) === hashes.get(leader);
      outcomes[i] = same ? { ok: true, value: Replayable.replay(first.value.value) } : { ok: false, error: AppError.idempotencyKeyReused('source_wager_id') };
    }
    return again;
  }

  /** Answers the items whose key is already stored; returns the others. */
  private async replays(
    tenantId: TenantId,
    indexes: readonly number[],
    items: readonly IngestItem[],
    known: Map<string, Player>,
    hashes: Map<number, string>,
    outcomes: Array<Outcome | undefined>,
  ): Promise<number[]> {
    const swids = (kind: IngestItem['kind']) => indexes.filter((i) => items[i].kind === kind).map((i) => items[i].input.sourceWagerId);
    const [wagers, scores, contributions] = await Promise.all([
      this.wagers.findBySources(tenantId, swids('wager')),
      this.scoring.findStored(tenantId, indexes.flatMap((i) => { const it = items[i]; return it.kind === 'score' ? [{ tournamentId: it.tournamentId, sourceWagerId: it.input.sourceWagerId }] : []; })),
      this.jackpotEngine.findStored(tenantId, indexes.flatMap((i) => { const it = items[i]; return it.kind === 'contribute' ? [{ jackpotId: it.jackpotId, sourceWagerId: it.input.sourceWagerId }] : []; })),
    ]);
    const rest: number[] = [];
    for (const i of indexes) {
      const item = items[i];
      const player = this.resolve(known, item);
      if (player) hashes.set(i, this.hashOf(item, player.id));
      const stored =
        item.kind === 'wager'
          ? wagers.get(item.input.sourceWagerId)
          : item.kind === 'score'
            ? scores.get(`${item.tournamentId}|${item.input.sourceWagerId}`)
            : contributions.get(`${item.jackpotId}|${item.input.sourceWagerId}`);
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
    known: Map<string, Player>,
    hashes: Map<number, string>,
    outcomes: Array<Outcome | undefined>,
  ): Promise<void> {
    const answers = new Map<number, unknown>();
    let changes: BoardChanges = new Map();
    let versions = new Map<string, bigint>();
    const errors = new Map<number, unknown>();

    // players created in the transaction: known only once it commits (a retried transaction starts over)
    const created = new Map<string, Player>();
    const createdHashes = new Map<number, string>();
    await this.db.transaction(async () => {
      answers.clear();
      errors.clear();
      created.clear();
      createdHashes.clear();
      const now = new Date();
      const settledAt = (i: number) => (items[i] as { input: { settledAt?: Date } }).input.settledAt ?? now;

      // the tournaments and jackpots the items name, and the auto_enroll ones that may apply
      const wagerIdx = indexes.filter((i) => items[i].kind === 'wager');
      const named = (kind: 'tournament' | 'jackpot') =>
        [
          ...new Set(
            indexes.flatMap((i) => {
              const it = items[i];
              if (it.kind === 'wager') return (kind === 'tournament' ? it.input.tournamentIds : it.input.jackpotIds) ?? [];
              if (kind === 'tournament' && it.kind === 'score') return [it.tournamentId];
              if (kind === 'jackpot' && it.kind === 'contribute') return [it.jackpotId];
              return [];
            }),
          ),
        ].sort();
      const currencies = [...new Set(wagerIdx.map((i) => (items[i] as { input: WagerInput }).input.currency))];
      const times = wagerIdx.map((i) => settledAt(i).getTime());
      const tournaments = new Map(
        (
          await this.scoring.forScoring(
            tenantId,
            named('tournament'),
            currencies.length > 0 ? { currencies, from: new Date(Math.min(...times)), to: new Date(Math.max(...times)), now } : null,
          )
        ).map((t) => [t.id, t]),
      );
      const jackpots = new Map((await this.jackpots.forContributions(tenantId, named('jackpot'), currencies)).map((j) => [j.id, j]));

      // refusals that store nothing: unknown objects, a score outside the window, a wrong currency
      let live = indexes.filter((i) => {
        const error = this.refusal(items[i], tournaments, jackpots, settledAt(i), now);
        if (error) errors.set(i, error);
        return !error;
      });

      // players: those never seen are created (an event is never lost to a late signup), then all locked
      const players = new Map<number, Player>();
      for (const i of live) {
        const item = items[i];
        const ref = item.input.player;
        let player = this.resolve(known, item) ?? created.get(refKey(ref));
        if (!player) {
          if ('playerId' in ref && hasPrefix(ref.playerId, 'plr')) {
            errors.set(i, AppError.notFound('player'));
            continue;
          }
          player = await this.players.resolveForEvent(tenantId, ref, now);
          created.set(refKey(ref), player);
        }
        if (!hashes.has(i)) createdHashes.set(i, this.hashOf(item, player.id));
        players.set(i, player);
      }
      live = live.filter((i) => players.has(i));
      const locked = await this.players.lockMany(tenantId, [...new Set([...players.values()].map((p) => p.id))].sort());
      for (const [i, p] of players) players.set(i, { ...p, ...locked.get(p.id) });
      const fresh: Fresh[] = live.map((index) => ({ index, item: items[index], player: players.get(index)! }));
      const wagersIn = fresh.filter((f): f is Fresh & { item: { kind: 'wager'; input: WagerInput } } => f.item.kind === 'wager');

      // stats, wagering, journeys
      await this.players.recordWagers(tenantId, statsOf(wagersIn.map((f) => ({ player: f.player, input: f.item.input, settledAt: settledAt(f.index) }))));
      const facts = wagersIn.map((f) => ({
        player: f.player,
        facts: { betAmount: f.item.input.betAmount, winAmount: f.item.input.winAmount, currency: f.item.input.currency, gameCategory: f.item.input.gameCategory, settledAt: settledAt(f.index) },
      }));
      const bonuses = await this.bonuses.onWagers(tenantId, facts, now);
      await this.journeys.onTriggers(
        tenantId,
        'wager',
        wagersIn.map((f) => ({ player: f.player, eventKey: `w:${f.item.input.sourceWagerId}`, amount: f.item.input.betAmount, occurredAt: settledAt(f.index) })),
        now,
      );

      // tournaments
      const scoreEntries: Array<{ index: number; entry: ScoreEntry }> = [];
      for (const f of fresh) for (const entry of this.scoreEntries(f, tournaments, (hashes.get(f.index) ?? createdHashes.get(f.index))!, settledAt(f.index), now)) scoreEntries.push({ index: f.index, entry });
      const scored = await this.scoring.score(tenantId, scoreEntries.map((s) => s.entry), now);

      // jackpots: the pools are locked here, late
      const contributionEntries: Array<{ index: number; entry: ContributionEntry | ContributionResult }> = [];
      for (const f of fresh) for (const entry of this.contributionEntries(f, jackpots)) contributionEntries.push({ index: f.index, entry });
      const toPools = contributionEntries.filter((c): c is { index: number; entry: ContributionEntry } => !('jackpot_id' in c.entry));
      const contributed = await this.jackpotEngine.contribute(tenantId, toPools.map((c) => c.entry), now);

      // answers
      const scoreOf = groupResults(scoreEntries.map((s) => s.index), scored.results);
      const poolResults = new Map(toPools.map((c, n) => [c, contributed.results[n]] as const));
      const contributionOf = new Map<number, ContributionResult[]>();
      for (const c of contributionEntries) {
        const result = 'jackpot_id' in c.entry ? c.entry : poolResults.get(c as { index: number; entry: ContributionEntry })!;
        contributionOf.set(c.index, [...(contributionOf.get(c.index) ?? []), result]);
      }
      const rows: WagerRow[] = [];
      wagersIn.forEach((f, n) => {
        const w = f.item.input;
        const response: WagerResponse = {
          wager_id: newId('wgr', now.getTime()),
          source_wager_id: w.sourceWagerId,
          tournaments: scoreOf.get(f.index) ?? [],
          jackpots: contributionOf.get(f.index) ?? [],
          bonuses: bonuses[n],
        };
        answers.set(f.index, response);
        rows.push({
          id: response.wager_id,
          sourceWagerId: w.sourceWagerId,
          playerId: f.player.id,
          betAmount: w.betAmount,
          winAmount: w.winAmount,
          currency: w.currency,
          gameCode: w.gameCode,
          gameCategory: w.gameCategory,
          settledAt: settledAt(f.index),
          requestHash: (hashes.get(f.index) ?? createdHashes.get(f.index))!,
          response,
          createdAt: now,
        });
      });
      for (const f of fresh) {
        if (f.item.kind === 'score') answers.set(f.index, scoreOf.get(f.index)![0]);
        if (f.item.kind === 'contribute') answers.set(f.index, contributionOf.get(f.index)![0]);
      }
      const claimed = await this.wagers.insertMany(tenantId, rows);
      if (claimed < rows.length || scored.claimed < scored.expected || contributed.claimed < contributed.expected) throw new DuplicateInFlight();
      changes = scored.changes;
      versions = await this.scoring.bump(tenantId, changes);
    });

    for (const [k, p] of created) known.set(k, p);
    for (const [i, h] of createdHashes) hashes.set(i, h);
    await this.scoring.publish(changes, versions);
    for (const i of indexes) {
      if (errors.has(i)) outcomes[i] = { ok: false, error: errors.get(i) };
      else outcomes[i] = { ok: true, value: Replayable.first(answers.get(i)) };
    }
  }

  /** Why an item is refused before it does anything, or null. */
  private refusal(item: IngestItem, tournaments: Map<string, Tournament>, jackpots: Map<string, Jackpot>, settledAt: Date, now: Date): AppError | null {
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

  /**
   * The tournaments an item scores in: a score's own; a wager's listed ones (in its order; one that is
   * not running or in another currency answers why and keeps no key) and then the open auto_enroll
   * ones of its currency that take it.
   */
  private scoreEntries(f: Fresh, tournaments: Map<string, Tournament>, hash: string, settledAt: Date, now: Date): ScoreEntry[] {
    const { item, player } = f;
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

  /** The jackpots an item contributes to; a listed one in another currency answers why, with nothing contributed. */
  private contributionEntries(f: Fresh, jackpots: Map<string, Jackpot>): Array<ContributionEntry | ContributionResult> {
    const { item, player } = f;
    if (item.kind === 'score') return [];
    if (item.kind === 'contribute') {
      const c = item.input;
      return [{ jackpotId: item.jackpotId, sourceWagerId: c.sourceWagerId, player, betAmount: c.betAmount, requestHash: contributionHash(c.betAmount, c.currency, player.id) }];
    }
    const w = item.input;
    const listed = [...new Set(w.jackpotIds ?? [])];
    const auto = [...jackpots.values()].filter((j) => j.autoEnroll && !listed.includes(j.id) && j.currency === w.currency);
    const hash = contributionHash(w.betAmount, w.currency, player.id);
    return [...listed.map((id) => jackpots.get(id)!), ...auto].map((j) =>
      j.currency !== w.currency
        ? contributionResult(j.id, 0n, j.poolNanos, null, 'currency_mismatch')
        : { jackpotId: j.id, sourceWagerId: w.sourceWagerId, player, betAmount: w.betAmount, requestHash: hash },
    );
  }

  private async knownPlayers(tenantId: TenantId, items: readonly IngestItem[]): Promise<Map<string, Player>> {
    const refs = [...new Set(items.map((it) => refValue(it.input.player)))];
    const found = await this.players.findByRefs(tenantId, refs);
    const known = new Map<string, Player>();
    const byId = new Map(found.map((p) => [p.id, p]));
    const byRef = new Map(found.map((p) => [p.externalRef, p]));
    for (const it of items) {
      const ref = it.input.player;
      // player_id: a plr_ id first, else an external_ref; external_ref: only that
      const p = 'playerId' in ref ? (byId.get(ref.playerId) ?? byRef.get(ref.playerId)) : byRef.get(ref.externalRef);
      if (p) known.set(refKey(ref), p);
    }
    return known;
  }

  private resolve(known: Map<string, Player>, item: IngestItem): Player | undefined {
    return known.get(refKey(item.input.player));
  }

  private hashOf(item: IngestItem, playerId: string): string {
    switch (item.kind) {
      case 'wager':
        return wagerHash(item.input, playerId);
      case 'score':
        return scoreHash(item.input.score, item.input.settledAt, playerId);
      case 'contribute':
        return contributionHash(item.input.betAmount, item.input.currency, playerId);
    }
  }
}

const refValue = (ref: PlayerRef): string => ('playerId' in ref ? ref.playerId : ref.externalRef);
const refKey = (ref: PlayerRef): string => ('playerId' in ref ? `id:${ref.playerId}` : `ref:${ref.externalRef}`);

function notRunning(t: Tournament, settledAt: Date, now: Date): string {
  if (t.state === 'cancelled') return 'the tournament was cancelled';
  if (t.state === 'finished' || now >= t.finalizeAt) return 'the tournament is finalized';
  return `the wager settled at ${settledAt.toISOString()}, outside the tournament (${t.startsAt.toISOString()} to ${t.endsAt.toISOString()})`;
}

/** Per player: total_wagered in the player's currency (or the first wager's, for a player without one), last_wager_at. */
function statsOf(wagers: ReadonlyArray<{ player: Player; input: WagerInput; settledAt: Date }>) {
  const rows = new Map<string, { id: string; currency: string; wagered: bigint; lastWagerAt: Date }>();
  for (const { player, input, settledAt } of wagers) {
    const row = rows.get(player.id) ?? { id: player.id, currency: player.currency ?? input.currency, wagered: 0n, lastWagerAt: settledAt };
    if (input.currency === row.currency) row.wagered += input.betAmount;
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
