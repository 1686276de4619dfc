/**
 * Segment rule AST → a parameterized SQL boolean expression over `players` aliased `p`.
 *
 * The SQL text is assembled only from the fixed pieces in this file (column expressions, casts,
 * operators, keywords) and `$n` placeholders; every value, every attribute name and `now()` travel
 * as parameters. Every comparison compiles to an expression that is never NULL (a NULL field makes
 * it false), so NOT, AND and OR behave as two-valued logic, exactly like {@link evaluateRule}.
 */
import { COLUMN_FIELDS, type ColumnField, type CompareOp, isoInRange, resolveNow, type FieldRef, type RuleAst, type RuleNode, type RuleValue } from './rule-parser.js';

export interface CompileOptions {
  /** the instant `now()` means: a snapshot compiled twice with the same `now` selects the same players */
  now: Date;
  /** the number of the first placeholder (default 1), so that e.g. `$1` can be the tenant id */
  firstParam?: number;
}

export interface CompiledRule {
  /** a boolean SQL expression over `p` (players) */
  sql: string;
  /** the values of `$firstParam`, `$firstParam + 1`, …: strings, booleans and arrays of strings or booleans */
  params: unknown[];
}

/** The only column expressions a compiled rule contains. */
const COLUMN_SQL: Readonly<Record<ColumnField, string>> = Object.freeze({
  vip_level: 'p.vip_level',
  country: 'p.country',
  currency: 'p.currency',
  registered_at: 'p.registered_at',
  first_deposit_at: 'p.first_deposit_at',
  last_deposit_at: 'p.last_deposit_at',
  last_wager_at: 'p.last_wager_at',
  last_login_at: 'p.last_login_at',
  deposit_count: 'p.deposit_count',
  total_deposited: 'p.total_deposited',
  total_wagered: 'p.total_wagered',
  winz_balance: 'p.winz_balance',
  self_excluded: 'p.self_excluded',
  tags: 'p.tags',
});

const SQL_OP: Readonly<Record<CompareOp, string>> = Object.freeze({ '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' });
const ORDERING: ReadonlySet<CompareOp> = new Set(['<', '<=', '>', '>=']);

type Cast = '::bigint' | '::numeric' | '::text' | '::boolean' | '::timestamptz';

const COLUMN_CAST: Readonly<Record<Exclude<(typeof COLUMN_FIELDS)[ColumnField], 'tags'>, Cast>> = {
  integer: '::bigint',
  text: '::text',
  boolean: '::boolean',
  timestamp: '::timestamptz',
};

export function compileRule(ast: RuleAst, options: CompileOptions): CompiledRule {
  const first = options.firstParam ?? 1;
  if (!Number.isSafeInteger(first) || first < 1) throw new RangeError('firstParam must be a positive integer');
  if (!(options.now instanceof Date) || !Number.isFinite(options.now.getTime())) throw new RangeError('now must be a valid Date');
  const c = new Compiler(first, options.now);
  const sql = ast.type === 'all' ? 'TRUE' : c.node(ast);
  return { sql, params: c.params };
}

class Compiler {
  readonly params: unknown[] = [];

  constructor(
    private readonly first: number,
    private readonly now: Date,
  ) {}

  private param(value: unknown): string {
    this.params.push(value);
    return `$${this.first + this.params.length - 1}`;
  }

  private paramValue(v: RuleValue): string | boolean {
    switch (v.type) {
      case 'number':
        return v.text;
      case 'text':
        return v.value;
      case 'boolean':
        return v.value;
      case 'timestamp':
        return v.value;
      case 'now': {
        const iso = isoInRange(resolveNow(v, this.now));
        if (iso === null) throw new RangeError('now() and its duration fall outside the years 0001-9999');
        return iso;
      }
    }
  }

  node(n: RuleNode): string {
    switch (n.type) {
      case 'or':
        return `(${n.items.map((i) => this.node(i)).join(' OR ')})`;
      case 'and':
        return `(${n.items.map((i) => this.node(i)).join(' AND ')})`;
      case 'not':
        return `(NOT ${this.node(n.item)})`;
      case 'compare':
      case 'in':
      case 'is_null':
        return n.field.kind === 'column'
          ? n.field.name === 'tags'
            ? this.tags(n)
            : this.column(n.field.name, n)
          : this.attribute(n.field, n);
    }
  }

  /** A nullable column: false when it is NULL. */
  private column(name: Exclude<ColumnField, 'tags'>, n: Leaf): string {
    const col = COLUMN_SQL[name];
    const cast = COLUMN_CAST[COLUMN_FIELDS[name]];
    switch (n.type) {
      case 'is_null':
        return n.negated ? `(${col} IS NOT NULL)` : `(${col} IS NULL)`;
      case 'compare': {
        // text orders by code point, whatever the database's collation
        const collate = cast === '::text' && ORDERING.has(n.op) ? ' COLLATE "C"' : '';
        return `(${col} IS NOT NULL AND ${col} ${SQL_OP[n.op]} ${this.param(this.paramValue(n.value))}${cast}${collate})`;
      }
      case 'in': {
        const any = `${col} = ANY(${this.param(n.values.map((v) => this.paramValue(v)))}${cast}[])`;
        return n.negated ? `(${col} IS NOT NULL AND NOT (${any}))` : `(${col} IS NOT NULL AND ${any})`;
      }
    }
  }

  /** `tags` is a set: `=` has, `!=` has not, IN has any, NOT IN has none, IS NULL is empty. */
  private tags(n: Leaf): string {
    switch (n.type) {
      case 'is_null':
        return n.negated ? '(coalesce(cardinality(p.tags), 0) > 0)' : '(coalesce(cardinality(p.tags), 0) = 0)';
      case 'compare': {
        const has = `coalesce(p.tags @> ARRAY[${this.param(this.paramValue(n.value))}::text], false)`;
        return n.op === '=' ? `(${has})` : `(NOT ${has})`;
      }
      case 'in': {
        const any = `coalesce(p.tags && ${this.param(n.values.map((v) => this.paramValue(v)))}::text[], false)`;
        return n.negated ? `(NOT ${any})` : `(${any})`;
      }
    }
  }

  /**
   * `attributes.<path>`: compared only when the JSON value there has the literal's type (string,
   * number, boolean); a missing key, a JSON null or another type makes the comparison false. The
   * CASE makes PostgreSQL look at the type before it casts.
   */
  private attribute(field: Extract<FieldRef, { kind: 'attribute' }>, n: Leaf): string {
    const path = this.param([...field.path]);
    const json = `(p.attributes #> ${path}::text[])`;
    const typeOf = `jsonb_typeof${json}`;
    if (n.type === 'is_null') return `(coalesce(${typeOf}, 'null') ${n.negated ? '<>' : '='} 'null')`;

    const sample = n.type === 'compare' ? n.value : n.values[0]!;
    let jsonType: string;
    let lhs: string;
    let cast: Cast;
    if (sample.type === 'number') {
      jsonType = `'number'`;
      lhs = `${json}::numeric`;
      cast = '::numeric';
    } else if (sample.type === 'boolean') {
      jsonType = `'boolean'`;
      lhs = `${json}::boolean`;
      cast = '::boolean';
    } else {
      jsonType = `'string'`;
      lhs = `(p.attributes #>> ${path}::text[])`;
      cast = '::text';
    }
    let test: string;
    if (n.type === 'compare') {
      const collate = cast === '::text' && ORDERING.has(n.op) ? ' COLLATE "C"' : '';
      test = `${lhs} ${SQL_OP[n.op]} ${this.param(this.paramValue(n.value))}${cast}${collate}`;
    } else {
      const any = `${lhs} = ANY(${this.param(n.values.map((v) => this.paramValue(v)))}${cast}[])`;
      test = n.negated ? `NOT (${any})` : any;
    }
    return `(CASE WHEN ${typeOf} = ${jsonType} THEN ${test} ELSE false END)`;
  }
}

type Leaf = Extract<RuleNode, { type: 'compare' | 'in' | 'is_null' }>;
