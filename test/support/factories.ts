import { randomBytes } from 'node:crypto';
import type { HttpClient } from './http.js';

export interface TestTenant {
  id: string;
  adminKey: string;
  serverKey: string;
  admin: HttpClient;
  server: HttpClient;
}

export async function createTenant(platform: HttpClient, name = `Tenant ${randomBytes(3).toString('hex')}`): Promise<TestTenant> {
  const res = await platform.post('/v1/platform/tenants', { name });
  if (res.status !== 201) throw new Error(`tenant create failed: ${res.status} ${res.text}`);
  const { tenant, api_keys } = res.body;
  return {
    id: tenant.id,
    adminKey: api_keys.admin,
    serverKey: api_keys.server,
    admin: platform.withKey(api_keys.admin),
    server: platform.withKey(api_keys.server),
  };
}

export function uniqueRef(prefix = 'user'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export async function createPlayer(client: HttpClient, body: Record<string, unknown> = {}): Promise<any> {
  const res = await client.post('/v1/players', { external_ref: uniqueRef(), ...body });
  if (res.status !== 201) throw new Error(`player create failed: ${res.status} ${res.text}`);
  return res.body;
}
