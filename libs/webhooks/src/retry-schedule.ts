/**
 * When a delivery is retried. Attempt 1 goes out at once; after a failure the next waits the next delay
 * of the schedule, plus up to 20% random jitter (never less than the schedule, so the whole span
 * holds). The default spans about 27.7 hours over 10 attempts:
 *
 *   30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h
 *
 * WEBHOOK_RETRY_DELAYS_SECONDS replaces the list (its length sets the number of retries).
 */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200];

export const JITTER = 0.2;

/** Attempts in all: the first, plus one per delay. */
export function maxAttemptsFor(delays: readonly number[]): number {
  return delays.length + 1;
}

/** Milliseconds to wait after failed attempt `attempt` (1-based), or undefined when it was the last. */
export function retryDelayMs(attempt: number, maxAttempts: number, delays: readonly number[], random: () => number = Math.random): number | undefined {
  if (attempt >= maxAttempts || delays.length === 0) return undefined;
  const base = delays[Math.min(attempt - 1, delays.length - 1)] * 1000;
  return Math.round(base * (1 + JITTER * random()));
}
