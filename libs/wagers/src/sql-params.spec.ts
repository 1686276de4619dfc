import { describe, expect, it } from '@jest/globals';
import { pgArray } from './sql-params.js';

describe('pgArray', () => {
  it('quotes every string and escapes only backslashes and double quotes', () => {
    expect(pgArray(['a', 'b c', 'x,y', '{z}', 'NULL', ''])).toBe('{"a","b c","x,y","{z}","NULL",""}');
    expect(pgArray(['say "hi"', 'C:\\dir', '\\"'])).toBe('{"say \\"hi\\"","C:\\\\dir","\\\\\\""}');
  });

  it('writes null and undefined as NULL, numbers, bigints and booleans bare', () => {
    expect(pgArray([null, undefined, 0, -12, 9_007_199_254_740_993n, true, false])).toBe('{NULL,NULL,0,-12,9007199254740993,true,false}');
  });

  it('writes dates in ISO 8601, UTC', () => {
    expect(pgArray([new Date('2026-12-07T05:06:07.089+02:00')])).toBe('{"2026-12-07T03:06:07.089Z"}');
  });

  it('keeps non-ASCII text as it is', () => {
    expect(pgArray(['Zürich', '東京', '🎰'])).toBe('{"Zürich","東京","🎰"}');
  });

  it('is {} for an empty array', () => {
    expect(pgArray([])).toBe('{}');
  });

  it('leaves an array holding anything else to pg', () => {
    const nested = [['a'], ['b']];
    const objects = [{ a: 1 }];
    const buffers = [Buffer.from('x')];
    expect(pgArray(nested)).toBe(nested);
    expect(pgArray(objects)).toBe(objects);
    expect(pgArray(buffers)).toBe(buffers);
  });
});
