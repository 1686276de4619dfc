import { describe, expect, it } from '@jest/globals';
import { queueTopologyProblems } from './queue-topology.js';

describe('queueTopologyProblems', () => {
  it('accepts exactly one processor per queue', () => {
    expect(queueTopologyProblems(['a', 'b'], ['b', 'a'])).toEqual([]);
  });

  it('names a queue without a processor', () => {
    expect(queueTopologyProblems(['a', 'b'], ['a'])).toEqual(['queue b has no processor']);
  });

  it('names a queue with two processors', () => {
    expect(queueTopologyProblems(['a'], ['a', 'a'])).toEqual(['queue a has 2 processors']);
  });

  it('names a processor whose queue is not registered', () => {
    expect(queueTopologyProblems(['a'], ['a', 'z'])).toEqual(['processor for unknown queue z']);
  });
});
