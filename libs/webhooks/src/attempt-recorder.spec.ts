import { describe, expect, it } from '@jest/globals';
import { AttemptRecorder } from './attempt-recorder.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A record function that remembers each statement's outcomes and records them all. */
function recording() {
  const statements: string[][] = [];
  const record = async (outcomes: string[]) => {
    statements.push([...outcomes]);
    return new Set(outcomes);
  };
  return { statements, record };
}

describe('AttemptRecorder', () => {
  it('records attempts that end together in one statement', async () => {
    const { statements, record } = recording();
    const recorder = new AttemptRecorder(record, 50);
    for (const id of ['a', 'b', 'c']) recorder.add(id);
    expect(statements).toEqual([]); // gathering
    expect([...(await recorder.finish())].sort()).toEqual(['a', 'b', 'c']);
    expect(statements).toEqual([['a', 'b', 'c']]);
  });

  it('records an early attempt without waiting for a slow one, and the slow one when it ends', async () => {
    const { statements, record } = recording();
    const recorder = new AttemptRecorder(record, 20);
    recorder.add('fast');
    await sleep(80);
    expect(statements).toEqual([['fast']]); // recorded while the slow attempt is still running
    recorder.add('slow');
    expect([...(await recorder.finish())].sort()).toEqual(['fast', 'slow']);
    expect(statements).toEqual([['fast'], ['slow']]);
  });

  it('makes no statement for a batch with nothing to record', async () => {
    const { statements, record } = recording();
    expect((await new AttemptRecorder(record, 20).finish()).size).toBe(0);
    expect(statements).toEqual([]);
  });

  it('rejects finish() when a write failed, without an unhandled rejection before it', async () => {
    let calls = 0;
    const recorder = new AttemptRecorder(async (outcomes: string[]) => {
      calls++;
      if (outcomes.includes('bad')) throw new Error('database away');
      return new Set(outcomes);
    }, 10);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      recorder.add('bad');
      await sleep(50); // the timed write has failed by now
      recorder.add('good');
      await expect(recorder.finish()).rejects.toThrow('database away');
      expect(calls).toBe(2);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
