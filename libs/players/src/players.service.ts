import { Injectable } from '@nestjs/common';
import { AppError, newId, Replayable, requestHash, type TenantId } from '@app/common';
import { DbService } from '@app/db';
import { OutboxService } from '@app/outbox';
import { type Player, type PlayerView, toPlayerView } from './player.js';
import { type PlayerFields, type PlayerPatch, PlayersRepository } from './players.repository.js';

/** How an event names its player: `player_id` (a plr_ id or an external_ref) or `external_ref`. */
export type PlayerRef = { playerId: string } | { externalRef: string };

export interface CreatePlayerInput {
  externalRef: string;
  country?: string;
  currency?: string;
  vipLevel?: number;
  registeredAt?: Date;
  tags?: string[];
  attributes?: Record<string, unknown>;
}

/** Runs inside the transaction that created the player (journeys fire `registration` here). */
export type PlayerCreatedHook = (tenantId: TenantId, player: Player, at: Date) => Promise<void>;

@Injectable()
export class PlayersService {
  private readonly createdHooks: PlayerCreatedHook[] = [];

  constructor(
    private readonly db: DbService,
    private readonly players: PlayersRepository,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Idempotent on external_ref (API.md §2): the first call creates the player and emits
   * `player.created` in the same transaction; a replay with the same payload answers the stored first
   * answer; a different payload is `idempotency_key_reused`. A player that an event created on the fly
   * is completed by its first POST, which counts as the first call.
   */
  /** Modules that react to a new player register here (they depend on players, not the other way round). */
  onPlayerCreated(hook: PlayerCreatedHook): void {
    this.createdHooks.push(hook);
  }

  private async created(tenantId: TenantId, player: Player, at: Date): Promise<void> {
    await this.outbox.emit(tenantId, 'player.created', { ...toPlayerView(player) }, at);
    for (const hook of this.createdHooks) await hook(tenantId, player, at);
  }

  async create(tenantId: TenantId, input: CreatePlayerInput): Promise<Replayable<PlayerView>> {
    const hash = requestHash(input);
    return this.db.transaction(async () => {
      const now = new Date();
      const fields = this.fieldsOf(input, now);
      const player: Player = this.newPlayer(tenantId, input.externalRef, fields, now);
      const view = toPlayerView(player);
      const inserted = await this.players.insertIfAbsent(tenantId, player, { requestHash: hash, response: view });
      if (inserted) {
        await this.created(tenantId, inserted, now);
        return Replayable.first(view);
      }

      const existing = await this.players.findCreateState(tenantId, input.externalRef);
      if (!existing) throw new Error('player vanished between insert and read');
      if (existing.requestHash === null) {
        // The events that made the player may have set its currency (the first wager's or deposit's): the
        // signup keeps it when it names none, and may not name another (the stats are counted in it).
        const held = existing.player.currency;
        if (fields.currency !== null && held !== null && fields.currency !== held) {
          throw AppError.rule('currency_mismatch', `the player's events were in ${held}`, [{ field: 'currency', issue: `must be ${held}, or left out` }]);
        }
        const filled = { ...fields, currency: fields.currency ?? held };
        const completed = toPlayerView({ ...existing.player, ...filled, registeredAt: fields.registeredAt });
        if (await this.players.completeEventCreated(tenantId, existing.player.id, filled, { requestHash: hash, response: completed })) {
          return Replayable.first(completed);
        }
        const current = await this.players.findCreateState(tenantId, input.externalRef);
        // an event set another currency meanwhile: the caller retries and gets the answer above
        if (current?.requestHash === null) throw AppError.conflict('the player changed while it was being completed; retry');
        return this.replay(current, hash);
      }
      return this.replay(existing, hash);
    });
  }

  async get(tenantId: TenantId, ref: string): Promise<PlayerView> {
    return toPlayerView(await this.require(tenantId, ref));
  }

  async update(tenantId: TenantId, ref: string, patch: PlayerPatch): Promise<PlayerView> {
    return this.db.transaction(async () => {
      const player = await this.require(tenantId, ref);
      return toPlayerView(await this.players.update(tenantId, player.id, patch));
    });
  }

  /**
   * The player an event names. An external_ref never seen before creates the player on the fly (so
   * an event is never lost because the signup call came late), emitting player.created; the first
   * POST /v1/players for it then fills it in and answers 201. An unknown plr_ id is 404.
   */
  async resolveForEvent(tenantId: TenantId, ref: PlayerRef, at: Date): Promise<Player> {
    return (await this.findOrCreateForEvent(tenantId, ref, at)).player;
  }

  /**
   * Creates the player an event names by an external_ref never seen, in the caller's transaction; null
   * when the player exists (already, or created meanwhile by a concurrent transaction that this one
   * waited for). A `plr_` id that names no one is a 404.
   */
  async createForEvent(tenantId: TenantId, ref: PlayerRef, at: Date): Promise<Player | null> {
    const { player, created } = await this.findOrCreateForEvent(tenantId, ref, at);
    return created ? player : null;
  }

  private async findOrCreateForEvent(tenantId: TenantId, ref: PlayerRef, at: Date): Promise<{ player: Player; created: boolean }> {
    const given = 'playerId' in ref ? ref.playerId : ref.externalRef;
    const found = await this.players.findByRef(tenantId, given);
    if (found) return { player: found, created: false };
    // a player_id starting with plr_ is an id, well-formed or not: one that names no one is a 404
    if ('playerId' in ref && given.startsWith('plr_')) throw AppError.notFound('player');
    const player = this.newPlayer(tenantId, given, this.fieldsOf({ externalRef: given }, at), at);
    const inserted = await this.players.insertIfAbsent(tenantId, player, { requestHash: null, response: null });
    if (!inserted) return { player: (await this.players.findByRef(tenantId, given))!, created: false };
    await this.created(tenantId, inserted, at);
    return { player: inserted, created: true };
  }

  /** Players named by `plr_` ids or external_refs (a batch of events); unknown ones are simply absent. */
  findByIds(tenantId: TenantId, ids: readonly string[]): Promise<Player[]> {
    return this.players.findByIds(tenantId, ids);
  }

  findByRefs(tenantId: TenantId, refs: readonly string[]): Promise<Player[]> {
    return this.players.findByRefs(tenantId, refs);
  }

  /** Locks a batch's players (in id order) and returns their exclusion and currency as of the lock. */
  lockMany(tenantId: TenantId, ids: readonly string[]): ReturnType<PlayersRepository['lockMany']> {
    return this.players.lockMany(tenantId, ids);
  }

  /** amount null: a deposit of unknown size (counted, adds nothing); currency null: the player's, when it has none yet */
  recordDeposit(tenantId: TenantId, player: Player, amount: bigint | null, currency: string | null, occurredAt: Date): Promise<boolean> {
    return this.players.recordDeposit(tenantId, player.id, amount, currency, occurredAt);
  }

  recordLogin(tenantId: TenantId, player: Player, occurredAt: Date): Promise<void> {
    return this.players.recordLogin(tenantId, player.id, occurredAt);
  }

  /** The player by `plr_` id or external_ref, or 404 (also for another tenant's player). */
  async require(tenantId: TenantId, ref: string): Promise<Player> {
    const player = await this.players.findByRef(tenantId, ref);
    if (!player) throw AppError.notFound('player');
    return player;
  }

  private replay(state: { requestHash: string | null; response: PlayerView | null } | null, hash: string): Replayable<PlayerView> {
    if (!state || state.response === null) throw new Error('player create state missing after a completed create');
    if (state.requestHash !== hash) throw AppError.idempotencyKeyReused('external_ref');
    return Replayable.replay(state.response);
  }

  private fieldsOf(input: CreatePlayerInput, now: Date): PlayerFields {
    return {
      country: input.country ?? null,
      currency: input.currency ?? null,
      vipLevel: input.vipLevel ?? 0,
      tags: input.tags ?? [],
      attributes: input.attributes ?? {},
      registeredAt: input.registeredAt ?? now,
    };
  }

  private newPlayer(tenantId: TenantId, externalRef: string, fields: PlayerFields, now: Date): Player {
    return {
      id: newId('plr', now.getTime()),
      tenantId,
      externalRef,
      ...fields,
      selfExcluded: false,
      excludedUntil: null,
      firstDepositAt: null,
      lastDepositAt: null,
      lastWagerAt: null,
      lastLoginAt: null,
      depositCount: 0,
      totalDeposited: 0n,
      totalWagered: 0n,
      winzBalance: 0n,
      createdAt: now,
    };
  }
}
