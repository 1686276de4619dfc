import { describe, expect, it } from '@jest/globals';
import { acceptsScoreAt, statusOf } from './tournament.types.js';

// The window of API.md §6 at its edges: settled_at in [starts_at, ends_at), taken while now < finalize_at.
const startsAt = new Date('2026-06-01T00:00:00.000Z');
const endsAt = new Date('2026-06-02T00:00:00.000Z');
const finalizeAt = new Date('2026-06-02T00:05:00.000Z');
const open = { state: 'open' as const, startsAt, endsAt, finalizeAt };
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

describe('statusOf', () => {
  it('is scheduled before starts_at, running from it, finalizing from ends_at, and as stored once finished or cancelled', () => {
    expect(statusOf(open, ms(startsAt, -1))).toBe('scheduled');
    expect(statusOf(open, startsAt)).toBe('running');
    expect(statusOf(open, ms(endsAt, -1))).toBe('running');
    expect(statusOf(open, endsAt)).toBe('finalizing');
    expect(statusOf(open, ms(finalizeAt, 60_000))).toBe('finalizing');
    expect(statusOf({ ...open, state: 'finished' }, startsAt)).toBe('finished');
    expect(statusOf({ ...open, state: 'cancelled' }, startsAt)).toBe('cancelled');
  });
});

describe('acceptsScoreAt', () => {
  const during = ms(startsAt, 1_000);
  it('takes settled_at from starts_at (inclusive) to ends_at (exclusive)', () => {
    expect(acceptsScoreAt(open, startsAt, during)).toBe(true);
    expect(acceptsScoreAt(open, ms(startsAt, -1), during)).toBe(false);
    expect(acceptsScoreAt(open, ms(endsAt, -1), ms(endsAt, -1))).toBe(true);
    expect(acceptsScoreAt(open, endsAt, endsAt)).toBe(false);
  });

  it('takes a late wager (settled before ends_at) until finalize_at, exclusive', () => {
    expect(acceptsScoreAt(open, ms(endsAt, -1), endsAt)).toBe(true);
    expect(acceptsScoreAt(open, ms(endsAt, -1), ms(finalizeAt, -1))).toBe(true);
    expect(acceptsScoreAt(open, ms(endsAt, -1), finalizeAt)).toBe(false);
  });

  it('takes nothing before the start, whatever settled_at says, nor once finished or cancelled', () => {
    expect(acceptsScoreAt(open, during, ms(startsAt, -1))).toBe(false);
    expect(acceptsScoreAt({ ...open, state: 'finished' as const }, during, during)).toBe(false);
    expect(acceptsScoreAt({ ...open, state: 'cancelled' as const }, during, during)).toBe(false);
  });
});
