import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoggerService } from '@nestjs/common';
import { AppError, JsonText, newId, Replayable } from '@app/common';
import { toErrorResponse } from './error-response.js';

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REPLAY_HEADER = 'Idempotent-Replayed';

/** Echo a caller's well-formed X-Request-Id; otherwise make one. */
export function requestIdOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : newId('req');
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any hook or route runs gets the API.md §1
 * body and an X-Request-Id all the same. A path that is not valid percent-encoded UTF-8 (`%FF`, `%G0`,
 * an encoded lone surrogate) is malformed: 400. A path segment longer than any id or player reference
 * the API accepts (the router's `maxParamLength`) names nothing: 404, as an unknown id.
 */
export function answerFrameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const refusal =
    error.code === 'FST_ERR_BAD_URL'
      ? AppError.validation([{ field: '(path)', issue: 'is not a valid URL: a percent-escape is broken or is not UTF-8' }], 'malformed URL')
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? AppError.notFound()
        : error;
  const { status, body } = toErrorResponse(refusal, String(req.id));
  void reply.status(status).header('content-type', 'application/json; charset=utf-8').header('x-request-id', req.id).send(body);
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (not HTTP, Content-Length with
 * Transfer-Encoding, headers or URL over 16 KiB, too slow to arrive) never reaches Fastify; it still
 * gets the API.md §1 body and an X-Request-Id, then the connection closes.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text, refusal] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', new AppError(431, 'headers_too_large', 'the request headers or URL are too large')]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', new AppError(408, 'request_timeout', 'the request took too long to arrive')]
        : [400, 'Bad Request', AppError.validation([{ field: '(request)', issue: 'is not valid HTTP/1.1' }], 'malformed HTTP request')];
  const id = newId('req');
  const body = JSON.stringify(toErrorResponse(refusal, id).body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

const textOf = (payload: unknown): string => (payload as JsonText).text;

/** Oversized bodies up to this many bytes are read to the end before the 413 goes out. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

export function registerHttpHooks(fastify: FastifyInstance, logger: LoggerService, bodyLimitBytes: number): void {
  // Shutting down (SIGTERM): Fastify stops accepting connections and closes idle ones; a request that
  // still arrives on a busy keep-alive connection gets 503 service_unavailable in the one error shape,
  // and every answer from then on closes its connection, so clients move to another instance.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!closing) return done();
    const { status, body } = toErrorResponse(new AppError(503, 'service_unavailable', 'the server is shutting down; retry'), String(req.id));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  });

  // A body over the limit is refused before parsing. Closing the connection with the body still
  // unread makes the kernel reset it and the client never sees the 413, so a body of reasonable size
  // is drained first; a larger one is cut off.
  fastify.addHook('onRequest', (req, reply, done) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (!(length > bodyLimitBytes)) return done();
    const { status, body } = toErrorResponse(new AppError(413, 'payload_too_large', 'the request body is too large'), String(req.id));
    const answer = () => void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
    if (length > DRAIN_LIMIT_BYTES) {
      void reply.header('connection', 'close');
      return answer();
    }
    req.raw.on('end', answer);
    req.raw.on('error', answer);
    req.raw.resume();
  });

  // A service's Replayable answer goes out as its value; a replay as a 200 (whatever the route's own
  // status) with `Idempotent-Replayed: true`. Here rather than in a Nest interceptor: with none, Nest
  // runs a request without RxJS, which was about 8% of the API's HTTP work under bench:ingest.
  // An answer that is JSON text already (JsonText: the wager path's, built once for its stored row)
  // goes out as that text, the content type still JSON's.
  fastify.addHook('preSerialization', (_req, reply, payload, done) => {
    if (!(payload instanceof Replayable)) return done(null, payload);
    if (payload.replayed) void reply.header(REPLAY_HEADER, 'true').status(200);
    if (payload.value instanceof JsonText) void reply.serializer(textOf);
    done(null, payload.value);
  });

  fastify.addHook('onSend', (req, reply, payload, done) => {
    void reply.header('x-request-id', req.id);
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });

  // One structured line per request. Never headers or bodies: they carry keys and player data.
  fastify.addHook('onResponse', async (req: FastifyRequest, reply) => {
    logger.log(
      'request',
      {
        request_id: req.id,
        method: req.method,
        route: req.routeOptions?.url ?? null,
        path: req.url.split('?')[0],
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 10) / 10,
        tenant_id: (req as { auth?: { tenantId?: string } }).auth?.tenantId ?? null,
      },
      'HTTP',
    );
  });
}
