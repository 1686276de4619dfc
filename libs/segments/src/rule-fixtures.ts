/**
 * Test support for the segment rule specs (not exported by the library): a seeded PRNG, random
 * players, random valid rule texts in varied spellings, and hostile strings.
 */
import { COLUMN_FIELDS, type RuleAst, type RuleNode, type RuleValue } from './rule-parser.js';
import type { SegmentPlayer } from './rule-evaluator.js';

export const FIXED_NOW = new Date('2026-03-14T15:09:26.535Z');

/** mulberry32: small, fast, deterministic. */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  subset<T>(items: readonly T[], p = 0.3): T[] {
    return items.filter(() => this.chance(p));
  }
}

// ------------------------------------------------------------------------------------------------
// players

export const COUNTRIES = ['DE', 'FR', 'GB', 'MT', 'SE', 'de', 'ÅL', 'x😀', "O'X", 'Z\uFF21', '\uFF21', '😀', 'b'] as const;
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'WINZ'] as const;
export const TAGS = ['vip', 'whale', 'new', 'churn_risk', "o'neil", 'Ünï', '🎰', 'a"b', '', 'VIP'] as const;
export const SEGMENTS = ['alpha', 'beta', 'gamma', 'Beta', 'ß', '😀', '\uFB00', "it's", ''] as const;
const NUMBERS = [0, 1, 2, 5, 10, 12.5, -3, 0.1, 0.30000000000000004, 99.99, 1e15, -0.5, 2 ** 53 - 1] as const;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export interface FixturePlayer extends SegmentPlayer {
  id: string;
}

function randomTime(rng: Rng): Date | null {
  if (rng.chance(0.25)) return null;
  // within the last 90 days, to the millisecond, sometimes in the future
  return new Date(FIXED_NOW.getTime() - rng.int(-2 * 86_400_000, 90 * 86_400_000));
}

function randomMoney(rng: Rng): bigint {
  const r = rng.next();
  if (r < 0.1) return 0n;
  if (r < 0.15) return MAX_SAFE - BigInt(rng.int(0, 3));
  return BigInt(rng.int(0, 5_000_000)) * 1000n + BigInt(rng.int(0, 999));
}

function randomAttributes(rng: Rng): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  const maybe = (key: string, value: () => unknown): void => {
    if (rng.chance(0.7)) a[key] = value();
  };
  maybe('segment', () => (rng.chance(0.85) ? rng.pick(SEGMENTS) : rng.chance(0.5) ? rng.pick(NUMBERS) : null));
  maybe('score', () => (rng.chance(0.8) ? rng.pick(NUMBERS) : rng.chance(0.5) ? String(rng.pick(NUMBERS)) : true));
  maybe('verified', () => (rng.chance(0.85) ? rng.chance(0.5) : rng.pick(['true', 1, null] as const)));
  maybe('nested', () =>
    rng.chance(0.8) ? { level: rng.int(0, 4), name: rng.pick(SEGMENTS), deeper: { flag: rng.chance(0.5) } } : rng.pick([null, 'flat', [1, 2]] as const),
  );
  maybe('nothing', () => null);
  maybe('list', () => [rng.int(0, 3), 'x']);
  return a;
}

export function randomPlayer(rng: Rng, index: number): FixturePlayer {
  return {
    id: `plr_${String(index).padStart(4, '0')}`,
    vipLevel: rng.int(0, 6),
    country: rng.chance(0.2) ? null : rng.pick(COUNTRIES),
    currency: rng.chance(0.2) ? null : rng.pick(CURRENCIES),
    tags: rng.subset(TAGS, 0.25),
    attributes: randomAttributes(rng),
    selfExcluded: rng.chance(0.15),
    registeredAt: randomTime(rng),
    firstDepositAt: randomTime(rng),
    lastDepositAt: randomTime(rng),
    lastWagerAt: randomTime(rng),
    lastLoginAt: randomTime(rng),
    depositCount: rng.int(0, 60),
    totalDeposited: randomMoney(rng),
    totalWagered: randomMoney(rng),
    winzBalance: randomMoney(rng),
  };
}

// ------------------------------------------------------------------------------------------------
// valid rules, in varied spellings

const OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
const INTEGER_FIELDS = Object.keys(COLUMN_FIELDS).filter((f) => COLUMN_FIELDS[f as keyof typeof COLUMN_FIELDS] === 'integer');
const TIME_FIELDS = Object.keys(COLUMN_FIELDS).filter((f) => COLUMN_FIELDS[f as keyof typeof COLUMN_FIELDS] === 'timestamp');

export class RuleWriter {
  constructor(private readonly rng: Rng) {}

  /** A keyword in random case. */
  kw(word: string): string {
    const r = this.rng.next();
    if (r < 0.4) return word.toUpperCase();
    if (r < 0.7) return word.toLowerCase();
    return [...word].map((c) => (this.rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
  }

  field(name: string): string {
    return this.rng.chance(0.8) ? name : this.kw(name);
  }

  sp(): string {
    return this.rng.pick([' ', ' ', ' ', '  ', '\n', '\t', ' \r\n ']);
  }

  /** optional space (around punctuation) */
  osp(): string {
    return this.rng.chance(0.5) ? '' : this.sp();
  }

  text(value: string): string {
    const q = this.rng.chance(0.5) ? "'" : '"';
    return q + value.replaceAll(q, q + q) + q;
  }

  int(lo: number, hi: number): string {
    const n = this.rng.int(lo, hi);
    return n < 0 ? `-${this.rng.chance(0.3) ? ' ' : ''}${-n}` : this.rng.chance(0.1) ? `00${n}` : String(n);
  }

  op(only?: readonly string[]): string {
    return this.rng.pick(only ?? OPS);
  }

  list(values: () => string): string {
    const n = this.rng.int(1, 4);
    return `(${this.osp()}${Array.from({ length: n }, values).join(`${this.osp()},${this.osp()}`)}${this.osp()})`;
  }

  timestamp(): string {
    const t = new Date(FIXED_NOW.getTime() - this.rng.int(-86_400_000, 80 * 86_400_000));
    if (this.rng.chance(0.3)) t.setUTCMilliseconds(0);
    let iso = t.toISOString();
    if (this.rng.chance(0.3)) {
      // the same instant at another offset
      const offsetMin = this.rng.pick([60, -300, 330, -570, 0]);
      const local = new Date(t.getTime() + offsetMin * 60_000).toISOString().slice(0, 23);
      const sign = offsetMin < 0 ? '-' : '+';
      const abs = Math.abs(offsetMin);
      iso = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    }
    if (this.rng.chance(0.2)) iso = iso.replace('T', this.rng.pick(['t', ' ']));
    if (this.rng.chance(0.2)) iso = iso.replace(/\.(\d{3})/, (_, ms: string) => `.${ms}${this.rng.pick(['', '0', '999', '000000'])}`);
    return this.text(iso);
  }

  nowValue(): string {
    if (this.rng.chance(0.15)) return `${this.kw('now')}(${this.osp()})`;
    const unit = this.rng.pick(['m', 'h', 'd', 'w'] as const);
    const span = { m: 90 * 24 * 60, h: 90 * 24, d: 90, w: 13 }[unit];
    const sign = this.rng.chance(0.85) ? '-' : '+';
    return `${this.kw('now')}()${this.osp()}${sign}${this.osp()}${this.rng.int(0, span)}${unit}`;
  }

  timeValue(): string {
    return this.rng.chance(0.6) ? this.nowValue() : this.timestamp();
  }

  attrNumber(): string {
    const pool = ['0', '1', '2', '5', '10', '12.5', '12.50', '-3', '0.1', '0.3', '99.99', '1000000000000000', '-0.5', '9007199254740991', '-0', '3'];
    return this.rng.pick(pool);
  }

  leaf(): string {
    const r = this.rng;
    const s = (): string => this.sp();
    switch (r.int(0, 13)) {
      case 0:
      case 1: {
        const f = r.pick(INTEGER_FIELDS);
        const range = f === 'vip_level' ? [-1, 7] : f === 'deposit_count' ? [0, 60] : [0, 5_000_000_000];
        if (r.chance(0.2)) return `${this.field(f)}${s()}${this.kw('not')}${s()}${this.kw('in')}${this.osp()}${this.list(() => this.int(range[0]!, range[1]!))}`;
        if (r.chance(0.1)) return `${this.field(f)}${s()}${this.kw('in')}${this.osp()}${this.list(() => this.int(range[0]!, range[1]!))}`;
        if (f !== 'vip_level' && f !== 'deposit_count' && r.chance(0.15)) return `${this.field(f)}${this.osp()}${this.op()}${this.osp()}9007199254740991`;
        return `${this.field(f)}${this.osp()}${this.op()}${this.osp()}${this.int(range[0]!, range[1]!)}`;
      }
      case 2:
        return `${this.field(r.pick(['min_vip_level', 'max_vip_level']))}${this.osp()}=${this.osp()}${this.int(0, 6)}`;
      case 3: {
        const f = r.pick(['country', 'currency']);
        const pool: readonly string[] = f === 'country' ? COUNTRIES : CURRENCIES;
        if (r.chance(0.3)) return `${this.field(f)}${s()}${r.chance(0.5) ? `${this.kw('not')}${s()}` : ''}${this.kw('in')}${this.osp()}${this.list(() => this.text(r.pick(pool)))}`;
        return `${this.field(f)}${this.osp()}${this.op()}${this.osp()}${this.text(r.chance(0.9) ? r.pick(pool) : 'M')}`;
      }
      case 4:
      case 5: {
        const f = r.pick(TIME_FIELDS);
        if (r.chance(0.1)) return `${this.field(f)}${s()}${this.kw('in')}${this.osp()}${this.list(() => this.timeValue())}`;
        return `${this.field(f)}${this.osp()}${this.op()}${this.osp()}${this.timeValue()}`;
      }
      case 6:
        return `${this.field('self_excluded')}${this.osp()}${this.op(['=', '!='])}${this.osp()}${this.kw(r.chance(0.5) ? 'true' : 'false')}`;
      case 7:
      case 8: {
        const t = r.int(0, 3);
        if (t === 0) return `${this.field('tags')}${this.osp()}${this.op(['=', '!='])}${this.osp()}${this.text(r.pick(TAGS))}`;
        if (t === 1) return `${this.field('tags')}${s()}${this.kw('in')}${this.osp()}${this.list(() => this.text(r.pick(TAGS)))}`;
        if (t === 2) return `${this.field('tags')}${s()}${this.kw('not')}${s()}${this.kw('in')}${this.osp()}${this.list(() => this.text(r.pick(TAGS)))}`;
        return `${this.field('tags')}${s()}${this.kw('is')}${s()}${r.chance(0.5) ? `${this.kw('not')}${s()}` : ''}${this.kw('null')}`;
      }
      case 9:
      case 10: {
        const attr = r.pick(['segment', 'score', 'verified', 'nested.level', 'nested.name', 'nested.deeper.flag', 'nothing', 'list', 'missing', 'Segment']);
        const name = `${r.chance(0.8) ? 'attributes' : this.kw('attributes')}.${attr}`;
        const kind = r.int(0, 2);
        if (r.chance(0.25)) {
          const neg = r.chance(0.4) ? `${this.kw('not')}${s()}` : '';
          const values = kind === 0 ? () => this.text(r.pick(SEGMENTS)) : kind === 1 ? () => this.attrNumber() : () => this.kw(r.chance(0.5) ? 'true' : 'false');
          return `${name}${s()}${neg}${this.kw('in')}${this.osp()}${this.list(values)}`;
        }
        if (kind === 0) return `${name}${this.osp()}${this.op()}${this.osp()}${this.text(r.pick(SEGMENTS))}`;
        if (kind === 1) return `${name}${this.osp()}${this.op()}${this.osp()}${this.attrNumber()}`;
        return `${name}${this.osp()}${this.op(['=', '!='])}${this.osp()}${this.kw(r.chance(0.5) ? 'true' : 'false')}`;
      }
      default: {
        const f = r.pick([...Object.keys(COLUMN_FIELDS), 'attributes.segment', 'attributes.nothing', 'attributes.nested', 'attributes.nested.level']);
        return `${this.field(f)}${s()}${this.kw('is')}${s()}${r.chance(0.5) ? `${this.kw('not')}${s()}` : ''}${this.kw('null')}`;
      }
    }
  }

  /** A random valid rule of at most `depth` levels of nesting. */
  rule(depth = 4): string {
    const r = this.rng;
    if (depth <= 0 || r.chance(0.35)) return this.leaf();
    switch (r.int(0, 3)) {
      case 0:
        return `${this.kw('not')}${r.chance(0.5) ? this.sp() : ''}(${this.osp()}${this.rule(depth - 1)}${this.osp()})`;
      case 1:
        return `(${this.osp()}${this.rule(depth - 1)}${this.osp()})`;
      case 2:
        return Array.from({ length: r.int(2, 3) }, () => this.wrapIfNeeded(this.rule(depth - 1))).join(`${this.sp()}${this.kw('and')}${this.sp()}`);
      default:
        return Array.from({ length: r.int(2, 3) }, () => this.rule(depth - 1)).join(`${this.sp()}${this.kw('or')}${this.sp()}`);
    }
  }

  private wrapIfNeeded(rule: string): string {
    // an OR under an AND needs parentheses to stay one operand; wrapping always is also valid
    return /\bor\b/i.test(rule.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, '')) ? `(${rule})` : rule;
  }
}

// ------------------------------------------------------------------------------------------------
// hostile input

export const HOSTILE_FRAGMENTS = [
  "'", '"', "''", '""', '--', '/*', '*/', ';', 'DROP TABLE players', "'; DROP TABLE players; --", "' OR 1=1 --", '" OR ""="',
  '$1', '$$', '\\', '\\x27', "E'\\''", '::text', '%', '_', '\0', '\u0000', '\u202E', '\u200F', '\u202D', '\uFEFF', '\u00A0',
  '😀', '𝕏', '\uD800', '\uDFFF', 'مرحبا', 'שלום', '日本', '\n', '\r', '\t', '\u2028', '\x7F', '\x1B[31m',
  '(', ')', '((', '))', ',', '=', '!=', '<', '<=', '>', '>=', '<>', '==', '!', '+', '-', '.', '*', '||', '&&', '@>', '#>>',
  'AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'TRUE', 'false', 'now()', 'now', 'NOW() - 7d', '7d', '7x', '1e9', '1.5', '-0', '9007199254740993',
  'vip_level', 'country', 'tags', 'attributes.x', 'attributes.', 'attributes', 'min_vip_level', 'self_excluded', 'registered_at',
  "'2025-01-01T00:00:00Z'", "'2025-02-30T00:00:00Z'", 'p.id', 'pg_sleep(10)', 'SELECT', 'UNION SELECT', '0x41', ' ', '   ',
] as const;

/** A random hostile string: fragments and random code units (lone surrogates and NULs included). */
export function hostileString(rng: Rng): string {
  const parts: string[] = [];
  const n = rng.int(1, 25);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.6) parts.push(rng.pick(HOSTILE_FRAGMENTS));
    else if (r < 0.8) parts.push(String.fromCharCode(rng.int(0, 0xffff)));
    else if (r < 0.9) parts.push(String.fromCodePoint(rng.int(0x10000, 0x10ffff)));
    else parts.push(String.fromCharCode(rng.int(0x20, 0x7e)));
    if (rng.chance(0.5)) parts.push(' ');
  }
  return parts.join('');
}

/** Text made of hostile fragments, quoted (and escaped) as a valid literal unless it holds NUL or a lone surrogate. */
export function hostileLiteral(rng: Rng): string {
  let text = '';
  for (let i = rng.int(1, 6); i > 0; i--) text += rng.chance(0.8) ? rng.pick(HOSTILE_FRAGMENTS) : String.fromCharCode(rng.int(0, 0xffff));
  const q = rng.chance(0.5) ? "'" : '"';
  return q + text.replaceAll(q, q + q) + q;
}

/** A rule whose structure is valid and whose text literals are hostile. */
export function hostileRule(rng: Rng): string {
  const lit = (): string => hostileLiteral(rng);
  const leaf = (): string =>
    rng.pick([
      () => `country = ${lit()}`,
      () => `currency >= ${lit()}`,
      () => `tags != ${lit()}`,
      () => `tags IN (${lit()}, ${lit()})`,
      () => `attributes.${rng.pick(['segment', 'x', 'DROP', 'p', '_'])} ${rng.pick(['=', '!=', '<', '>='])} ${lit()}`,
      () => `attributes.segment NOT IN (${lit()})`,
      () => `country IN (${lit()})`,
    ])();
  const n = rng.int(1, 3);
  const parts = Array.from({ length: n }, () => (rng.chance(0.3) ? `NOT (${leaf()})` : leaf()));
  return parts.join(rng.chance(0.5) ? ' AND ' : ' OR ');
}

/** A valid rule with a few random edits (insertions of hostile fragments, deletions, swaps). */
export function mutate(rng: Rng, rule: string): string {
  let s = rule;
  const edits = rng.int(1, 3);
  for (let i = 0; i < edits; i++) {
    const at = rng.int(0, s.length);
    const r = rng.next();
    if (r < 0.4) s = s.slice(0, at) + rng.pick(HOSTILE_FRAGMENTS) + s.slice(at);
    else if (r < 0.7) s = s.slice(0, at) + s.slice(at + rng.int(1, 5));
    else if (r < 0.85) s = s.slice(0, at) + String.fromCharCode(rng.int(0, 0xffff)) + s.slice(at + 1);
    else {
      // a text literal with an injection attempt inside (still valid text)
      s = s.replace(/'[^']*'/, `'${rng.pick(["''; DROP TABLE players; --", "'' OR ''1''=''1", '$1', '\\', '--', '/*', '😀\u202E'])}'`);
    }
  }
  return s;
}

// ------------------------------------------------------------------------------------------------
// AST helpers

/** Every value literal in a rule. */
export function valuesOf(ast: RuleAst): RuleValue[] {
  const out: RuleValue[] = [];
  const walk = (n: RuleNode): void => {
    switch (n.type) {
      case 'or':
      case 'and':
        n.items.forEach(walk);
        return;
      case 'not':
        walk(n.item);
        return;
      case 'compare':
        out.push(n.value);
        return;
      case 'in':
        out.push(...n.values);
        return;
      case 'is_null':
        return;
    }
  };
  if (ast.type !== 'all') walk(ast);
  return out;
}

/** Every text literal and attribute name in a rule. */
export function textsOf(ast: RuleAst): string[] {
  const out: string[] = [];
  const walk = (n: RuleNode): void => {
    if (n.type === 'or' || n.type === 'and') n.items.forEach(walk);
    else if (n.type === 'not') walk(n.item);
    else {
      if (n.field.kind === 'attribute') out.push(...n.field.path);
      const vals = n.type === 'compare' ? [n.value] : n.type === 'in' ? n.values : [];
      for (const v of vals) if (v.type === 'text') out.push(v.value);
    }
  };
  if (ast.type !== 'all') walk(ast);
  return out;
}

/** The only pieces a compiled rule's SQL is made of. */
const SQL_ATOM = new RegExp(
  [
    String.raw`\s+`,
    String.raw`\(`,
    String.raw`\)`,
    ',',
    String.raw`\[`,
    String.raw`\]`,
    String.raw`\$[1-9][0-9]*`,
    String.raw`::(?:bigint|numeric|text|boolean|timestamptz)`,
    String.raw`p\.(?:vip_level|country|currency|registered_at|first_deposit_at|last_deposit_at|last_wager_at|last_login_at|deposit_count|total_deposited|total_wagered|winz_balance|self_excluded|tags|attributes)\b`,
    String.raw`(?:AND|OR|NOT|IS|NULL|TRUE|CASE|WHEN|THEN|ELSE|END|ANY|ARRAY|COLLATE|false|coalesce|jsonb_typeof|cardinality)\b`,
    '"C"',
    "'(?:string|number|boolean|null)'",
    '<>|<=|>=|=|<|>|@>|&&|#>>|#>',
    String.raw`0\b`,
  ].join('|'),
  'y',
);

/** Whether `sql` consists only of whitelisted pieces (and, if given, placeholders first..first+count-1). */
export function sqlIsWhitelisted(sql: string, firstParam = 1, paramCount = Infinity): boolean {
  SQL_ATOM.lastIndex = 0;
  let at = 0;
  while (at < sql.length) {
    SQL_ATOM.lastIndex = at;
    const m = SQL_ATOM.exec(sql);
    if (!m || m[0].length === 0) return false;
    if (m[0].startsWith('$')) {
      const n = Number(m[0].slice(1));
      if (n < firstParam || n >= firstParam + paramCount) return false;
    }
    at += m[0].length;
  }
  return true;
}
