import { Injectable } from '@nestjs/common';
import { DbService } from '@app/db';
import { type TenantId, trustedTenantId } from '@app/common';
import type { KeyScope } from './api-key.js';

export type ServiceMode = 'plugin' | 'white_label';

export interface Tenant {
  id: TenantId;
  name: string;
  serviceMode: ServiceMode;
  createdAt: Date;
}

export interface NewApiKey {
  id: string;
  scope: KeyScope;
  hash: string;
  prefix: string;
}

export interface KeyOwner {
  tenantId: TenantId;
  scope: KeyScope;
}

@Injectable()
export class TenantsRepository {
  constructor(private readonly db: DbService) {}

  /** @crossTenant creates a tenant: there is no tenant to scope by yet. */
  async createWithKeys(tenant: Tenant, keys: NewApiKey[]): Promise<void> {
    await this.db.transaction(async () => {
      const c = this.db.client;
      await c.tenant.create({
        data: { id: tenant.id, name: tenant.name, serviceMode: tenant.serviceMode, createdAt: tenant.createdAt },
      });
      await c.apiKey.createMany({
        data: keys.map((k) => ({ id: k.id, tenantId: tenant.id, scope: k.scope, keyHash: k.hash, keyPrefix: k.prefix })),
      });
    });
  }

  /** @crossTenant resolves which tenant a presented key belongs to. */
  async findKeyOwner(keyHash: string): Promise<KeyOwner | null> {
    const row = await this.db.client.apiKey.findUnique({
      where: { keyHash },
      select: { tenantId: true, scope: true, revokedAt: true },
    });
    if (!row || row.revokedAt) return null;
    return { tenantId: trustedTenantId(row.tenantId), scope: row.scope as KeyScope };
  }
}
