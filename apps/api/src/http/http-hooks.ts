import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LoggerService } from '@nestjs/common';
import { newId } from '@app/common';
import { REPLAY_HEADER } from './replay.interceptor.js';

const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echo a caller's well-formed X-Request-Id; otherwise make one. */
export function requestIdOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CALLER_REQUEST_ID.test(given) ? given : newId('req');
}

export function registerHttpHooks(fastify: FastifyInstance, logger: LoggerService): void {
  fastify.addHook('onSend', async (req, reply, payload) => {
    void reply.header('x-request-id', req.id);
    if (reply.getHeader(REPLAY_HEADER) === 'true' && reply.statusCode < 300) void reply.status(200);
    return payload;
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
