import { describe, expect, it } from 'vitest';
import { BoundedLabels, CallStats, MAX_LABELS, PROMOTE_AFTER } from './call-stats.js';

const DEFAULT_LABELS = { procedures: [], topProcedures: MAX_LABELS };

describe('BoundedLabels', () => {
  it('gives a name its own label once it was seen often enough, and keeps it', () => {
    const labels = new BoundedLabels();
    for (let i = 1; i < PROMOTE_AFTER; i++) expect(labels.slotOf('com.busy')).toBe(0);
    expect(labels.slotOf('com.busy')).toBe(1);
    expect(labels.slotOf('com.busy')).toBe(1);
    expect(labels.names).toEqual(['other', 'com.busy']);
  });

  it('stays bounded under 100,000 distinct names, while the busy ones still get labels of their own', () => {
    const labels = new BoundedLabels();
    // One call in a hundred is the busy procedure's: it still gets its label, the random ones never do.
    for (let i = 0; i < 100_000; i++) {
      labels.slotOf(`com.random.${i}`);
      if (i % 100 === 0) labels.slotOf('com.hot');
    }
    for (let i = 0; i < 100_000; i++) labels.slotOf(`com.noise.${i % 5_000}.${i}`);
    expect(labels.names.length).toBeLessThanOrEqual(MAX_LABELS + 1);
    expect(labels.names).toContain('com.hot');
    expect(labels.names.filter((name) => name.startsWith('com.random.'))).toEqual([]);
  });

  it('sends every name past the cap to other', () => {
    const labels = new BoundedLabels();
    for (let name = 0; name < MAX_LABELS + 10; name++) {
      for (let i = 0; i < PROMOTE_AFTER; i++) labels.slotOf(`com.p${name}`);
    }
    expect(labels.names.length).toBe(MAX_LABELS + 1);
    expect(labels.slotOf(`com.p${MAX_LABELS + 5}`)).toBe(0);
  });

  it('gives the allow-list its labels from the first sighting, beside the busiest', () => {
    const labels = new BoundedLabels(['com.rare', 'com.also'], 1);
    expect(labels.slotOf('com.rare')).toBe(1);
    expect(labels.slotOf('com.also')).toBe(2);
    for (let i = 0; i < PROMOTE_AFTER; i++) labels.slotOf('com.busy');
    for (let i = 0; i < PROMOTE_AFTER; i++) labels.slotOf('com.busier');
    expect(labels.names).toEqual(['other', 'com.rare', 'com.also', 'com.busy']);
    expect(labels.slotOf('com.busier')).toBe(0);
  });

  it('labels only the allow-list when no busiest are wanted', () => {
    const labels = new BoundedLabels(['com.rare'], 0);
    for (let i = 0; i < 2 * PROMOTE_AFTER; i++) expect(labels.slotOf('com.busy')).toBe(0);
    expect(labels.names).toEqual(['other', 'com.rare']);
  });
});

describe('CallStats', () => {
  it('remembers the series of a registration once it has one', () => {
    const stats = new CallStats(DEFAULT_LABELS);
    const called = { procedure: 'com.busy', latencySlot: 0 };
    for (let i = 0; i < PROMOTE_AFTER + 5; i++) stats.ended(called, 'result', 1);
    expect(called.latencySlot).toBe(1);
    expect(stats.latency[1]!.counts[0]).toBe(6);
    expect(stats.latency[0]!.counts[0]).toBe(PROMOTE_AFTER - 1);
  });

  it('counts outcomes, error URIs and latency buckets', () => {
    const stats = new CallStats(DEFAULT_LABELS);
    const called = { procedure: 'com.a', latencySlot: 0 };
    stats.ended(called, 'result', 0.5);
    stats.ended(called, 'result', 30);
    stats.ended(called, 'wamp.error.canceled', 2);
    stats.ended(called, 'wamp.error.timeout', 20_000);
    stats.ended(called, 'com.app.error.nope', 7);
    expect(stats.outcomes).toEqual({ result: 2, error: 1, canceled: 1, timeout: 1 });
    expect(stats.errors).toEqual([1]);
    const { counts, sum } = stats.latency[0]!;
    // 0.5 → ≤1; 2 → ≤2.5; 7 → ≤10; 30 → ≤50; 20,000 → +Inf.
    expect([...counts]).toEqual([1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(sum).toBeCloseTo(20_039.5);
  });
});
