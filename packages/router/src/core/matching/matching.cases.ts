import type { MatchPolicy } from '@wamp/protocol';

/**
 * One table of matching cases for every matcher (hono's shared router cases): patterns with their policy, and for
 * concrete URIs the patterns that match (in any order) and the best one for a call.
 */
export interface MatchingCase {
  name: string;
  patterns: [pattern: string, match: MatchPolicy][];
  lookups: [uri: string, matches: string[], best: string | undefined][];
}

const key = (pattern: string, match: MatchPolicy) => `${match}:${pattern}`;

export { key as patternKey };

export const MATCHING_CASES: MatchingCase[] = [
  {
    name: 'the spec example for pattern-based registration',
    patterns: [
      ['a1.b2.c3.d4.e55', 'exact'],
      ['a1.b2.c3', 'prefix'],
      ['a1.b2.c3.d4', 'prefix'],
      ['a1.b2..d4.e5', 'wildcard'],
      ['a1.b2.c33..e5', 'wildcard'],
      ['a1.b2..d4.e5..g7', 'wildcard'],
      ['a1.b2..d4..f6.g7', 'wildcard'],
    ],
    lookups: [
      ['a1.b2.c3.d4.e55', ['prefix:a1.b2.c3', 'prefix:a1.b2.c3.d4'], 'exact:a1.b2.c3.d4.e55'],
      ['a1.b2.c3.d98.e74', ['prefix:a1.b2.c3'], 'prefix:a1.b2.c3'],
      ['a1.b2.c3.d4.e325', ['prefix:a1.b2.c3', 'prefix:a1.b2.c3.d4'], 'prefix:a1.b2.c3.d4'],
      ['a1.b2.c55.d4.e5', ['wildcard:a1.b2..d4.e5'], 'wildcard:a1.b2..d4.e5'],
      // The spec's example says "no prefix match" here, but prefix matching is a plain string prefix (its pub/sub
      // examples: `emergency` matches `emergency-low`), so `a1.b2.c3` matches `a1.b2.c33…` and wins.
      ['a1.b2.c33.d4.e5', ['prefix:a1.b2.c3', 'wildcard:a1.b2..d4.e5', 'wildcard:a1.b2.c33..e5'], 'prefix:a1.b2.c3'],
      [
        'a1.b2.c88.d4.e5.f6.g7',
        ['wildcard:a1.b2..d4.e5..g7', 'wildcard:a1.b2..d4..f6.g7'],
        'wildcard:a1.b2..d4.e5..g7',
      ],
      ['a2.b2.c2.d2.e2', [], undefined],
    ],
  },
  {
    name: 'wildcard precedence alone (the spec example without its prefixes)',
    patterns: [
      ['a1.b2..d4.e5', 'wildcard'],
      ['a1.b2.c33..e5', 'wildcard'],
      ['a1.b2..d4.e5..g7', 'wildcard'],
      ['a1.b2..d4..f6.g7', 'wildcard'],
    ],
    lookups: [
      ['a1.b2.c33.d4.e5', ['wildcard:a1.b2..d4.e5', 'wildcard:a1.b2.c33..e5'], 'wildcard:a1.b2.c33..e5'],
      [
        'a1.b2.c88.d4.e5.f6.g7',
        ['wildcard:a1.b2..d4.e5..g7', 'wildcard:a1.b2..d4..f6.g7'],
        'wildcard:a1.b2..d4.e5..g7',
      ],
    ],
  },
  {
    name: 'the spec examples for pattern-based subscription',
    patterns: [
      ['com.myapp.topic.emergency', 'prefix'],
      ['com.myapp..userevent', 'wildcard'],
    ],
    lookups: [
      ['com.myapp.topic.emergency.11', ['prefix:com.myapp.topic.emergency'], 'prefix:com.myapp.topic.emergency'],
      ['com.myapp.topic.emergency-low', ['prefix:com.myapp.topic.emergency'], 'prefix:com.myapp.topic.emergency'],
      ['com.myapp.topic.emergency', ['prefix:com.myapp.topic.emergency'], 'prefix:com.myapp.topic.emergency'],
      ['com.myapp.topic.emerge', [], undefined],
      ['com.myapp.foo.userevent', ['wildcard:com.myapp..userevent'], 'wildcard:com.myapp..userevent'],
      ['com.myapp.foo.userevent.bar', [], undefined],
      ['com.myapp.foo.user', [], undefined],
      ['com.myapp2.foo.userevent', [], undefined],
    ],
  },
  {
    name: 'wildcards in every position and prefixes that end mid-component',
    patterns: [
      ['..', 'wildcard'],
      ['a..', 'wildcard'],
      ['.b.', 'wildcard'],
      ['com.a', 'prefix'],
      ['com.', 'prefix'],
    ],
    lookups: [
      ['a.b.c', ['wildcard:..', 'wildcard:a..', 'wildcard:.b.'], 'wildcard:a..'],
      ['x.b.c', ['wildcard:..', 'wildcard:.b.'], 'wildcard:.b.'],
      ['x.y.z', ['wildcard:..'], 'wildcard:..'],
      ['com.ab', ['prefix:com.', 'prefix:com.a'], 'prefix:com.a'],
      ['com.b.c', ['prefix:com.', 'wildcard:..', 'wildcard:.b.'], 'prefix:com.'],
      ['a.b', [], undefined],
    ],
  },
];
