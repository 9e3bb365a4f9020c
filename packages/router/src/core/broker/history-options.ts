// The `eventHistory` section: which topics the broker keeps events of, how many and how many bytes, checked.
import { isValidPattern, type MatchPolicy } from '@wamp/protocol';
import { invalid, is, isPositiveInteger, listOf, optional, shape } from '../../option-checks.js';

/** One topic (or pattern) whose events the broker keeps, and how many of them. */
export interface EventHistoryOptions {
  /** The topic, or a prefix/wildcard pattern. */
  topic: string;
  /** How `topic` matches; default `exact`. */
  match?: MatchPolicy;
  /** Events kept, oldest dropped first. Default 100. */
  limit?: number;
  /**
   * Bytes the kept events may hold (measured as `limits.maxRetainedEventBytes`), oldest dropped first; an event
   * larger than this alone is not kept. Default 4 MiB.
   */
  maxBytes?: number;
}

const MATCHES: readonly MatchPolicy[] = ['exact', 'prefix', 'wildcard'];
const EVENT_HISTORY = listOf(
  'a list of { topic, match?, limit?, maxBytes? }',
  shape(
    '{ topic, match?, limit?, maxBytes? }',
    {
      topic: is('a topic or topic pattern', (value) => typeof value === 'string'),
      match: optional(is(`one of ${MATCHES.join(', ')}`, (value) => MATCHES.includes(value as MatchPolicy))),
      limit: optional(is('a positive integer', isPositiveInteger)),
      maxBytes: optional(is('a positive integer of bytes', isPositiveInteger)),
    },
    (path, entry) => {
      const match = (entry.match ?? 'exact') as MatchPolicy;
      if (!isValidPattern(entry.topic as string, match)) {
        throw invalid(`${path}.topic`, `a valid ${match} topic pattern`, entry.topic);
      }
    },
  ),
);

/**
 * Checks the `eventHistory` section and fills in each entry's defaults; absent means no history.
 *
 * @example
 * ```ts
 * resolveEventHistory([{ topic: 'com.app.', match: 'prefix' }]);
 * // [{ topic: 'com.app.', match: 'prefix', limit: 100, maxBytes: 4194304 }]
 * ```
 */
export function resolveEventHistory(entries: unknown = []): Required<EventHistoryOptions>[] {
  EVENT_HISTORY('eventHistory', entries);
  return (entries as EventHistoryOptions[]).map(({ topic, match = 'exact', limit = 100, maxBytes = 4 << 20 }) => ({
    topic,
    match,
    limit,
    maxBytes,
  }));
}
