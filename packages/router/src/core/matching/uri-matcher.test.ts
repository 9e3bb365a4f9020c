import type { MatchPolicy } from '@wamp/protocol';
import { matchesPattern } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { MATCHING_CASES, patternKey } from './matching.cases.js';
import { UriMatcher } from './uri-matcher.js';

describe.each(MATCHING_CASES)('UriMatcher: $name', ({ patterns, lookups }) => {
  const matcher = new UriMatcher<string>();
  for (const [pattern, match] of patterns) matcher.set(pattern, match, patternKey(pattern, match));

  it.each(lookups)('%s', (uri, matches, best) => {
    const found: string[] = [];
    matcher.collectPatterns(uri, found);
    expect(found.sort()).toEqual([...matches].sort());
    expect(matcher.best(uri)).toBe(best);
  });

  it('agrees with the reference semantics of matchesPattern', () => {
    for (const [uri] of lookups) {
      const expected = patterns
        .filter(([pattern, match]) => match !== 'exact' && matchesPattern(uri, pattern, match as MatchPolicy))
        .map(([pattern, match]) => patternKey(pattern, match))
        .sort();
      const found: string[] = [];
      matcher.collectPatterns(uri, found);
      expect(found.sort()).toEqual(expected);
    }
  });
});

describe('UriMatcher bookkeeping', () => {
  it('gets, replaces and deletes entries per pattern and policy', () => {
    const matcher = new UriMatcher<number>();
    matcher.set('com.a', 'exact', 1);
    matcher.set('com.a', 'prefix', 2);
    matcher.set('com.a', 'wildcard', 3);
    expect([matcher.get('com.a', 'exact'), matcher.get('com.a', 'prefix'), matcher.get('com.a', 'wildcard')]).toEqual([
      1, 2, 3,
    ]);
    expect(matcher.hasPatterns).toBe(true);
    matcher.delete('com.a', 'prefix');
    matcher.delete('com.a', 'wildcard');
    matcher.delete('com.never', 'prefix');
    expect(matcher.hasPatterns).toBe(false);
    expect(matcher.get('com.a', 'prefix')).toBeUndefined();
    expect(matcher.best('com.a')).toBe(1);
    expect(matcher.best('com.ab')).toBeUndefined();
  });
});

describe('UriMatcher pruning', () => {
  /** The tries' roots, read to see that nothing is left behind. */
  const roots = (matcher: UriMatcher<number>) =>
    matcher as unknown as {
      prefixRoot: { children: Map<number, unknown> | null };
      wildcardRoot: { children: Map<string, unknown> | null; wildcard: unknown };
    };

  it('leaves no emptied node behind once every pattern is deleted', () => {
    const matcher = new UriMatcher<number>();
    const patterns: [string, MatchPolicy][] = [];
    for (let i = 0; i < 200; i++) {
      patterns.push([`com.app.${i}.x`, 'prefix'], [`com.app..${i}..end`, 'wildcard'], [`com..${i}`, 'wildcard']);
    }
    for (const [index, [pattern, match]] of patterns.entries()) matcher.set(pattern, match, index);
    for (const [pattern, match] of patterns) matcher.delete(pattern, match);
    expect(matcher.hasPatterns).toBe(false);
    expect(roots(matcher).prefixRoot.children).toBeNull();
    expect(roots(matcher).wildcardRoot.children).toBeNull();
    expect(roots(matcher).wildcardRoot.wildcard).toBeNull();
  });

  it('keeps the patterns that share a path with a deleted one', () => {
    const matcher = new UriMatcher<number>();
    matcher.set('com.a', 'prefix', 1);
    matcher.set('com.ab', 'prefix', 2);
    matcher.set('com..c', 'wildcard', 3);
    matcher.set('com..c.d', 'wildcard', 4);
    matcher.delete('com.ab', 'prefix');
    matcher.delete('com..c', 'wildcard');
    expect(matcher.best('com.abc')).toBe(1);
    expect(matcher.best('com.x.c.d')).toBe(4);
    expect(matcher.best('com.x.c')).toBeUndefined();
    matcher.set('com.ab', 'prefix', 2);
    matcher.delete('com.a', 'prefix');
    expect(matcher.best('com.abc')).toBe(2);
    expect(matcher.best('com.ax')).toBeUndefined();
    // Deleting what is not there, or an inner node that holds no value, changes nothing.
    matcher.delete('com.a', 'prefix');
    matcher.delete('com.', 'wildcard');
    matcher.delete('com', 'wildcard');
    expect(matcher.best('com.abc')).toBe(2);
    expect(matcher.best('com.x.c.d')).toBe(4);
  });
});
