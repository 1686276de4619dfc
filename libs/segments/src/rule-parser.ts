/**
 * The segment rule language of API.md §10: a tokenizer and a recursive-descent parser that turn rule
 * text into a typed AST, checking field types as they go. See libs/segments/README.md for the
 * semantics; in short:
 *
 *   rule    := term ( OR term )*
 *   term    := factor ( AND factor )*
 *   factor  := NOT factor | "(" rule ")" | compare
 *   compare := field op value | field [NOT] IN "(" value ("," value)* ")" | field IS [NOT] NULL
 *   op      := = | != | < | <= | > | >=
 *   value   := number | 'text' | "text" | true | false | now() [ (+|-) duration ] | 'RFC 3339 timestamp'
 *   duration:= integer followed by m | h | d | w
 *
 * Positions are 0-based offsets into the rule string in UTF-16 code units (JavaScript string
 * indexes). Every problem, lexical, grammatical or a type error, is a {@link RuleSyntaxError}; the
 * parser throws nothing else for any string (its recursion is bounded by the nesting limit, its
 * input by the length limit).
 */

export const RULE_LIMITS = Object.freeze({
  /** characters (UTF-16 code units) of rule text */
  maxLength: 10_000,
  /** nested parentheses and NOTs */
  maxDepth: 32,
  /** values of one IN list */
  maxInValues: 1_000,
  /** characters (code points) of one text literal, after unescaping */
  maxTextLength: 1_000,
  /** segments after `attributes.` */
  maxAttributePath: 5,
  /** characters of one attribute name */
  maxAttributeName: 64,
  /** significant digits of a non-integer number (so that it is exact in a double) */
  maxDecimalDigits: 15,
  /** the longest duration in `now() ± duration`: 100 years of 365.25 days, in milliseconds */
  maxDurationMs: 36_525 * 86_400_000,
});

// ------------------------------------------------------------------------------------------------
// AST

export type FieldType = 'integer' | 'text' | 'boolean' | 'timestamp' | 'tags';

/** The columns of `players` a rule may name, with their type. */
export const COLUMN_FIELDS = Object.freeze({
  vip_level: 'integer',
  country: 'text',
  currency: 'text',
  registered_at: 'timestamp',
  first_deposit_at: 'timestamp',
  last_deposit_at: 'timestamp',
  last_wager_at: 'timestamp',
  last_login_at: 'timestamp',
  deposit_count: 'integer',
  total_deposited: 'integer',
  total_wagered: 'integer',
  winz_balance: 'integer',
  self_excluded: 'boolean',
  tags: 'tags',
} as const satisfies Record<string, FieldType>);

export type ColumnField = keyof typeof COLUMN_FIELDS;

/** `min_vip_level = N` is `vip_level >= N`; `max_vip_level = N` is `vip_level <= N`. */
const SHORTHANDS = { min_vip_level: '>=', max_vip_level: '<=' } as const;

export type FieldRef =
  | { readonly kind: 'column'; readonly name: ColumnField }
  /** `attributes.a.b` → path ['a', 'b'] (names are case-sensitive, like JSON keys) */
  | { readonly kind: 'attribute'; readonly path: readonly string[] };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type DurationUnit = 'm' | 'h' | 'd' | 'w';

export const DURATION_UNIT_MS: Readonly<Record<DurationUnit, number>> = Object.freeze({
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
});

export type RuleValue =
  /** a normalized decimal (`-12`, `3.5`; no exponent, no leading or trailing zeros) */
  | { readonly type: 'number'; readonly text: string }
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  /** an RFC 3339 timestamp, normalized to UTC with millisecond precision (`Date#toISOString`) */
  | { readonly type: 'timestamp'; readonly value: string }
  /** `now()`, `now() - 7d`: resolved against the `now` given to the compiler or evaluator */
  | { readonly type: 'now'; readonly offset: null | { readonly sign: '+' | '-'; readonly amount: number; readonly unit: DurationUnit } };

export type RuleNode =
  | { readonly type: 'or'; readonly items: readonly RuleNode[] }
  | { readonly type: 'and'; readonly items: readonly RuleNode[] }
  | { readonly type: 'not'; readonly item: RuleNode }
  | { readonly type: 'compare'; readonly field: FieldRef; readonly op: CompareOp; readonly value: RuleValue }
  | { readonly type: 'in'; readonly field: FieldRef; readonly negated: boolean; readonly values: readonly RuleValue[] }
  | { readonly type: 'is_null'; readonly field: FieldRef; readonly negated: boolean };

/** The empty rule (absent, empty or only whitespace): every player matches. */
export interface MatchAllRule {
  readonly type: 'all';
}

export type RuleAst = MatchAllRule | RuleNode;

// ------------------------------------------------------------------------------------------------
// errors

export class RuleSyntaxError extends Error {
  override readonly name = 'RuleSyntaxError';

  constructor(
    /** 0-based offset (UTF-16 code units) where the problem is */
    readonly position: number,
    /** what would have been acceptable there */
    readonly expected: readonly string[],
    /** what was there instead, for people */
    readonly found: string,
  ) {
    super(`at ${position}: expected ${listOf(expected)}, found ${found}`);
  }

  /** The `details` entry of the 400 `validation_failed` answer (API.md §1). */
  toDetail(field = 'rule'): { field: string; issue: string; position: number; expected: string[] } {
    return { field, issue: this.message, position: this.position, expected: [...this.expected] };
  }
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nothing';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

// ------------------------------------------------------------------------------------------------
// tokenizer

type TokenKind = 'word' | 'number' | 'string' | 'op' | '(' | ')' | ',' | '+' | '-' | 'eof' | 'invalid';

interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** word: the word; number: the digits (`12`, `1.5`); string: the unescaped text; op: the operator */
  readonly text: string;
  /** number: letters or digits directly after it (`7d` → `d`) */
  readonly suffix?: string;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isWordStart = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isWordPart = (c: number): boolean => isWordStart(c) || isDigit(c);

class Lexer {
  private pos = 0;
  private peeked: Token | null = null;

  constructor(readonly src: string) {}

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  private scan(): Token {
    const s = this.src;
    while (this.pos < s.length && isSpace(s.charCodeAt(this.pos))) this.pos++;
    const start = this.pos;
    if (start >= s.length) return { kind: 'eof', start, end: start, text: '' };
    const c = s.charCodeAt(start);

    if (isWordStart(c)) {
      // a word, possibly dotted (`attributes.a.b`); the parser checks the segments
      let i = start + 1;
      for (;;) {
        while (i < s.length && isWordPart(s.charCodeAt(i))) i++;
        if (i < s.length && s.charCodeAt(i) === 0x2e /* . */) i++;
        else break;
      }
      this.pos = i;
      return { kind: 'word', start, end: i, text: s.slice(start, i) };
    }

    if (isDigit(c)) {
      let i = start + 1;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      if (i + 1 < s.length && s.charCodeAt(i) === 0x2e && isDigit(s.charCodeAt(i + 1))) {
        i += 2;
        while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      }
      const digitsEnd = i;
      while (i < s.length && isWordPart(s.charCodeAt(i))) i++;
      this.pos = i;
      return { kind: 'number', start, end: i, text: s.slice(start, digitsEnd), suffix: s.slice(digitsEnd, i) };
    }

    if (c === 0x27 /* ' */ || c === 0x22 /* " */) return this.scanString(start, c);

    const two = s.slice(start, start + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      this.pos = start + 2;
      return { kind: 'op', start, end: start + 2, text: two };
    }
    const one = s[start]!;
    if (one === '=' || one === '<' || one === '>') {
      this.pos = start + 1;
      return { kind: 'op', start, end: start + 1, text: one };
    }
    if (one === '(' || one === ')' || one === ',' || one === '+' || one === '-') {
      this.pos = start + 1;
      return { kind: one, start, end: start + 1, text: one };
    }
    // anything else: one code point the parser will report as unexpected
    const cp = s.codePointAt(start)!;
    const end = start + (cp > 0xffff ? 2 : 1);
    this.pos = end;
    return { kind: 'invalid', start, end, text: s.slice(start, end) };
  }

  /** `'…'` or `"…"`; the quote itself is written twice inside (`'O''Brien'`); no backslash escapes. */
  private scanString(start: number, quote: number): Token {
    const s = this.src;
    const q = String.fromCharCode(quote);
    let out = '';
    let codePoints = 0;
    let i = start + 1;
    for (;;) {
      if (i >= s.length) {
        throw new RuleSyntaxError(s.length, [`a closing ${q} for the text that starts at ${start}`], 'end of rule');
      }
      const c = s.charCodeAt(i);
      if (c === quote) {
        if (i + 1 < s.length && s.charCodeAt(i + 1) === quote) {
          out += q;
          i += 2;
        } else {
          i += 1;
          break;
        }
      } else if (c === 0) {
        throw new RuleSyntaxError(i, ['a character other than NUL in text'], 'U+0000');
      } else if (c >= 0xd800 && c <= 0xdbff) {
        const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (!(d >= 0xdc00 && d <= 0xdfff)) throw new RuleSyntaxError(i, ['a valid character in text'], `an unpaired surrogate U+${hex(c)}`);
        out += s.slice(i, i + 2);
        i += 2;
      } else if (c >= 0xdc00 && c <= 0xdfff) {
        throw new RuleSyntaxError(i, ['a valid character in text'], `an unpaired surrogate U+${hex(c)}`);
      } else {
        out += s[i];
        i += 1;
      }
      if (++codePoints > RULE_LIMITS.maxTextLength) {
        throw new RuleSyntaxError(start, [`text of at most ${RULE_LIMITS.maxTextLength} characters`], 'a longer text');
      }
    }
    this.pos = i;
    return { kind: 'string', start, end: i, text: out };
  }
}

const hex = (c: number): string => c.toString(16).toUpperCase().padStart(4, '0');

/** A token as the error message shows it: quoted, shortened, with invisible characters spelled out. */
function describe(src: string, t: Token): string {
  if (t.kind === 'eof') return 'end of rule';
  const raw = src.slice(t.start, t.end);
  const cps = Array.from(raw);
  const shown = cps
    .slice(0, 32)
    .map((ch) => (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) || ch === ' ' ? ch : `U+${hex(ch.codePointAt(0)!)}`))
    .join('');
  const text = cps.length > 32 ? `${shown}…` : shown;
  if (t.kind === 'invalid' && !/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(raw)) return text;
  return t.kind === 'string' ? text : `'${text}'`;
}

// ------------------------------------------------------------------------------------------------
// parser

type ValueKind =
  | 'integer' // integer columns: a safe integer, no decimal point
  | 'text' // text columns and tags
  | 'boolean'
  | 'timestamp' // an RFC 3339 text or now() ± duration
  | 'number' // attribute compared with a number
  | 'attribute' // attribute with = or != : a number, text, true or false
  | 'attribute_ordered'; // attribute with < <= > >= : a number or text

const EXPECTED: Record<ValueKind, string> = {
  integer: 'an integer',
  text: 'a text value in quotes',
  boolean: 'true or false',
  timestamp: "a timestamp such as '2025-05-19T00:00:00Z' or now()",
  number: 'a number',
  attribute: 'a number, a text value in quotes, true or false',
  attribute_ordered: 'a number or a text value in quotes',
};

const ORDERING_OPS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);
const CONTINUE_EXPECTED = ['AND', 'OR'];

class Parser {
  private readonly lx: Lexer;
  private depth = 0;

  constructor(private readonly src: string) {
    this.lx = new Lexer(src);
  }

  parse(): RuleAst {
    if (this.lx.peek().kind === 'eof') return { type: 'all' };
    const rule = this.parseOr();
    const t = this.lx.peek();
    if (t.kind !== 'eof') this.fail(t, [...CONTINUE_EXPECTED, 'end of rule']);
    return rule;
  }

  private fail(t: Token, expected: readonly string[]): never {
    throw new RuleSyntaxError(t.start, expected, describe(this.src, t));
  }

  private isKeyword(t: Token, kw: string): boolean {
    return t.kind === 'word' && t.text.length === kw.length && t.text.toUpperCase() === kw;
  }

  private expectKind(kind: TokenKind, expected: string): Token {
    const t = this.lx.peek();
    if (t.kind !== kind) this.fail(t, [expected]);
    return this.lx.next();
  }

  private parseOr(): RuleNode {
    const items: RuleNode[] = [];
    for (;;) {
      const item = this.parseAnd();
      if (item.type === 'or') items.push(...item.items);
      else items.push(item);
      if (!this.isKeyword(this.lx.peek(), 'OR')) break;
      this.lx.next();
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  }

  private parseAnd(): RuleNode {
    const items: RuleNode[] = [];
    for (;;) {
      const item = this.parseFactor();
      if (item.type === 'and') items.push(...item.items);
      else items.push(item);
      if (!this.isKeyword(this.lx.peek(), 'AND')) break;
      this.lx.next();
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  }

  private enter(t: Token): void {
    if (this.depth >= RULE_LIMITS.maxDepth) {
      this.fail(t, [`at most ${RULE_LIMITS.maxDepth} levels of nested parentheses and NOTs`]);
    }
    this.depth++;
  }

  private parseFactor(): RuleNode {
    const t = this.lx.peek();
    if (this.isKeyword(t, 'NOT')) {
      this.enter(t);
      this.lx.next();
      const item = this.parseFactor();
      this.depth--;
      return { type: 'not', item };
    }
    if (t.kind === '(') {
      this.enter(t);
      this.lx.next();
      const inner = this.parseOr();
      const close = this.lx.peek();
      if (close.kind !== ')') this.fail(close, [...CONTINUE_EXPECTED, "')'"]);
      this.lx.next();
      this.depth--;
      return inner;
    }
    if (t.kind === 'word') return this.parseCompare();
    return this.fail(t, ['a field', 'NOT', "'('"]);
  }

  /** A field name: a column (case-insensitive), a shorthand, or `attributes.<name>[.<name>…]`. */
  private parseField(): { field: FieldRef; shorthand?: '>=' | '<=' } {
    const t = this.lx.next();
    const word = t.text;
    const dot = word.indexOf('.');
    if (dot < 0) {
      const name = word.toLowerCase();
      if (Object.hasOwn(COLUMN_FIELDS, name)) return { field: { kind: 'column', name: name as ColumnField } };
      if (name === 'min_vip_level' || name === 'max_vip_level') {
        return { field: { kind: 'column', name: 'vip_level' }, shorthand: SHORTHANDS[name] };
      }
      if (name === 'attributes') {
        throw new RuleSyntaxError(t.end, ["'.' and an attribute name (attributes.<name>)"], describe(this.src, this.lx.peek()));
      }
      return this.fail(t, ['a field']);
    }
    if (word.slice(0, dot).toLowerCase() !== 'attributes') return this.fail(t, ['a field']);
    const path: string[] = [];
    let at = t.start + dot + 1;
    for (const seg of word.slice(dot + 1).split('.')) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) || seg.length > RULE_LIMITS.maxAttributeName) {
        const found = seg === '' ? (at >= this.src.length ? 'end of rule' : `'${describeChar(this.src, at)}'`) : `'${seg.slice(0, 32)}'`;
        throw new RuleSyntaxError(at, [
          `an attribute name (a letter or _, then letters, digits or _; at most ${RULE_LIMITS.maxAttributeName})`,
        ], found);
      }
      if (path.length >= RULE_LIMITS.maxAttributePath) {
        throw new RuleSyntaxError(at, [`at most ${RULE_LIMITS.maxAttributePath} attribute names in a path`], `'${seg.slice(0, 32)}'`);
      }
      path.push(seg);
      at += seg.length + 1;
    }
    return { field: { kind: 'attribute', path } };
  }

  private parseCompare(): RuleNode {
    const { field, shorthand } = this.parseField();
    const type: FieldType | 'attribute' = field.kind === 'column' ? COLUMN_FIELDS[field.name] : 'attribute';
    const t = this.lx.peek();

    if (shorthand) {
      if (!(t.kind === 'op' && t.text === '=')) this.fail(t, ["'='"]);
      this.lx.next();
      return { type: 'compare', field, op: shorthand, value: this.parseValue('integer') };
    }

    if (t.kind === 'op') {
      const op = t.text as CompareOp;
      if ((type === 'boolean' || type === 'tags') && ORDERING_OPS.has(op)) this.fail(t, ["'='", "'!='"]);
      this.lx.next();
      const kind: ValueKind = type === 'attribute' ? (ORDERING_OPS.has(op) ? 'attribute_ordered' : 'attribute') : kindOf(type);
      return { type: 'compare', field, op, value: this.parseValue(kind) };
    }
    if (this.isKeyword(t, 'IN')) {
      this.lx.next();
      return { type: 'in', field, negated: false, values: this.parseList(type) };
    }
    if (this.isKeyword(t, 'NOT')) {
      this.lx.next();
      const inT = this.lx.peek();
      if (!this.isKeyword(inT, 'IN')) this.fail(inT, ['IN']);
      this.lx.next();
      return { type: 'in', field, negated: true, values: this.parseList(type) };
    }
    if (this.isKeyword(t, 'IS')) {
      this.lx.next();
      let negated = false;
      if (this.isKeyword(this.lx.peek(), 'NOT')) {
        this.lx.next();
        negated = true;
      }
      const n = this.lx.peek();
      if (!this.isKeyword(n, 'NULL')) this.fail(n, negated ? ['NULL'] : ['NULL', 'NOT NULL']);
      this.lx.next();
      return { type: 'is_null', field, negated };
    }
    const ops = type === 'boolean' || type === 'tags' ? ["'='", "'!='"] : ['an operator (=, !=, <, <=, >, >=)'];
    return this.fail(t, [...ops, 'IN', 'NOT IN', 'IS']);
  }

  private parseList(type: FieldType | 'attribute'): RuleValue[] {
    this.expectKind('(', "'('");
    const values: RuleValue[] = [];
    let kind: ValueKind = type === 'attribute' ? 'attribute' : kindOf(type);
    for (;;) {
      const t = this.lx.peek();
      if (values.length >= RULE_LIMITS.maxInValues) this.fail(t, [`at most ${RULE_LIMITS.maxInValues} values in a list`]);
      const v = this.parseValue(kind);
      // an attribute's list holds values of one type: the first one's
      if (kind === 'attribute') kind = v.type === 'number' ? 'number' : v.type === 'boolean' ? 'boolean' : 'text';
      values.push(v);
      const sep = this.lx.peek();
      if (sep.kind === ',') {
        this.lx.next();
        continue;
      }
      if (sep.kind === ')') {
        this.lx.next();
        return values;
      }
      this.fail(sep, ["','", "')'"]);
    }
  }

  private parseValue(kind: ValueKind): RuleValue {
    const t = this.lx.peek();
    const wrong = (): never => this.fail(t, [EXPECTED[kind]]);

    if (t.kind === 'number' || t.kind === '-') {
      if (kind !== 'integer' && kind !== 'number' && kind !== 'attribute' && kind !== 'attribute_ordered') wrong();
      this.lx.next();
      let num = t;
      if (t.kind === '-') {
        num = this.lx.peek();
        if (num.kind !== 'number') this.fail(num, ['a number']);
        this.lx.next();
      }
      if (num.suffix) throw new RuleSyntaxError(num.start, [EXPECTED[kind]], describe(this.src, num));
      return { type: 'number', text: this.number(t, num, t.kind === '-', kind === 'integer') };
    }

    if (t.kind === 'string') {
      if (kind === 'timestamp') {
        const iso = parseTimestamp(t.text);
        if (iso === null) return wrong();
        this.lx.next();
        return { type: 'timestamp', value: iso };
      }
      if (kind !== 'text' && kind !== 'attribute' && kind !== 'attribute_ordered') wrong();
      this.lx.next();
      return { type: 'text', value: t.text };
    }

    if (this.isKeyword(t, 'TRUE') || this.isKeyword(t, 'FALSE')) {
      if (kind !== 'boolean' && kind !== 'attribute') wrong();
      this.lx.next();
      return { type: 'boolean', value: t.text.toUpperCase() === 'TRUE' };
    }

    if (this.isKeyword(t, 'NOW')) {
      if (kind !== 'timestamp') wrong();
      this.lx.next();
      this.expectKind('(', "'('");
      this.expectKind(')', "')'");
      const s = this.lx.peek();
      if (s.kind !== '+' && s.kind !== '-') return { type: 'now', offset: null };
      this.lx.next();
      const d = this.lx.peek();
      const durationExpected = ['a duration such as 7d (an integer and m, h, d or w)'];
      if (d.kind !== 'number' || d.text.includes('.') || !d.suffix || !/^[mhdw]$/.test(d.suffix)) this.fail(d, durationExpected);
      const amount = Number(d.text);
      const unit = d.suffix as DurationUnit;
      if (d.text.length > 12 || amount * DURATION_UNIT_MS[unit] > RULE_LIMITS.maxDurationMs) {
        this.fail(d, ['a duration of at most 100 years']);
      }
      this.lx.next();
      return { type: 'now', offset: { sign: s.kind, amount, unit } };
    }

    return wrong();
  }

  /** Normalizes `[-]digits[.digits]` and checks that it is exact: a safe integer, or ≤ 15 significant digits. */
  private number(first: Token, num: Token, negative: boolean, integerOnly: boolean): string {
    const raw = num.text;
    const bad = (what: string): never => {
      throw new RuleSyntaxError(first.start, [what], `'${this.src.slice(first.start, Math.min(num.end, first.start + 32))}${num.end - first.start > 32 ? '…' : ''}'`);
    };
    const point = raw.indexOf('.');
    if (integerOnly && point >= 0) bad('an integer');
    if (raw.length > 64) bad(integerOnly ? 'an integer between -9007199254740991 and 9007199254740991' : 'a number of at most 64 characters');
    const intPart = (point < 0 ? raw : raw.slice(0, point)).replace(/^0+/, '') || '0';
    const fracPart = point < 0 ? '' : raw.slice(point + 1).replace(/0+$/, '');
    let text = fracPart ? `${intPart}.${fracPart}` : intPart;
    if (negative && text !== '0') text = `-${text}`;
    if (!fracPart) {
      const n = BigInt(text);
      if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
        bad(integerOnly ? 'an integer between -9007199254740991 and 9007199254740991' : 'a number between -9007199254740991 and 9007199254740991');
      }
    } else {
      const significant = ((intPart === '0' ? '' : intPart) + fracPart).replace(/^0+/, '');
      if (significant.length > RULE_LIMITS.maxDecimalDigits) bad(`a number of at most ${RULE_LIMITS.maxDecimalDigits} significant digits`);
    }
    return text;
  }
}

function kindOf(type: FieldType): ValueKind {
  return type === 'tags' ? 'text' : type;
}

function describeChar(src: string, at: number): string {
  const ch = String.fromCodePoint(src.codePointAt(at)!);
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? ch : `U+${hex(ch.codePointAt(0)!)}`;
}

// ------------------------------------------------------------------------------------------------
// timestamps

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time (`2025-05-19T12:00:00Z`, `…T12:00:00.5+02:00`; `t` or a space may replace
 * `T`, `z` may replace `Z`) as a UTC ISO string with milliseconds, or null. Fractions finer than a
 * millisecond are truncated (the columns hold milliseconds); leap seconds (`:60`) are refused, and
 * so is anything outside the years 0001–9999 once in UTC.
 */
export function parseTimestamp(text: string): string | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  let offsetMinutes = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  const t = d.getTime() - offsetMinutes * 60_000;
  return isoInRange(t);
}

/** `Date#toISOString` of an instant in the years 0001–9999 UTC, or null. */
export function isoInRange(t: number): string | null {
  if (!Number.isFinite(t)) return null;
  const d = new Date(t);
  const y = d.getUTCFullYear();
  return y >= 1 && y <= 9999 ? d.toISOString() : null;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// ------------------------------------------------------------------------------------------------
// entry points

export interface ParseOptions {
  /**
   * The longest text accepted, {@link RULE_LIMITS.maxLength} by default. Canonical text can be up to
   * twice as long as the text it came from (spaces, doubled quotes, UTC timestamps), so re-parse
   * stored canonical text with `2 * RULE_LIMITS.maxLength`; the other limits hold unchanged.
   */
  maxLength?: number;
}

/**
 * Parses rule text. An absent, empty or whitespace-only rule is {@link MatchAllRule} (every player).
 * Throws {@link RuleSyntaxError}, and nothing else, for anything that is not a valid rule.
 */
export function parseRule(text: string | null | undefined, options: ParseOptions = {}): RuleAst {
  if (text === null || text === undefined) return { type: 'all' };
  if (typeof text !== 'string') throw new RuleSyntaxError(0, ['a rule in a string'], typeof text);
  const requested = options.maxLength ?? RULE_LIMITS.maxLength;
  const maxLength = Number.isFinite(requested) && requested >= 0 ? Math.min(Math.floor(requested), 2 * RULE_LIMITS.maxLength) : RULE_LIMITS.maxLength;
  if (text.length > maxLength) {
    throw new RuleSyntaxError(maxLength, [`the end of the rule (at most ${maxLength} characters)`], 'more text');
  }
  return new Parser(text).parse();
}

/** `now()` ± the node's duration, in epoch milliseconds. */
export function resolveNow(value: Extract<RuleValue, { type: 'now' }>, now: Date): number {
  const base = now.getTime();
  if (!value.offset) return base;
  const delta = value.offset.amount * DURATION_UNIT_MS[value.offset.unit];
  return value.offset.sign === '+' ? base + delta : base - delta;
}

// ------------------------------------------------------------------------------------------------
// canonical text

/**
 * The rule in a normalized form: upper-case keywords, lower-case fields, single-quoted text with
 * doubled quotes, UTC timestamps, normalized numbers, shorthands expanded, parentheses only where
 * needed. `parseRule(canonicalRule(ast), { maxLength: 2 * RULE_LIMITS.maxLength })` equals `ast`
 * (the canonical text of a rule of at most 10,000 characters may be longer; see {@link ParseOptions});
 * the empty rule is `''`.
 */
export function canonicalRule(ast: RuleAst): string {
  return ast.type === 'all' ? '' : node(ast);
}

function node(n: RuleNode): string {
  switch (n.type) {
    case 'or':
      return n.items.map(node).join(' OR ');
    case 'and':
      return n.items.map((i) => (i.type === 'or' ? `(${node(i)})` : node(i))).join(' AND ');
    case 'not':
      return `NOT ${n.item.type === 'or' || n.item.type === 'and' ? `(${node(n.item)})` : node(n.item)}`;
    case 'compare':
      return `${fieldText(n.field)} ${n.op} ${valueText(n.value)}`;
    case 'in':
      return `${fieldText(n.field)} ${n.negated ? 'NOT IN' : 'IN'} (${n.values.map(valueText).join(', ')})`;
    case 'is_null':
      return `${fieldText(n.field)} IS ${n.negated ? 'NOT NULL' : 'NULL'}`;
  }
}

export function fieldText(f: FieldRef): string {
  return f.kind === 'column' ? f.name : `attributes.${f.path.join('.')}`;
}

function valueText(v: RuleValue): string {
  switch (v.type) {
    case 'number':
      return v.text;
    case 'text':
      return `'${v.value.replaceAll("'", "''")}'`;
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'timestamp':
      return `'${v.value}'`;
    case 'now':
      return v.offset ? `now() ${v.offset.sign} ${v.offset.amount}${v.offset.unit}` : 'now()';
  }
}
