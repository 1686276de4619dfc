import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RETRY_DELAYS_SECONDS, maxAttemptsFor, retryDelayMs } from './retry-schedule.js';
import { newWebhookSecret } from '@app/common';
import { signatureHeader } from './signature.js';

/** The verification of seeds/000 Recipe 6, verbatim in its logic. */
function recipe6Verify(secret: string, sig: string, raw: string, nowSeconds: number): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]+)$/.exec(sig);
  if (!m) return false;
  if (Math.abs(nowSeconds - Number(m[1])) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest('hex');
  return timingSafeEqual(Buffer.from(m[2], 'hex'), Buffer.from(expected, 'hex'));
}

describe('signatureHeader', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ id: 'evt_1', type: 'bonus.granted', data: { amount: 200000, note: 'ünïcödé' } });

  it('is accepted by the Recipe 6 receiver', () => {
    const now = 1_800_000_000;
    expect(recipe6Verify(secret, signatureHeader(secret, body, now), body, now + 1)).toBe(true);
  });

  it('is refused for a tampered body, another secret, or an old timestamp', () => {
    const now = 1_800_000_000;
    expect(recipe6Verify(secret, signatureHeader(secret, body, now), body.replace('200000', '900000'), now)).toBe(false);
    expect(recipe6Verify(newWebhookSecret(), signatureHeader(secret, body, now), body, now)).toBe(false);
    expect(recipe6Verify(secret, signatureHeader(secret, body, now - 301), body, now)).toBe(false);
  });

  it('has exactly the shape t=<seconds>,v1=<64 lowercase hex>', () => {
    expect(signatureHeader('k', 'b', 1234.9)).toMatch(/^t=1234,v1=[0-9a-f]{64}$/);
  });
});

describe('retry schedule', () => {
  it('spans at least 24 hours by default, even with the smallest jitter', () => {
    const max = maxAttemptsFor(DEFAULT_RETRY_DELAYS_SECONDS);
    let total = 0;
    for (let attempt = 1; attempt < max; attempt++) total += retryDelayMs(attempt, max, DEFAULT_RETRY_DELAYS_SECONDS, () => 0)!;
    expect(max).toBe(10);
    expect(total).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(retryDelayMs(max, max, DEFAULT_RETRY_DELAYS_SECONDS)).toBeUndefined();
  });

  it('grows exponentially and adds up to 20% jitter', () => {
    const delays = [1, 10, 100];
    expect(retryDelayMs(1, 4, delays, () => 0)).toBe(1000);
    expect(retryDelayMs(2, 4, delays, () => 0.5)).toBe(11000);
    expect(retryDelayMs(3, 4, delays, () => 1)).toBe(120000);
  });

  it('keeps using the last delay for manual retries past the schedule', () => {
    expect(retryDelayMs(5, 7, [1, 2], () => 0)).toBe(2000);
  });
});
