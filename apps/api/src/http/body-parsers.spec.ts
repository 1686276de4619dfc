import { describe, expect, it } from '@jest/globals';
import { depthOf, integralFloatLiterals, MAX_JSON_DEPTH } from './body-parsers.js';

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

describe('integralFloatLiterals', () => {
  it('finds the numbers written with a fraction or exponent whose value is an integer, by path', () => {
    const text = '{"a":1000.0,"b":1e3,"c":1000,"d":1000.5,"e":[1, 2.0, {"f": -0.0, "g": 2E+2}],"h":"1.0 in a string","i":1e400}';
    expect(integralFloatLiterals(text)).toEqual([['a'], ['b'], ['e', 1], ['e', 2, 'f'], ['e', 2, 'g']]);
  });

  it('reads keys as JSON does (escapes), skips strings with quotes and brackets, follows nesting and commas', () => {
    const text = ' { "k\\"1" : { "x\\u0041" : [ "a,]\\\\" , [ 3.00 ] ] } , "n" : null , "t" : true , "z" : 5.0e0 } ';
    expect(integralFloatLiterals(text)).toEqual([['k"1', 'xA', 1, 0], ['z']]);
    expect(integralFloatLiterals('{"a":"2.0","b":[],"c":{},"d":7}')).toEqual([]);
  });

  it('agrees with JSON.parse on where each number is', () => {
    const body = { bet_amount: 1, prizes: [{ reward: { type: 'winz', amount: 2 } }, { reward: { type: 'winz', amount: 3 } }], x: [[4]] };
    const text = JSON.stringify(body).replace(':1,', ':1.0,').replace(':3}', ':3e0}').replace('[[4]]', '[[4.0]]');
    const paths = integralFloatLiterals(text);
    expect(paths).toEqual([['bet_amount'], ['prizes', 1, 'reward', 'amount'], ['x', 0, 0]]);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    for (const path of paths) expect(Number.isInteger(path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], parsed))).toBe(true);
  });
});
