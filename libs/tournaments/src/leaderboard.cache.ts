import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@app/common';
import { RedisService } from '@app/redis';
import { decodeStanding, encodeStanding, type Standing } from './scoring.js';

/**
 * The leaderboard cache: per tournament, a lexicographically ordered Redis sorted set of encoded
 * standings (byte order = leaderboard order, so ZRANK is a rank in O(log n)), a hash player → member,
 * and a watermark: every score version up to `v` has been applied. PostgreSQL is the truth; this is
 * rebuilt from it when missing or behind.
 *
 * Writes are absolute and guarded by the reached-at sequence (a member replaces a player's member only
 * if it is newer), so they can arrive in any order, twice, or during a rebuild, and the cache still
 * converges to PostgreSQL. Versions applied out of order wait in a set until the gap closes.
 */

// KEYS: z (members), p (player → member), m (meta: v), a (versions applied above v)
const APPLY = `
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local player = ARGV[3 + i * 2]
  local member = ARGV[4 + i * 2]
  local old = redis.call('HGET', KEYS[2], player)
  if (not old) or string.sub(old, 18, 36) < string.sub(member, 18, 36) then
    if old then redis.call('ZREM', KEYS[1], old) end
    redis.call('ZADD', KEYS[1], 0, member)
    redis.call('HSET', KEYS[2], player, member)
  end
end
local version = tonumber(ARGV[1])
if version > 0 then
  local v = tonumber(redis.call('HGET', KEYS[3], 'v'))
  if version == v + 1 then
    v = version
    while redis.call('SREM', KEYS[4], tostring(v + 1)) == 1 do v = v + 1 end
    redis.call('HSET', KEYS[3], 'v', tostring(v))
  elseif version > v + 1 then
    redis.call('SADD', KEYS[4], tostring(version))
  end
end
local ttl = tonumber(ARGV[n * 2 + 3])
for k = 1, 4 do redis.call('EXPIRE', KEYS[k], ttl) end
return 1`;

// Starts a rebuild: an absent cache is created empty, at version -1 (not servable until finished).
const BEGIN = `
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
  redis.call('HSET', KEYS[3], 'v', '-1')
end
return 1`;

// Finishes a rebuild at PostgreSQL's version ARGV[1]: versions applied meanwhile are kept.
const FINISH = `
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local v = tonumber(redis.call('HGET', KEYS[3], 'v'))
local target = tonumber(ARGV[1])
if target > v then v = target end
for _, x in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if tonumber(x) <= v then redis.call('SREM', KEYS[4], x) end
end
while redis.call('SREM', KEYS[4], tostring(v + 1)) == 1 do v = v + 1 end
redis.call('HSET', KEYS[3], 'v', tostring(v))
local ttl = tonumber(ARGV[2])
for k = 1, 4 do redis.call('EXPIRE', KEYS[k], ttl) end
return v`;

// A page: { v, card, members... }, or { -2 } when absent.
const PAGE = `
if redis.call('EXISTS', KEYS[3]) == 0 then return { -2 } end
local v = tonumber(redis.call('HGET', KEYS[3], 'v'))
local out = { v, redis.call('ZCARD', KEYS[1]) }
local offset = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if limit > 0 then
  for _, m in ipairs(redis.call('ZRANGE', KEYS[1], offset, offset + limit - 1)) do table.insert(out, m) end
end
return out`;

// Around a player: { v, card, rank0 (-1: not on the board), first index, members... }, or { -2 }.
const AROUND = `
if redis.call('EXISTS', KEYS[3]) == 0 then return { -2 } end
local v = tonumber(redis.call('HGET', KEYS[3], 'v'))
local card = redis.call('ZCARD', KEYS[1])
local member = redis.call('HGET', KEYS[2], ARGV[1])
if not member then return { v, card, -1, 0 } end
local rank = redis.call('ZRANK', KEYS[1], member)
local n = tonumber(ARGV[2])
local first = rank - n
if first < 0 then first = 0 end
local out = { v, card, rank, first }
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], first, rank + n)) do table.insert(out, m) end
return out`;

// For ranking a batch: { 1, player members (or ''), counts of members strictly before each probe }, or { 0 }.
const PROBE = `
if redis.call('EXISTS', KEYS[3]) == 0 then return { 0 } end
if tonumber(redis.call('HGET', KEYS[3], 'v')) < 0 then return { 0 } end
local out = { 1 }
local np = tonumber(ARGV[1])
for i = 1, np do table.insert(out, redis.call('HGET', KEYS[2], ARGV[1 + i]) or '') end
local nq = tonumber(ARGV[2 + np])
for i = 1, nq do table.insert(out, redis.call('ZLEXCOUNT', KEYS[1], '-', '(' .. ARGV[2 + np + i])) end
return out`;

type Scripts = {
  lbApply(z: string, p: string, m: string, a: string, ...argv: string[]): Promise<number>;
  lbBegin(z: string, p: string, m: string, a: string): Promise<number>;
  lbFinish(z: string, p: string, m: string, a: string, version: string, ttl: string): Promise<number>;
  lbPage(z: string, p: string, m: string, a: string, offset: string, limit: string): Promise<Array<number | string>>;
  lbAround(z: string, p: string, m: string, a: string, player: string, n: string): Promise<Array<number | string>>;
  lbProbe(z: string, p: string, m: string, a: string, ...argv: string[]): Promise<Array<number | string>>;
};

export interface CachedPage {
  version: number;
  total: number;
  standings: Standing[];
}

export interface CachedAround {
  version: number;
  total: number;
  /** 0-based, or null when the player is not on the board */
  rank: number | null;
  /** 0-based rank of the first standing */
  first: number;
  standings: Standing[];
}

/** Leaderboards of finished tournaments, and idle ones, leave Redis after this long; a read rebuilds them. */
const TTL_SECONDS = 7 * 24 * 3600;
const APPLY_CHUNK = 500;

@Injectable()
export class LeaderboardCache {
  private readonly redis: RedisService['client'] & Scripts;
  private readonly prefix: string;

  constructor(redis: RedisService, @InjectConfig() config: AppConfig) {
    const client = redis.client;
    for (const [name, lua] of Object.entries({ lbApply: APPLY, lbBegin: BEGIN, lbFinish: FINISH, lbPage: PAGE, lbAround: AROUND, lbProbe: PROBE })) {
      if (!(name in client)) client.defineCommand(name, { numberOfKeys: 4, lua });
    }
    this.redis = client as RedisService['client'] & Scripts;
    this.prefix = `${config.queuePrefix}:lb`;
  }

  private keys(tournamentId: string): [string, string, string, string] {
    const base = `${this.prefix}:{${tournamentId}}`;
    return [`${base}:z`, `${base}:p`, `${base}:m`, `${base}:a`];
  }

  /** Creates the (empty, complete) board of a new tournament. */
  async create(tournamentId: string): Promise<void> {
    const [z, p, m, a] = this.keys(tournamentId);
    await this.redis.lbBegin(z, p, m, a);
    await this.redis.lbFinish(z, p, m, a, '0', String(TTL_SECONDS));
  }

  /**
   * A committed transaction's new standings, at its score version. Returns false when the cache is
   * absent (a read will rebuild it).
   */
  async apply(tournamentId: string, version: bigint, standings: readonly Standing[]): Promise<boolean> {
    const [z, p, m, a] = this.keys(tournamentId);
    const argv = [version.toString(), String(standings.length), ...standings.flatMap((s) => [s.playerId, encodeStanding(s)]), String(TTL_SECONDS)];
    return (await this.redis.lbApply(z, p, m, a, ...argv)) === 1;
  }

  /** Rebuilds from a snapshot of PostgreSQL taken at `version`; returns false if the cache vanished meanwhile. */
  async rebuild(tournamentId: string, version: bigint, standings: readonly Standing[]): Promise<boolean> {
    const [z, p, m, a] = this.keys(tournamentId);
    await this.redis.lbBegin(z, p, m, a);
    for (let i = 0; i < standings.length; i += APPLY_CHUNK) {
      const chunk = standings.slice(i, i + APPLY_CHUNK);
      const argv = ['0', String(chunk.length), ...chunk.flatMap((s) => [s.playerId, encodeStanding(s)]), String(TTL_SECONDS)];
      if ((await this.redis.lbApply(z, p, m, a, ...argv)) !== 1) return false;
    }
    return (await this.redis.lbFinish(z, p, m, a, version.toString(), String(TTL_SECONDS))) >= 0;
  }

  /** One rebuild at a time per tournament, across processes. */
  async lockRebuild(tournamentId: string, ms: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}:{${tournamentId}}:rebuild`, '1', 'PX', ms, 'NX')) === 'OK';
  }

  async unlockRebuild(tournamentId: string): Promise<void> {
    await this.redis.del(`${this.prefix}:{${tournamentId}}:rebuild`);
  }

  /** A page of the board, or null when absent. */
  async page(tournamentId: string, offset: number, limit: number): Promise<CachedPage | null> {
    const [z, p, m, a] = this.keys(tournamentId);
    const out = await this.redis.lbPage(z, p, m, a, String(offset), String(limit));
    if (Number(out[0]) === -2) return null;
    return { version: Number(out[0]), total: Number(out[1]), standings: out.slice(2).map((x) => decodeStanding(String(x))) };
  }

  async around(tournamentId: string, playerId: string, n: number): Promise<CachedAround | null> {
    const [z, p, m, a] = this.keys(tournamentId);
    const out = await this.redis.lbAround(z, p, m, a, playerId, String(n));
    if (Number(out[0]) === -2) return null;
    const rank = Number(out[2]);
    return {
      version: Number(out[0]),
      total: Number(out[1]),
      rank: rank < 0 ? null : rank,
      first: Number(out[3]),
      standings: out.slice(4).map((x) => decodeStanding(String(x))),
    };
  }

  /**
   * For ranking a batch before it commits: the cached standings of `players`, and for each probe how
   * many cached standings rank strictly above it. Null when the cache is absent or being rebuilt.
   */
  async probe(tournamentId: string, players: readonly string[], probes: readonly Standing[]): Promise<{ current: Map<string, Standing>; above: number[] } | null> {
    const [z, p, m, a] = this.keys(tournamentId);
    const argv = [String(players.length), ...players, String(probes.length), ...probes.map(encodeStanding)];
    const out = await this.redis.lbProbe(z, p, m, a, ...argv);
    if (Number(out[0]) !== 1) return null;
    const current = new Map<string, Standing>();
    players.forEach((player, i) => {
      const member = String(out[1 + i]);
      if (member) current.set(player, decodeStanding(member));
    });
    return { current, above: out.slice(1 + players.length).map(Number) };
  }

  /** Drops a board (tests, and a tournament's deletion if ever). */
  async drop(tournamentId: string): Promise<void> {
    await this.redis.del(...this.keys(tournamentId));
  }
}
