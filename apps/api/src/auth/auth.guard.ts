import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { type AppConfig, AppError, InjectConfig, sha256Hex } from '@app/common';
import { TenantsService } from '@app/tenants';
import { ACCESS_KEY, type Access, type AuthenticatedRequest } from './auth.decorators.js';

/**
 * API.md §1 auth: missing or unknown key → 401; a valid key of the wrong scope → 403. Another
 * tenant's objects are 404 because every query is scoped by the tenant resolved here.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly platformKeyHash: Buffer | undefined;

  constructor(
    private readonly reflector: Reflector,
    private readonly tenants: TenantsService,
    @InjectConfig() config: AppConfig,
  ) {
    this.platformKeyHash = config.platformApiKey ? Buffer.from(sha256Hex(config.platformApiKey), 'hex') : undefined;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]) ?? 'admin';
    if (access === 'public') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const key = bearerToken(req.headers.authorization);

    if (access === 'platform') {
      if (!this.platformKeyHash) throw AppError.notFound('route'); // platform API disabled: PLATFORM_API_KEY unset
      if (!key) throw AppError.unauthorized('the platform API key is required');
      if (timingSafeEqual(Buffer.from(sha256Hex(key), 'hex'), this.platformKeyHash)) return true;
      if (await this.tenants.authenticate(key)) throw AppError.forbidden('tenant keys cannot use the platform API');
      throw AppError.unauthorized('the platform API key is required');
    }

    if (!key) throw AppError.unauthorized();
    const owner = await this.tenants.authenticate(key);
    if (!owner) throw AppError.unauthorized('unknown API key');
    if (access === 'admin' && owner.scope !== 'admin') throw AppError.forbidden('this route needs an admin key');
    req.auth = owner;
    return true;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return m?.[1];
}
