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

  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '' || body.length === 0) {
      done(null, new RejectedBody(AppError.validation([{ field: '(body)', issue: 'must be a JSON object' }], 'the request body is empty')));
      return;
    }
    parseJson(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) {
        done(null, new RejectedBody(AppError.validation([{ field: '(body)', issue: jsonIssue(body as string) }], 'malformed JSON body')));
      } else {
        done(null, value);
      }
    });
  });

  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (req, _body, done) => {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim() || '(none)';
    done(null, new RejectedBody(new AppError(415, 'unsupported_media_type', `Content-Type ${type} is not supported; send application/json`)));
  });
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
