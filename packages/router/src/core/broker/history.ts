import type { KwArgs, MatchPolicy } from '@wamp/protocol';
import type { EventHistoryOptions } from '../../options.js';
import { UriMatcher } from '../matching/uri-matcher.js';

/** One kept event. */
export interface HistoryEntry {
  /** When the broker received it, in ms since the epoch. */
  time: number;
  publication: number;
  topic: string;
  args: unknown[] | undefined;
  kwargs: KwArgs | undefined;
}

/** The kept events of one configured topic or pattern, oldest first, at most `limit` of them. */
class HistoryLog {
  readonly entries: HistoryEntry[] = [];

  constructor(private readonly limit: number) {}

  push(entry: HistoryEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
  }
}

/** The filters of `wamp.subscription.get_events`, as its keyword arguments name them. */
export interface HistoryQuery {
  reverse?: unknown;
  limit?: unknown;
  from_time?: unknown;
  after_time?: unknown;
  before_time?: unknown;
  until_time?: unknown;
  topic?: unknown;
  from_publication?: unknown;
  after_publication?: unknown;
  before_publication?: unknown;
  until_publication?: unknown;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Event history for the topics the router is configured to keep it for: each configured topic or pattern keeps
 * the last events published to topics it matches. Publishing pays nothing when no history is configured.
 *
 * @example
 * ```ts
 * const history = new EventHistory([{ topic: 'com.log.', match: 'prefix', limit: 100 }]);
 * history.record('com.log.auth', publicationId, ['login'], undefined);
 * ```
 */
export class EventHistory {
  private readonly logs = new UriMatcher<HistoryLog>();
  private readonly matched: HistoryLog[] = [];
  readonly enabled: boolean;

  constructor(config: readonly Required<EventHistoryOptions>[]) {
    for (const entry of config) this.logs.set(entry.topic, entry.match, new HistoryLog(entry.limit));
    this.enabled = config.length > 0;
  }

  /** Keeps a publication in every log whose topic or pattern matches. */
  record(topic: string, publication: number, args: unknown[] | undefined, kwargs: KwArgs | undefined): void {
    const entry: HistoryEntry = { time: Date.now(), publication, topic, args, kwargs };
    this.logs.get(topic, 'exact')?.push(entry);
    if (!this.logs.hasPatterns) return;
    const matched = this.matched;
    this.logs.collectPatterns(topic, matched);
    for (const log of matched) log.push(entry);
    matched.length = 0;
  }

  /** The kept events of the log configured for exactly `(topic, match)`, oldest first; undefined when none is. */
  entriesOf(topic: string, match: MatchPolicy): readonly HistoryEntry[] | undefined {
    return this.logs.get(topic, match)?.entries;
  }

  /**
   * The kept events for a subscription's topic and policy, filtered as `wamp.subscription.get_events` asks.
   * Undefined when no history is kept for it.
   */
  query(topic: string, match: MatchPolicy, filters: HistoryQuery): HistoryEntry[] | undefined {
    const entries = this.entriesOf(topic, match);
    return entries === undefined ? undefined : filterHistory(entries, filters);
  }
}

/**
 * Kept events (oldest first) filtered as `wamp.subscription.get_events` asks: by publication and time ranges, by
 * concrete topic, reversed, limited.
 *
 * @example
 * ```ts
 * filterHistory(entries, { reverse: true, limit: 10 }); // the 10 newest, newest first
 * ```
 */
export function filterHistory(all: readonly HistoryEntry[], filters: HistoryQuery): HistoryEntry[] {
  let entries = [...all];
  const byPublication = (id: unknown) =>
    typeof id === 'number' ? entries.findIndex((entry) => entry.publication === id) : -1;
  let start = 0;
  let end = entries.length;
  if (filters.from_publication !== undefined) start = Math.max(start, byPublication(filters.from_publication));
  if (filters.after_publication !== undefined) start = Math.max(start, byPublication(filters.after_publication) + 1);
  if (filters.before_publication !== undefined)
    end = Math.min(end, Math.max(0, byPublication(filters.before_publication)));
  if (filters.until_publication !== undefined) end = Math.min(end, byPublication(filters.until_publication) + 1);
  entries = entries.slice(Math.max(0, start), end);
  const from = timeOf(filters.from_time);
  const after = timeOf(filters.after_time);
  const before = timeOf(filters.before_time);
  const until = timeOf(filters.until_time);
  entries = entries.filter(
    (entry) =>
      (from === undefined || entry.time >= from) &&
      (after === undefined || entry.time > after) &&
      (before === undefined || entry.time < before) &&
      (until === undefined || entry.time <= until) &&
      (typeof filters.topic !== 'string' || entry.topic === filters.topic),
  );
  if (filters.reverse === true) entries.reverse();
  if (typeof filters.limit === 'number' && filters.limit > 0) entries = entries.slice(0, filters.limit);
  return entries;
}
