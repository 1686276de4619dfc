import { Injectable } from '@nestjs/common';
import { newId, trustedTenantId } from '@app/common';
import { generateApiKey, hashApiKey, type KeyScope } from './api-key.js';
import { type KeyOwner, type ServiceMode, type Tenant, TenantsRepository } from './tenants.repository.js';

export interface CreatedTenant {
  tenant: Tenant;
  apiKeys: Record<KeyScope, string>;
}

const KEY_CACHE_TTL_MS = 30_000;
const KEY_CACHE_MAX = 10_000;

@Injectable()
export class TenantsService {
  /** Key → owner, for a few seconds: every request authenticates, and keys are not revoked through the API. */
  private readonly keyCache = new Map<string, { owner: KeyOwner; expires: number }>();

  constructor(private readonly tenants: TenantsRepository) {}

  async create(input: { name: string; serviceMode: ServiceMode }): Promise<CreatedTenant> {
    const tenant: Tenant = {
      id: trustedTenantId(newId('ten')),
      name: input.name,
      serviceMode: input.serviceMode,
      createdAt: new Date(),
    };
    const admin = generateApiKey('admin');
    const server = generateApiKey('server');
    await this.tenants.createWithKeys(tenant, [
      { id: newId('key'), scope: 'admin', hash: admin.hash, prefix: admin.prefix },
      { id: newId('key'), scope: 'server', hash: server.hash, prefix: server.prefix },
    ]);
    return { tenant, apiKeys: { admin: admin.key, server: server.key } };
  }

  async authenticate(key: string): Promise<KeyOwner | null> {
    const now = Date.now();
    // keyed by the key itself, so a cached key costs no hash (only keys that exist are cached)
    const hit = this.keyCache.get(key);
    if (hit && hit.expires > now) return hit.owner;
    const owner = await this.tenants.findKeyOwner(hashApiKey(key));
    if (owner) {
      if (this.keyCache.size >= KEY_CACHE_MAX) this.keyCache.clear();
      this.keyCache.set(key, { owner, expires: now + KEY_CACHE_TTL_MS });
    }
    return owner;
  }
}
