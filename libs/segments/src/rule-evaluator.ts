/**
 * Evaluates a rule AST against one player in memory, with the semantics of the SQL that
 * {@link compileRule} produces (the property tests hold the two to agreement):
 *
 * - every comparison is true or false, never unknown: a NULL field makes it false (`!=`, `NOT IN`
 *   included), and NOT / AND / OR are ordinary two-valued logic;
 * - text orders by Unicode code point (SQL: `COLLATE "C"`);
 * - `tags` is a set: `=` has, `!=` has not, IN has any, NOT IN has none, IS NULL is empty;
 * - `attributes.<path>` compares only when the JSON value has the literal's type.
 */
import { resolveNow, type ColumnField, type CompareOp, type FieldRef, type RuleAst, type RuleNode, type RuleValue } from './rule-parser.js';

/** What a rule reads from a player: structurally a subset of `Player` (libs/players). */
export interface SegmentPlayer {
  vipLevel: number | null;
  country: string | null;
  currency: string | null;
  tags: readonly string[] | null;
  attributes: unknown;
  selfExcluded: boolean | null;
  registeredAt: Date | null;
  firstDepositAt: Date | null;
  lastDepositAt: Date | null;
  lastWagerAt: Date | null;
  lastLoginAt: Date | null;
  depositCount: number | bigint | null;
  totalDeposited: number | bigint | null;
  totalWagered: number | bigint | null;
  winzBalance: number | bigint | null;
}

const PLAYER_KEY: Readonly<Record<Exclude<ColumnField, 'tags'>, keyof SegmentPlayer>> = {
  vip_level: 'vipLevel',
  country: 'country',
  currency: 'currency',
  registered_at: 'registeredAt',
  first_deposit_at: 'firstDepositAt',
  last_deposit_at: 'lastDepositAt',
  last_wager_at: 'lastWagerAt',
  last_login_at: 'lastLoginAt',
  deposit_count: 'depositCount',
  total_deposited: 'totalDeposited',
  total_wagered: 'totalWagered',
  winz_balance: 'winzBalance',
  self_excluded: 'selfExcluded',
};

/** A comparable scalar: bigint (integers), number (attribute numbers), string, boolean, or epoch ms. */
type Scalar = bigint | number | string | boolean;

export function evaluateRule(ast: RuleAst, player: SegmentPlayer, now: Date): boolean {
  return ast.type === 'all' ? true : new Evaluator(player, now).node(ast);
}

class Evaluator {
  constructor(
    private readonly player: SegmentPlayer,
    private readonly now: Date,
  ) {}

  node(n: RuleNode): boolean {
    switch (n.type) {
      case 'or':
        return n.items.some((i) => this.node(i));
      case 'and':
        return n.items.every((i) => this.node(i));
      case 'not':
        return !this.node(n.item);
      default:
        return n.field.kind === 'column' && n.field.name === 'tags' ? this.tags(n) : this.leaf(n);
    }
  }

  private tags(n: Leaf): boolean {
    const tags = this.player.tags ?? [];
    switch (n.type) {
      case 'is_null':
        return n.negated ? tags.length > 0 : tags.length === 0;
      case 'compare': {
        const has = tags.includes((n.value as { value: string }).value);
        return n.op === '=' ? has : !has;
      }
      case 'in': {
        const any = n.values.some((v) => tags.includes((v as { value: string }).value));
        return n.negated ? !any : any;
      }
    }
  }

  private leaf(n: Leaf): boolean {
    const actual = this.read(n.field, n.type === 'is_null' ? null : n.type === 'compare' ? n.value : n.values[0]!);
    if (n.type === 'is_null') return n.negated ? actual !== null : actual === null;
    if (actual === null) return false;
    if (n.type === 'compare') return compare(actual, n.op, this.literal(n.value, actual));
    const any = n.values.some((v) => compare(actual, '=', this.literal(v, actual)));
    return n.negated ? !any : any;
  }

  /**
   * The field's value as a scalar of the literal's type, or null (NULL, missing, or for attributes a
   * JSON value of another type). With no literal (IS NULL), whether the field holds anything at all.
   */
  private read(field: FieldRef, literal: RuleValue | null): Scalar | null {
    if (field.kind === 'attribute') {
      let v: unknown = this.player.attributes;
      for (const key of field.path) {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return null;
        v = (v as Record<string, unknown>)[key];
      }
      if (v === null || v === undefined) return null;
      if (literal === null) return true; // present and not JSON null
      if (literal.type === 'number') return typeof v === 'number' && Number.isFinite(v) ? v : null;
      if (literal.type === 'boolean') return typeof v === 'boolean' ? v : null;
      return typeof v === 'string' ? v : null;
    }
    const v = this.player[PLAYER_KEY[field.name as Exclude<ColumnField, 'tags'>]];
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : null;
    if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : null;
    if (typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
    return null;
  }

  /** The literal as a scalar comparable with `actual` (whose type {@link read} already matched). */
  private literal(v: RuleValue, actual: Scalar): Scalar {
    switch (v.type) {
      case 'number':
        return typeof actual === 'bigint' ? BigInt(v.text) : Number(v.text);
      case 'text':
      case 'boolean':
        return v.value;
      case 'timestamp':
        return Date.parse(v.value);
      case 'now':
        return resolveNow(v, this.now);
    }
  }
}

type Leaf = Extract<RuleNode, { type: 'compare' | 'in' | 'is_null' }>;

function compare(a: Scalar, op: CompareOp, b: Scalar): boolean {
  const c = typeof a === 'string' && typeof b === 'string' ? compareCodePoints(a, b) : a < b ? -1 : a > b ? 1 : 0;
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

/** Orders strings by Unicode code point, as PostgreSQL's "C" collation orders UTF-8 text. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // surrogates (astral code points) sort above every BMP code unit outside them
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}
