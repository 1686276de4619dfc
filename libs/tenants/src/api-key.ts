import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@app/common';

export const KEY_SCOPES = ['server', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export interface GeneratedKey {
  /** shown once, never stored */
  key: string;
  hash: string;
  prefix: string;
}

/** A random bearer token (256 bits). Stored only as its SHA-256: a fast hash suffices for random keys. */
export function generateApiKey(scope: KeyScope): GeneratedKey {
  const key = `wz_${scope}_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, scope.length + 8) };
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}
