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
      else done(null, value);
    });
  });

  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim() || '(none)';
    done(null, new RejectedBody(new AppError(415, 'unsupported_media_type', `Content-Type ${type} is not supported; send application/json`)));
  });
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
