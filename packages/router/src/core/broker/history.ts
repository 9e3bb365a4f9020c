// Event history: the last events of the topics configured to keep them, within their bounds, and queries over them.
import type { KwArgs, MatchPolicy } from '@wamp/protocol';
import type { EventHistoryOptions } from '../../options.js';
import { UriMatcher } from '../matching/uri-matcher.js';
import { storedSize } from './payload-size.js';

/** One kept event. */
export interface HistoryEntry {
  /** When the broker received it, in ms since the epoch. */
  time: number;
  publication: number;
  topic: string;
  args: unknown[] | undefined;
  kwargs: KwArgs | undefined;
}

/** A kept event with what it weighs against the byte bounds (see `storedSize`) and its place in the realm's order. */
interface Kept {
  entry: HistoryEntry;
  bytes: number;
  /** Counts up across the realm's logs: events of one millisecond still have an order. */
  sequence: number;
}

/** The kept events of one configured topic or pattern, oldest first, within `limit` events and `maxBytes`. */
class HistoryLog {
  private readonly kept: Kept[] = [];
  private bytes = 0;

  constructor(
    private readonly limit: number,
    readonly maxBytes: number,
  ) {}

  /** Keeps an event (the caller checked it fits `maxBytes` alone); returns the bytes of the events it pushed out. */
  push(entry: HistoryEntry, bytes: number, sequence: number): number {
    this.kept.push({ entry, bytes, sequence });
    this.bytes += bytes;
    let freed = 0;
    while (this.kept.length > this.limit || this.bytes > this.maxBytes) freed += this.dropOldest();
    return freed;
  }

  /** Drops the oldest event; returns its bytes. */
  dropOldest(): number {
    const bytes = this.kept.shift()!.bytes;
    this.bytes -= bytes;
    return bytes;
  }

  /** The realm-wide sequence number of the oldest event; Infinity for an empty log. */
  get oldest(): number {
    return this.kept[0]?.sequence ?? Number.POSITIVE_INFINITY;
  }

  get entries(): HistoryEntry[] {
    return this.kept.map((kept) => kept.entry);
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
 * the last events published to topics it matches, within its count (`limit`) and bytes (`maxBytes`), and all logs
 * of the realm within `maxRealmBytes`, the oldest events dropped first. Publishing pays nothing when no history is
 * configured, and only matching publications are weighed.
 *
 * @example
 * ```ts
 * const history = new EventHistory([{ topic: 'com.log.', match: 'prefix', limit: 100, maxBytes: 1 << 20 }], 64 << 20);
 * history.record('com.log.auth', publicationId, ['login'], undefined);
 * ```
 */
export class EventHistory {
  private readonly logs = new UriMatcher<HistoryLog>();
  private readonly all: HistoryLog[] = [];
  private readonly matched: HistoryLog[] = [];
  /** The largest `maxBytes` of any log: an event over it is kept nowhere, and weighing it stops there. */
  private readonly largestLog: number;
  /** Bytes all logs hold together. */
  private bytes = 0;
  /** The sequence number of the last recorded event. */
  private sequence = 0;
  readonly enabled: boolean;

  constructor(
    config: readonly Required<EventHistoryOptions>[],
    private readonly maxRealmBytes: number,
  ) {
    for (const entry of config) {
      const log = new HistoryLog(entry.limit, Math.min(entry.maxBytes, maxRealmBytes));
      this.logs.set(entry.topic, entry.match, log);
      this.all.push(log);
    }
    this.largestLog = Math.max(0, ...this.all.map((log) => log.maxBytes));
    this.enabled = config.length > 0;
  }

  /** Keeps a publication in every log whose topic or pattern matches and that it fits in. */
  record(topic: string, publication: number, args: unknown[] | undefined, kwargs: KwArgs | undefined): void {
    const matched = this.matched;
    const exact = this.logs.get(topic, 'exact');
    if (exact !== undefined) matched.push(exact);
    if (this.logs.hasPatterns) this.logs.collectPatterns(topic, matched);
    if (matched.length === 0) return;
    const bytes = storedSize(topic, args, kwargs, this.largestLog);
    const entry: HistoryEntry = { time: Date.now(), publication, topic, args, kwargs };
    const sequence = ++this.sequence;
    for (const log of matched) {
      if (bytes > log.maxBytes) continue;
      this.bytes += bytes - log.push(entry, bytes, sequence);
    }
    matched.length = 0;
    while (this.bytes > this.maxRealmBytes) this.dropOldest();
  }

  /** Drops the oldest event of all logs (there are as many logs as configured topics: few). */
  private dropOldest(): void {
    let oldest = this.all[0]!;
    for (const log of this.all) if (log.oldest < oldest.oldest) oldest = log;
    this.bytes -= oldest.dropOldest();
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
