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
