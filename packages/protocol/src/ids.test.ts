import { describe, expect, it } from 'vitest';
import { globalId, MAX_ID, ScopedIdGenerator } from './ids.js';

describe('globalId', () => {
  it('draws integers in [1, 2^53] spread over the whole range', () => {
    const count = 20_000;
    let aboveHalf = 0;
    let above2to32 = 0;
    const seen = new Set<number>();
    for (let i = 0; i < count; i++) {
      const id = globalId();
      expect(Number.isSafeInteger(id) || id === MAX_ID).toBe(true);
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(MAX_ID);
      if (id > MAX_ID / 2) aboveHalf++;
      if (id > 2 ** 32) above2to32++;
      seen.add(id);
    }
    expect(seen.size).toBe(count);
    // Uniform over [1, 2^53]: about half above the midpoint, nearly all above 2^32.
    expect(aboveHalf / count).toBeGreaterThan(0.45);
    expect(aboveHalf / count).toBeLessThan(0.55);
    expect(above2to32 / count).toBeGreaterThan(0.99);
  });
});

describe('ScopedIdGenerator', () => {
  it('counts from 1', () => {
    const ids = new ScopedIdGenerator();
    expect([ids.next(), ids.next(), ids.next()]).toEqual([1, 2, 3]);
  });

  it('wraps to 1 after 2^53', () => {
    const ids = new ScopedIdGenerator(MAX_ID - 1);
    expect([ids.next(), ids.next(), ids.next()]).toEqual([MAX_ID, 1, 2]);
  });
});
