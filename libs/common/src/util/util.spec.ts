import { describe, expect, it } from '@jest/globals';
import { canonicalJson, requestHash, sha256Hex } from './hash.js';
import { hasPrefix, newId, newIdAfter, setIdCounterForTest } from './ids.js';
import { inJsonbOrder } from './jsonb-order.js';
import { Semaphore } from './semaphore.js';
import { unstorableTextPath } from './text.js';

describe('newId', () => {
  it('is the prefix and 26 Crockford base32 characters', () => {
    expect(newId('plr')).toMatch(/^plr_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(hasPrefix(newId('evt'), 'evt')).toBe(true);
    expect(hasPrefix(newId('evt'), 'plr')).toBe(false);
  });

  it('sorts by creation time', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000, 2_000_000_000_000].map((t) => newId('evt', t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('increases strictly within a process, also within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => newId('evt', 1_750_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    const earlier = newId('evt', 1_700_000_000_000);
    expect(earlier > ids[999]).toBe(true); // a clock that went back does not break the order
  });

  it('carries from the low 40 bits into the high ones, and moves to the next millisecond when all 80 are used', () => {
    const t = 1_760_000_000_000;
    setIdCounterForTest(t, 5, 2 ** 40 - 1);
    const carried = newId('evt', t);
    // hi 6, lo 0: the 16 random characters are 0000000600000000
    expect(carried.slice(14)).toBe('0000000600000000');
    setIdCounterForTest(t, 2 ** 40 - 1, 2 ** 40 - 2);
    const last = newId('evt', t);
    expect(last.slice(14)).toBe('zzzzzzzzzzzzzzzz');
    const next = newId('evt', t);
    expect(next > last).toBe(true);
    expect(next.slice(4, 14)).not.toBe(last.slice(4, 14)); // the next millisecond
    // the time part is the millisecond in 10 base32 characters
    const decoded = [...next.slice(4, 14)].reduce((v, c) => v * 32 + '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c), 0);
    expect(decoded).toBe(t + 1);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('plr', 1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});

describe('newIdAfter', () => {
  it('is a new id when there is nothing before it, or when the new id already sorts after', () => {
    expect(newIdAfter('led', null)).toMatch(/^led_[0-9a-hjkmnp-tv-z]{26}$/);
    const earlier = `led_0000000001${'0'.repeat(16)}`; // 1 ms after 1970
    const id = newIdAfter('led', earlier);
    expect(id > earlier).toBe(true);
    expect(id.slice(4, 14)).not.toBe(earlier.slice(4, 14)); // its own time, not the earlier one's
  });

  it('sorts after `after` when `after` is later than the clock (another process, another clock), clear of the ids counting up from it', () => {
    // a time far beyond any clock here: the answer can only be derived from `after`
    const after = 'led_7000000000zzzzzzzzzzzzzzzz';
    const ids = Array.from({ length: 1000 }, () => newIdAfter('led', after));
    for (const id of ids) {
      expect(id).toMatch(/^led_[0-9a-hjkmnp-tv-z]{26}$/);
      expect(id > after).toBe(true);
      // the process that made `after` takes after + 1, + 2, … next: none of those
      expect(id > 'led_70000000010000000000001000').toBe(true);
    }
    expect(new Set(ids).size).toBe(1000);
  });

  it('refuses an id of another type', () => {
    expect(() => newIdAfter('led', 'plr_7000000000000000000000000h')).toThrow();
  });
});

describe('inJsonbOrder', () => {
  it('orders keys as jsonb does: shorter first, then by bytes; at every level, arrays kept in order', () => {
    const value = { type: 'bonus', status: 'active', bonus_id: 'bns_x', b: [{ zz: 1, a: 2 }, 3], aa: null, é: 1, z: 0 };
    const ordered = inJsonbOrder(value);
    expect(JSON.stringify(ordered)).toBe('{"b":[{"a":2,"zz":1},3],"z":0,"aa":null,"é":1,"type":"bonus","status":"active","bonus_id":"bns_x"}');
    expect(ordered).toEqual(value);
  });
});

describe('canonicalJson and requestHash', () => {
  it('ignores key order at every level, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(requestHash({ x: 1, y: { z: 2, w: 3 } })).toBe(requestHash({ y: { w: 3, z: 2 }, x: 1 }));
    expect(requestHash({ tags: ['a', 'b'] })).not.toBe(requestHash({ tags: ['b', 'a'] }));
  });

  it('is SHA-256 of the canonical JSON, in hex: hashes stored by earlier versions still match', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(requestHash({ b: 1, a: { d: [2, 1], c: null } })).toBe('bc9ad11b7850575d46b7bdd04896acccd62c7015fa4291f222935e5b95c11d48');
  });

  it('hashes bigint money by its digits', () => {
    expect(canonicalJson({ amount: 12_000_000n })).toBe('{"amount":"12000000"}');
    expect(requestHash({ amount: 5n })).not.toBe(requestHash({ amount: 6n }));
  });

  it('treats an absent field as absent, and dates by their instant', () => {
    expect(requestHash({ a: 1, b: undefined })).toBe(requestHash({ a: 1 }));
    expect(requestHash({ at: new Date('2026-01-01T00:00:00Z') })).toBe(requestHash({ at: new Date('2026-01-01T01:00:00+01:00') }));
  });
});

describe('unstorableTextPath', () => {
  it('finds NUL and lone surrogates in values and keys, at any depth', () => {
    expect(unstorableTextPath({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toBe('b.c[1]');
    expect(unstorableTextPath({ attributes: { 'k\u0000': 1 } })).toBe('attributes.k\u0000');
    expect(unstorableTextPath({ tags: ['\ud800'] })).toBe('tags[0]');
    expect(unstorableTextPath({ s: 'x\udc00' })).toBe('s');
  });

  it('accepts ordinary text, emoji (surrogate pairs) and non-strings', () => {
    expect(unstorableTextPath({ a: 'héllo 😀', n: 1, t: true, z: null, arr: [{ b: 'ok' }] })).toBeUndefined();
  });
});

describe('Semaphore', () => {
  it('never lets more than the limit run at once, and runs everything', async () => {
    const s = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, (i * 7) % 5));
          running--;
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('releases its slot when the task throws', async () => {
    const s = new Semaphore(1);
    await expect(s.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(s.run(async () => 'ok')).resolves.toBe('ok');
  });
});
