// The call metrics in the registry: calls by outcome, failures by error URI, and the latency histogram per
// procedure, read from CallStats at each scrape.
import { Counter, type Metric, type Registry } from 'prom-client';
import { type CallOutcome, type CallStats, LATENCY_BUCKETS_MS } from '../core/call-stats.js';

const OUTCOMES: readonly CallOutcome[] = ['result', 'error', 'canceled', 'timeout'];
const LE = [...LATENCY_BUCKETS_MS.map((ms) => String(ms / 1000)), '+Inf'];

interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

/**
 * Adds `wamp_router_calls_total{outcome}`, `wamp_router_call_errors_total{error}` and the histogram
 * `wamp_router_call_duration_seconds{procedure}` (CALL to the caller's RESULT or ERROR at the router, per
 * registered procedure or pattern) to `registry`. Procedure and error labels are bounded by
 * {@link BoundedLabels}; the rest is `other`.
 *
 * @example
 * ```ts
 * registerCallMetrics(registry, core.counters.calls!);
 * ```
 */
export function registerCallMetrics(registry: Registry, stats: CallStats): void {
  new Counter({
    name: 'wamp_router_calls_total',
    help: 'Calls that ended, by how.',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      this.reset();
      for (const outcome of OUTCOMES) if (stats.outcomes[outcome] > 0) this.inc({ outcome }, stats.outcomes[outcome]);
    },
  });
  new Counter({
    name: 'wamp_router_call_errors_total',
    help: 'Calls that ended in an error, by error URI.',
    labelNames: ['error'],
    registers: [registry],
    collect() {
      this.reset();
      stats.errors.forEach((count, slot) => {
        if (count > 0) this.inc({ error: stats.errorUris.names[slot]! }, count);
      });
    },
  });
  // A histogram whose buckets CallStats keeps: prom-client's own would hash its labels on every call.
  const name = 'wamp_router_call_duration_seconds';
  const histogram = {
    name,
    help: 'Time from CALL to the RESULT or ERROR the caller got, at the router, per registered procedure.',
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: Sample[] = [];
      stats.latency.forEach((latency, slot) => {
        const procedure = stats.procedures.names[slot]!;
        let cumulative = 0;
        latency.buckets.forEach((count, bucket) => {
          cumulative += count;
          values.push({ value: cumulative, labels: { procedure, le: LE[bucket]! }, metricName: `${name}_bucket` });
        });
        values.push({ value: latency.sumMs / 1000, labels: { procedure }, metricName: `${name}_sum` });
        values.push({ value: cumulative, labels: { procedure }, metricName: `${name}_count` });
      });
      return { name, help: histogram.help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
  // The registry reads any object with a name, a type and `get()`; its type lists only prom-client's classes.
  registry.registerMetric(histogram as unknown as Metric);
}
