import { describe, expect, it } from '@jest/globals';
import { depthOf, MAX_JSON_DEPTH } from './body-parsers.js';

describe('depthOf', () => {
  it('counts how deep objects and arrays nest; scalars are 0', () => {
    expect([1, 'x', null, true].map(depthOf)).toEqual([0, 0, 0, 0]);
    expect(depthOf({})).toBe(1);
    expect(depthOf([])).toBe(1);
    expect(depthOf({ a: 1, b: [2, { c: [] }] })).toBe(4);
    expect(depthOf([[1], [[2]], 3])).toBe(3);
  });

  it('walks a value nested far deeper than the stack allows, and stops past the limit', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    const depth = depthOf(deep);
    expect(depth).toBeGreaterThan(MAX_JSON_DEPTH);
    expect(depth).toBeLessThanOrEqual(MAX_JSON_DEPTH + 1);
  });

  it('finds the deepest branch wherever it is', () => {
    const wide = Array.from({ length: 100 }, (_, i) => (i === 57 ? { x: { y: { z: [] } } } : i));
    expect(depthOf({ list: wide })).toBe(6);
  });
});
