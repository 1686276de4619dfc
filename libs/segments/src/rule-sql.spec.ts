/**
 * The compiled SQL against a real PostgreSQL: for random valid rules over random players, the rows
 * the database selects are exactly the players the in-memory evaluator matches; and rules built
 * from hostile strings change nothing. PostgreSQL must be reachable (TEST_ADMIN_DATABASE_URL, by
 * default the local server): this test fails, it does not skip, when it is not.
 *
 * The players live in a temporary table (dropped at the end, and by PostgreSQL with the session in
 * any case) shaped like the real `players` table of prisma/migrations, except that its text columns
 * use a linguistic ICU collation when the server has one (where 'a' < 'B', unlike in "C"), as a
 * production database's default collation may be: the compiled SQL must order text by code point
 * regardless.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { compileRule } from './rule-compiler.js';
import { evaluateRule } from './rule-evaluator.js';
import { FIXED_NOW, type FixturePlayer, hostileRule, hostileString, mutate, randomPlayer, Rng, RuleWriter } from './rule-fixtures.js';
import { parseRule, type RuleAst, RuleSyntaxError } from './rule-parser.js';

const DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
const TENANT = 'ten_segments_a';
const OTHER_TENANT = 'ten_segments_b';

const DDL_TEMPLATE = `
CREATE TEMPORARY TABLE players (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenant_id" TEXT NOT NULL,
    "external_ref" TEXT NOT NULL,
    "country" TEXT COLLATE %(collation)s,
    "currency" TEXT COLLATE %(collation)s,
    "vip_level" INTEGER NOT NULL DEFAULT 0 CHECK ("vip_level" >= 0),
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[] CHECK ("tags" IS NOT NULL),
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "self_excluded" BOOLEAN NOT NULL DEFAULT false,
    "excluded_until" TIMESTAMPTZ(3),
    "registered_at" TIMESTAMPTZ(3),
    "first_deposit_at" TIMESTAMPTZ(3),
    "last_deposit_at" TIMESTAMPTZ(3),
    "last_wager_at" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "deposit_count" INTEGER NOT NULL DEFAULT 0,
    "total_deposited" BIGINT NOT NULL DEFAULT 0,
    "total_wagered" BIGINT NOT NULL DEFAULT 0,
    "winz_balance" BIGINT NOT NULL DEFAULT 0 CHECK ("winz_balance" >= 0),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE ("tenant_id", "external_ref")
)`;

let client: pg.Client;
const rng = new Rng(0x5eed_0100);
const players: FixturePlayer[] = Array.from({ length: 300 }, (_, i) => randomPlayer(rng, i));
const others: FixturePlayer[] = Array.from({ length: 20 }, (_, i) => randomPlayer(rng, 300 + i));

async function insert(rows: FixturePlayer[], tenant: string): Promise<void> {
  const values: unknown[] = [];
  const tuples = rows.map((p) => {
    const row = [
      p.id, tenant, `ext_${p.id}`, p.country, p.currency, p.vipLevel, p.tags, JSON.stringify(p.attributes), p.selfExcluded,
      p.registeredAt?.toISOString() ?? null, p.firstDepositAt?.toISOString() ?? null, p.lastDepositAt?.toISOString() ?? null,
      p.lastWagerAt?.toISOString() ?? null, p.lastLoginAt?.toISOString() ?? null,
      String(p.depositCount), String(p.totalDeposited), String(p.totalWagered), String(p.winzBalance),
    ];
    const first = values.length + 1;
    values.push(...row);
    return `(${row.map((_, i) => `$${first + i}`).join(', ')})`;
  });
  await client.query(
    `INSERT INTO pg_temp.players (id, tenant_id, external_ref, country, currency, vip_level, tags, attributes, self_excluded,
       registered_at, first_deposit_at, last_deposit_at, last_wager_at, last_login_at,
       deposit_count, total_deposited, total_wagered, winz_balance) VALUES ${tuples.join(', ')}`,
    values,
  );
}

/** The ids the database selects for a rule, in the tenant, and the ids the evaluator matches. */
async function both(ast: RuleAst): Promise<{ sql: string[]; memory: string[] }> {
  const { sql, params } = compileRule(ast, { now: FIXED_NOW, firstParam: 2 });
  const res = await client.query<{ id: string }>(`SELECT p.id FROM pg_temp.players p WHERE p.tenant_id = $1 AND ${sql}`, [TENANT, ...params]);
  return {
    sql: res.rows.map((r) => r.id).sort(),
    memory: players.filter((p) => evaluateRule(ast, p, FIXED_NOW)).map((p) => p.id).sort(),
  };
}

async function fingerprint(): Promise<{ count: string; digest: string; tables: string }> {
  const { rows } = await client.query<{ count: string; digest: string; tables: string }>(
    `SELECT (SELECT count(*) FROM pg_temp.players)::text AS count,
            (SELECT md5(string_agg(p::text, E'\\n' ORDER BY p.id)) FROM pg_temp.players p) AS digest,
            (SELECT count(*) FROM pg_class)::text AS tables`,
  );
  return rows[0]!;
}

beforeAll(async () => {
  client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${DATABASE_URL} (${String(err)}): this test needs it`);
  }
  await client.query(`SET statement_timeout = '5s'`);
  const icu = await client.query(`SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'`);
  await client.query(DDL_TEMPLATE.replaceAll('%(collation)s', icu.rowCount ? '"und-x-icu"' : '"default"'));
  await insert(players, TENANT);
  await insert(others, OTHER_TENANT);
});

afterAll(async () => {
  if (!client) return;
  await client.query('DROP TABLE IF EXISTS pg_temp.players').catch(() => undefined);
  await client.end();
});

describe('compiled rules in PostgreSQL', () => {
  it('holds the fixture players', async () => {
    expect((await fingerprint()).count).toBe('320');
  });

  it('select exactly what the evaluator matches, for 500 random rules', async () => {
    const writer = new RuleWriter(new Rng(0x5eed_0101));
    let partial = 0;
    for (let i = 0; i < 500; i++) {
      const text = writer.rule(3);
      const ast = parseRule(text);
      const { sql, memory } = await both(ast);
      if (sql.join() !== memory.join()) {
        throw new Error(`${JSON.stringify(text)}: database ${sql.length} rows, evaluator ${memory.length}; only in database: ${sql.filter((id) => !memory.includes(id)).slice(0, 5)}; only in memory: ${memory.filter((id) => !sql.includes(id)).slice(0, 5)}`);
      }
      if (sql.length > 0 && sql.length < players.length) partial++;
    }
    // the rules discriminate: most select some players but not all
    expect(partial).toBeGreaterThan(250);
  });

  it('agree on the edge cases of the semantics', async () => {
    const rules = [
      '',
      'min_vip_level=2 AND last_deposit_at < now() - 7d',
      'NOT last_login_at < now() - 1d',
      "country != 'DE'",
      "NOT country = 'DE'",
      "country < 'x'",
      "country >= '\uFF21'",
      "tags != 'vip'",
      "tags NOT IN ('vip', 'whale')",
      'tags IS NULL',
      "tags = ''",
      "attributes.score = 0.3",
      'attributes.score > 0.3',
      'attributes.score >= 9007199254740991',
      "attributes.score = '12.5'",
      "attributes.segment != 'beta'",
      'NOT attributes.segment = "beta"',
      'attributes.segment IS NULL',
      'attributes.nothing IS NULL',
      'attributes.nested IS NOT NULL',
      'attributes.nested.deeper.flag = true',
      'attributes.nested.level IN (0, 2, 4)',
      'attributes.list IS NOT NULL AND attributes.list != 1',
      "attributes.verified NOT IN (true)",
      'total_deposited >= 9007199254740988',
      'winz_balance NOT IN (0)',
      "registered_at IN ('2026-03-14T15:09:26.535Z', now())",
      'self_excluded = false AND (vip_level > 4 OR deposit_count <= 3)',
    ];
    for (const rule of rules) {
      const { sql, memory } = await both(parseRule(rule));
      expect({ rule, ids: sql }).toEqual({ rule, ids: memory });
    }
  });

  it('run hostile rules that parse without changing anything', async () => {
    const before = await fingerprint();
    const hostile = new Rng(0x5eed_0102);
    const writer = new RuleWriter(hostile);
    const candidates = [
      "country = ''; DROP TABLE players; --'",
      "country = '''; DROP TABLE players; --'",
      "country = 'x'' OR ''1''=''1'",
      "tags IN ('a'');DELETE FROM players;--', \"b\"\"; TRUNCATE players; --\")",
      "attributes.x = '$1'' OR TRUE --'",
      "country = '\\'; UPDATE players SET vip_level = 99; --'",
      "country = '*/ OR 1=1 /*'",
      "country = 'pg_sleep(10)' OR currency = 'SELECT pg_sleep(10)'",
      "country = '\u202E\u200F😀 DROP'",
    ];
    for (let i = 0; i < 3000; i++) candidates.push(i % 3 === 0 ? hostileString(hostile) : mutate(hostile, writer.rule(2)));
    for (let i = 0; i < 1000; i++) candidates.push(hostileRule(hostile));
    let ran = 0;
    for (const text of candidates) {
      let ast: RuleAst;
      try {
        ast = parseRule(text);
      } catch (err) {
        if (err instanceof RuleSyntaxError) continue;
        throw err;
      }
      const { sql, memory } = await both(ast);
      expect({ text, ids: sql }).toEqual({ text, ids: memory });
      ran++;
    }
    expect(ran).toBeGreaterThan(600);
    expect(await fingerprint()).toEqual(before);
  });
});
