import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { Replayable } from '@app/common';

export const REPLAY_HEADER = 'Idempotent-Replayed';

/**
 * Unwraps a service's Replayable answer. A replay is marked with `Idempotent-Replayed: true`; the
 * onSend hook in http-hooks.ts turns a marked answer into a 200 (Nest re-applies the route's own
 * status code after interceptors, so the status cannot be set here).
 */
@Injectable()
export class ReplayInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Replayable)) return result;
        if (result.replayed) context.switchToHttp().getResponse<FastifyReply>().header(REPLAY_HEADER, 'true');
        return result.value;
      }),
    );
  }
}
