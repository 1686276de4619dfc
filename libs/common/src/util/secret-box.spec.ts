import { describe, expect, it } from '@jest/globals';
import { decryptSecret, encryptSecret, newWebhookSecret } from './secret-box.js';

describe('secret box', () => {
  const key = Buffer.alloc(32, 9);

  it('round-trips and never stores the secret in clear', () => {
    const secret = newWebhookSecret();
    const sealed = encryptSecret(key, secret);
    expect(sealed).not.toContain(secret);
    expect(decryptSecret(key, sealed)).toBe(secret);
    expect(encryptSecret(key, secret)).not.toBe(sealed);
  });

  it('refuses another key and a tampered ciphertext', () => {
    const sealed = encryptSecret(key, 'whsec_x');
    expect(() => decryptSecret(Buffer.alloc(32, 1), sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('whsec_y').toString('base64url');
    expect(() => decryptSecret(key, parts.join('.'))).toThrow();
  });
});
