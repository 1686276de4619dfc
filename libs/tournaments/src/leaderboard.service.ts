import { Injectable, Logger } from '@nestjs/common';
import type { TenantId } from '@app/common';
import { type CachedAround, type CachedPage, LeaderboardCache } from './leaderboard.cache.js';
import type { Standing } from './scoring.js';
import { TournamentsRepository } from './tournaments.repository.js';

/** How long a read waits for batches that committed but have not reached the cache yet. */
const CATCH_UP_MS = 250;
const POLL_MS = 10;
const REBUILD_LOCK_MS = 30_000;

/**
 * Leaderboard reads: from the Redis cache when it has seen every committed score (its watermark has
 * reached the tournament's score_version, read from PostgreSQL first, so a read always sees every
 * score committed before it began); rebuilt from PostgreSQL when the cache is missing or stays behind
 * (a process died between commit and cache update); straight from PostgreSQL when Redis is down.
 */
@Injectable()
export class LeaderboardService {
  private readonly logger = new Logger(LeaderboardService.name);

  constructor(
    private readonly cache: LeaderboardCache,
    private readonly repo: TournamentsRepository,
  ) {}

  async page(tenantId: TenantId, tournamentId: string, version: bigint, offset: number, limit: number): Promise<{ total: number; first: number; standings: Standing[] }> {
    const cached = await this.fresh(tenantId, tournamentId, version, () => this.cache.page(tournamentId, offset, limit));
    if (cached) return { total: cached.total, first: offset, standings: cached.standings };
    const db = await this.repo.page(tenantId, tournamentId, offset, limit);
    return { total: db.total, first: offset, standings: db.standings };
  }

  async around(
    tenantId: TenantId,
    tournamentId: string,
    version: bigint,
    playerId: string,
    n: number,
  ): Promise<{ total: number; rank: number | null; standing: Standing | null; first: number; standings: Standing[] }> {
    const cached = await this.fresh(tenantId, tournamentId, version, () => this.cache.around(tournamentId, playerId, n));
    if (cached) {
      const standing = cached.rank === null ? null : cached.standings[cached.rank - cached.first];
      return { total: cached.total, rank: cached.rank, standing, first: cached.first, standings: cached.standings };
    }
    const mine = await this.repo.standingOf(tenantId, tournamentId, playerId);
    if (!mine) {
      const { total } = await this.repo.page(tenantId, tournamentId, 0, 0);
      return { total, rank: null, standing: null, first: 0, standings: [] };
    }
    const first = Math.max(0, mine.above - n);
    const page = await this.repo.page(tenantId, tournamentId, first, mine.above - first + n + 1);
    return { total: page.total, rank: mine.above, standing: mine.standing, first, standings: page.standings };
  }

  /**
   * Reads the cache once it has every score up to `version`; rebuilds it when absent or stuck behind.
   * Null: serve from PostgreSQL (Redis down, or another process's rebuild taking long).
   */
  private async fresh<T extends CachedPage | CachedAround>(tenantId: TenantId, tournamentId: string, version: bigint, read: () => Promise<T | null>): Promise<T | null> {
    try {
      const deadline = Date.now() + CATCH_UP_MS;
      for (;;) {
        const got = await read();
        if (got && BigInt(got.version) >= version) return got;
        if (got && Date.now() < deadline) {
          await sleep(POLL_MS);
          continue;
        }
        // absent, or still behind: a lost update. Rebuild (one process at a time), then read again.
        if (!(await this.rebuild(tenantId, tournamentId))) return null;
        const again = await read();
        return again && BigInt(again.version) >= version ? again : null;
      }
    } catch (err) {
      this.logger.warn('leaderboard cache unavailable; reading PostgreSQL', { tournamentId, error: (err as Error).message });
      return null;
    }
  }

  /** Rebuilds the cache from a PostgreSQL snapshot; false when another process holds the rebuild. */
  async rebuild(tenantId: TenantId, tournamentId: string): Promise<boolean> {
    if (!(await this.cache.lockRebuild(tournamentId, REBUILD_LOCK_MS))) return false;
    try {
      const snap = await this.repo.snapshot(tenantId, tournamentId);
      if (!snap) return false;
      return await this.cache.rebuild(tournamentId, snap.version, snap.standings);
    } finally {
      await this.cache.unlockRebuild(tournamentId);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
