import { describe, expect, it } from 'vitest';
import { tooDeep } from './limits.js';

describe('tooDeep', () => {
  it.each<[unknown, number, boolean]>([
    [1, 0, false],
    ['text', 0, false],
    [new Uint8Array(4), 0, false],
    [[], 0, true],
    [[], 1, false],
    [[1, [2]], 1, true],
    [[1, [2]], 2, false],
    [{ a: { b: { c: 1 } } }, 2, true],
    [{ a: { b: { c: 1 } } }, 3, false],
    [[{ a: [1] }], 3, false],
    [[{ a: [1] }], 2, true],
  ])('%j with limit %i → %s', (value, limit, expected) => {
    expect(tooDeep(value, limit)).toBe(expected);
  });

  it('stops early on a hostile 100,000-level nesting without exhausting the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(tooDeep(deep, 64)).toBe(true);
  });
});
