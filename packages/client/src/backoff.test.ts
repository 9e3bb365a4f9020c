import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from './backoff.js';

describe('exponentialBackoff', () => {
  it('draws delays between 0 and the doubling cap', () => {
    const delay = exponentialBackoff({ baseMs: 100, maxMs: 1_000 });
    for (const [attempt, cap] of [
      [1, 100],
      [2, 200],
      [4, 800],
      [10, 1_000],
    ] as const) {
      const samples = Array.from({ length: 500 }, () => delay(attempt));
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...samples)).toBeLessThanOrEqual(cap);
      // Full jitter: spread over the whole range, not clustered at the cap.
      expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(cap / 2);
    }
  });
});
