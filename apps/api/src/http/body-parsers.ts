import type { FastifyInstance } from 'fastify';
import { AppError } from '@app/common';

/**
 * A body Fastify could not accept. Parsing never fails the request on its own: the marker travels to
 * the body pipe, which raises it after authentication, so an unauthenticated caller learns nothing
 * and every failure gets the one error shape.
 */
export class RejectedBody {
  constructor(readonly error: AppError) {}
}

export function registerBodyParsers(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();

  // Read as bytes and decoded here: Fastify's own decoding replaces invalid UTF-8 with U+FFFD, which
  // would then be stored as if the caller had sent it.
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, bytes, done) => {
    // A compressed body would be read as if it were plain JSON (or refused as malformed): say why instead.
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== '') {
      done(null, new RejectedBody(new AppError(415, 'unsupported_media_type', `Content-Encoding ${encoding} is not supported; send the JSON uncompressed`)));
      return;
    }
    if (bytes.length === 0) {
      done(null, new RejectedBody(AppError.validation([{ field: '(body)', issue: 'must be a JSON object' }], 'the request body is empty')));
      return;
    }
    const body = decodeUtf8(bytes as Buffer);
    if (body === undefined) {
      done(null, malformed('is not valid JSON'));
      return;
    }
    parseJson(req, body, (err: Error | null, value?: unknown) => {
      if (err) done(null, malformed(jsonIssue(body)));
      else if (depthOf(value) > MAX_JSON_DEPTH) done(null, malformed(`must not nest objects and arrays more than ${MAX_JSON_DEPTH} deep`));
      else {
        if (value !== null && typeof value === 'object' && MAYBE_FLOAT_LITERAL.test(body)) {
          const paths = integralFloatLiterals(body);
          if (paths.length > 0) floatLiterals.set(value, paths);
        }
        done(null, value);
      }
    });
  });

  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim() || '(none)';
    done(null, new RejectedBody(new AppError(415, 'unsupported_media_type', `Content-Type ${type} is not supported; send application/json`)));
  });
}

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = ReadonlyArray<string | number>;

/**
 * The numbers a body wrote as floats (`1000.0`, `1e3`) whose value is an integer, by parsed body. JSON
 * parsers read them as the integer; money is an integer number of millis and floats are refused (API.md
 * §1), so the validation pipe refuses a money field written so (known-properties.ts, floatLiteralMoney).
 */
export const floatLiterals = new WeakMap<object, JsonPath[]>();

/** A digit followed by a fraction or an exponent somewhere in the text (most bodies have none: no scan). */
const MAYBE_FLOAT_LITERAL = /[0-9][.eE]/;
const NUMBER_CHAR = /[0-9eE+\-.]/;
const FRACTION_OR_EXPONENT = /[.eE]/;

/**
 * The paths of the numbers in `text` (valid JSON) written with a fraction or an exponent whose value is
 * an integer: `{"a":[1, 2.0], "b":1e3}` gives [["a", 1], ["b"]]. One pass over the text, strings skipped.
 */
export function integralFloatLiterals(text: string): JsonPath[] {
  const found: JsonPath[] = [];
  const path: Array<string | number> = [];
  const inObject: boolean[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey && inObject[inObject.length - 1]) {
        path[path.length - 1] = JSON.parse(text.slice(i, j + 1)) as string;
        expectKey = false;
      }
      i = j + 1;
    } else if (c === '{' || c === '[') {
      inObject.push(c === '{');
      path.push(c === '{' ? '' : 0);
      expectKey = c === '{';
      i++;
    } else if (c === '}' || c === ']') {
      inObject.pop();
      path.pop();
      i++;
    } else if (c === ',') {
      if (inObject[inObject.length - 1]) expectKey = true;
      else (path[path.length - 1] as number)++;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && NUMBER_CHAR.test(text[j])) j++;
      const token = text.slice(i, j);
      if (FRACTION_OR_EXPONENT.test(token) && Number.isInteger(Number(token))) found.push([...path]);
      i = j;
    } else {
      i++;
    }
  }
  return found;
}

/**
 * How deep objects and arrays may nest in a body. Every field the API takes is a few levels deep at
 * most (operator attributes and properties included); a body nested thousands deep is refused before
 * anything walks it recursively (validation, hashing, storage checks), which would overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** How deep objects and arrays nest in a parsed JSON value (a scalar is 0), without recursion. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a body in UTF-8 (JSON's only encoding, RFC 8259), or undefined if the bytes are not valid UTF-8. */
function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function malformed(issue: string): RejectedBody {
  return new RejectedBody(AppError.validation([{ field: '(body)', issue }], 'malformed JSON body'));
}

/** Fastify's parser also refuses valid JSON with `__proto__` or `constructor.prototype` keys (prototype poisoning). */
function jsonIssue(body: string): string {
  try {
    JSON.parse(body);
    return 'must not contain __proto__ or constructor.prototype keys';
  } catch {
    return 'is not valid JSON';
  }
}
