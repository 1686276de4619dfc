import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { TenantId } from '@app/common';
import type { KeyOwner } from '@app/tenants';
import { ErrorResponseDto } from '../dto/error.dto.js';

/** Who may call a route: anyone, the platform key, any tenant key (`server`), or admin keys only. */
export type Access = 'public' | 'platform' | 'server' | 'admin';
export const ACCESS_KEY = 'wowsino:access';

export interface AuthenticatedRequest {
  auth?: KeyOwner;
}

const documented = (access: Access) => {
  if (access === 'public') return [];
  return [
    ApiBearerAuth(access === 'platform' ? 'platform' : 'apiKey'),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'missing or unknown key' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: access === 'admin' ? 'valid key, wrong scope: this route needs the admin key' : 'valid key, wrong scope' }),
  ];
};

/** Routes without a decorator require an admin key: forgetting one fails closed. */
export const Access = (access: Access): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_KEY, access), ...documented(access));

/** The authenticated tenant. Only exists on routes a tenant key opened. */
export const CurrentTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantId => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentTenant used on a route without tenant authentication');
  return auth.tenantId;
});
