import { describe, expect, it } from 'vitest';
import { MAX_NODES, nodeOfSession, sessionIdOf } from './node-numbers.js';

describe('session IDs of a node number', () => {
  it.each([0, 1, 511, MAX_NODES - 1])('stay within the 53-bit WAMP range and name node %i', (number) => {
    for (let i = 0; i < 1_000; i++) {
      const id = sessionIdOf(number);
      expect(Number.isSafeInteger(id) || id === 2 ** 53).toBe(true);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(2 ** 53);
      expect(nodeOfSession(id)).toBe(number);
    }
  });
});
