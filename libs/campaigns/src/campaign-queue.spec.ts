import { describe, expect, it } from '@jest/globals';
import { scheduledExecutionId } from './campaign.types.js';
import { scheduledSlot } from './campaign-queue.service.js';

describe('scheduledSlot: the slot a scheduler job was made for', () => {
  it("reads BullMQ's scheduler job ids, repeat:<scheduler>:<millis>", () => {
    const slot = Date.UTC(2026, 10, 27, 9, 0, 0);
    expect(scheduledSlot({ id: `repeat:campaign:cmp_01jd5x3k8q7m2n4p6r8s0t2v4w:${slot}`, timestamp: slot - 5_000, delay: 4_987 })).toEqual(new Date(slot));
    expect(scheduledExecutionId(scheduledSlot({ id: `repeat:campaign:x:${slot}`, timestamp: 0, delay: 0 }))).toBe('scheduled:2026-11-27T09:00:00.000Z');
  });

  it('reads ids ending in -<millis> the same way (custom ids cannot contain a colon)', () => {
    const slot = Date.UTC(2026, 0, 1);
    expect(scheduledSlot({ id: `dup-a-${slot}`, timestamp: 0, delay: 0 })).toEqual(new Date(slot));
  });

  it('falls back to when the job was due, to the second', () => {
    expect(scheduledSlot({ id: 'other', timestamp: 1_795_000_000_400, delay: 599_700 })).toEqual(new Date(1_795_000_600_000));
    expect(scheduledSlot({ id: undefined, timestamp: 1_795_000_000_000, delay: 0 })).toEqual(new Date(1_795_000_000_000));
  });
});
