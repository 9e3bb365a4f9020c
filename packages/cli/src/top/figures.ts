// The figures `wamp top` shows, from two scrapes of the router's metrics: totals as read, rates as the difference
// between the scrapes over the time between them, latency quantiles from the histogram buckets the interval added.
import type { Scrape } from './prometheus-text.js';

/** A running total and its rate per second over the last interval (null on the first scrape). */
export interface Counted {
  total: number;
  rate: number | null;
}

/** One procedure's calls and latency. */
export interface ProcedureFigures extends Counted {
  procedure: string;
  /** Latency quantiles in ms over the calls of the last interval (since the router started, on the first scrape); null without calls. */
  p50_ms: number | null;
  p99_ms: number | null;
}

/** What one refresh of `wamp top` knows from the metrics. */
export interface RouterFigures {
  /** Seconds since the previous scrape; null on the first. */
  interval_s: number | null;
  /** Established sessions by realm. */
  sessions: Record<string, number>;
  connections: number;
  pending_calls: number;
  /** Messages by type (`CALL`, `EVENT`, …), from clients and to them. */
  messages: { received: Record<string, Counted>; sent: Record<string, Counted> };
  /** Calls per registered procedure, the busiest first. */
  calls: ProcedureFigures[];
  /** Calls ended, by outcome: result, error, canceled, timeout. */
  call_outcomes: Record<string, Counted>;
  events: { published: Counted; dropped: Counted };
  /** Subscribers cut off by the slow-consumer policy `disconnect`. */
  slow_consumers_disconnected: Counted;
}

const M = {
  sessions: 'wamp_router_sessions',
  connections: 'wamp_router_connections',
  pending: 'wamp_router_pending_calls',
  received: 'wamp_router_messages_received_total',
  sent: 'wamp_router_messages_sent_total',
  outcomes: 'wamp_router_calls_total',
  latency: 'wamp_router_call_duration_seconds',
  published: 'wamp_router_events_published_total',
  dropped: 'wamp_router_events_dropped_total',
  slow: 'wamp_router_slow_consumers_disconnected_total',
} as const;

/** A counter's increase: a total that fell means the router restarted, and counted up from 0 since. */
function increase(now: number, before: number | undefined): number {
  if (before === undefined) return now;
  return now >= before ? now - before : now;
}

function counted(now: number, before: number | undefined, seconds: number | null): Counted {
  return {
    total: now,
    rate: seconds === null || before === undefined ? null : round(increase(now, before) / seconds),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The totals of a counter by one label. */
function byLabel(scrape: Scrape, name: string, label: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const sample of scrape.series(name)) {
    const key = sample.labels[label];
    if (key !== undefined) totals.set(key, (totals.get(key) ?? 0) + sample.value);
  }
  return totals;
}

function countedByLabel(
  current: Scrape,
  previous: Scrape | null,
  name: string,
  label: string,
  seconds: number | null,
): Record<string, Counted> {
  const before = previous === null ? null : byLabel(previous, name, label);
  const figures: Record<string, Counted> = {};
  for (const [key, total] of byLabel(current, name, label)) {
    figures[key] = counted(total, before === null ? undefined : (before.get(key) ?? 0), seconds);
  }
  return figures;
}

/** The cumulative bucket counts of one series of a histogram, by upper bound (`+Inf` as Infinity). */
function buckets(scrape: Scrape, name: string, labels: Record<string, string>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const sample of scrape.series(`${name}_bucket`)) {
    if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) {
      counts.set(Number(sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : sample.labels.le), sample.value);
    }
  }
  return counts;
}

/**
 * The `q` quantile of cumulative histogram buckets, interpolated linearly within its bucket as Prometheus'
 * `histogram_quantile` does; the highest finite bound when it falls in the `+Inf` bucket; null without
 * observations.
 *
 * @example
 * ```ts
 * quantile(new Map([[0.001, 5], [0.01, 10], [Infinity, 10]]), 0.5); // 0.001
 * ```
 */
export function quantile(cumulative: ReadonlyMap<number, number>, q: number): number | null {
  const bounds = [...cumulative.keys()].sort((a, b) => a - b);
  const total = cumulative.get(Number.POSITIVE_INFINITY) ?? cumulative.get(bounds.at(-1)!) ?? 0;
  if (bounds.length === 0 || total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bound of bounds) {
    const count = cumulative.get(bound)!;
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return lowerBound;
      const inBucket = count - lowerCount;
      return inBucket <= 0 ? bound : lowerBound + (bound - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return lowerBound;
}

/** Per procedure: calls, their rate, and p50/p99 over the interval's calls. */
function procedureFigures(current: Scrape, previous: Scrape | null, seconds: number | null): ProcedureFigures[] {
  const figures: ProcedureFigures[] = [];
  for (const sample of current.series(`${M.latency}_count`)) {
    const procedure = sample.labels.procedure;
    if (procedure === undefined) continue;
    const labels = { procedure };
    const before = previous?.sum(`${M.latency}_count`, labels);
    const now = buckets(current, M.latency, labels);
    // The interval's own observations: the buckets' increase, unless the router restarted meanwhile.
    const then = previous === null || before! > sample.value ? null : buckets(previous, M.latency, labels);
    const window = new Map([...now].map(([bound, count]) => [bound, count - (then?.get(bound) ?? 0)]));
    const ms = (q: number) => {
      const value = quantile(window, q);
      return value === null ? null : round(value * 1000);
    };
    figures.push({ procedure, ...counted(sample.value, before, seconds), p50_ms: ms(0.5), p99_ms: ms(0.99) });
  }
  return figures.sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.total - a.total);
}

/**
 * The figures of `current`, with rates against `previous` (null on the first scrape).
 *
 * @example
 * ```ts
 * const figures = routerFigures(scrape, lastScrape);
 * figures.calls[0]; // { procedure: 'com.example.add', total: 120, rate: 5, p50_ms: 0.4, p99_ms: 2.1 }
 * ```
 */
export function routerFigures(current: Scrape, previous: Scrape | null): RouterFigures {
  const seconds = previous === null ? null : Math.max((current.at - previous.at) / 1000, 0.001);
  const total = (name: string) => ({ now: current.sum(name), before: previous?.sum(name) });
  const figure = (name: string) => {
    const { now, before } = total(name);
    return counted(now, before, seconds);
  };
  return {
    interval_s: seconds === null ? null : round(seconds),
    sessions: Object.fromEntries(byLabel(current, M.sessions, 'realm')),
    connections: current.sum(M.connections),
    pending_calls: current.sum(M.pending),
    messages: {
      received: countedByLabel(current, previous, M.received, 'type', seconds),
      sent: countedByLabel(current, previous, M.sent, 'type', seconds),
    },
    calls: procedureFigures(current, previous, seconds),
    call_outcomes: countedByLabel(current, previous, M.outcomes, 'outcome', seconds),
    events: { published: figure(M.published), dropped: figure(M.dropped) },
    slow_consumers_disconnected: figure(M.slow),
  };
}
