// A histogram whose buckets the router keeps itself (core/histogram.ts), handed to the prom-client registry as a
// metric object: prom-client's own histogram hashes its labels on every observation.
import type { Metric, Registry } from 'prom-client';
import type { Histogram } from '../core/histogram.js';

interface Sample {
  value: number;
  labels: Record<string, string>;
  metricName: string;
}

/** One series of a {@link registerHistogram}: its labels and the histogram it reads. */
export interface HistogramSeries {
  labels: Record<string, string>;
  histogram: Histogram;
}

/**
 * Registers histogram `name` on `registry`, read from `series()` at each scrape. `scale` turns the observed unit
 * into the exported one (0.001 for ms observed, seconds exported, as Prometheus names want).
 *
 * @example
 * ```ts
 * registerHistogram(registry, 'wamp_router_publication_receivers', 'Sessions per publication.', 1, () => [
 *   { labels: {}, histogram: counters.fanoutSizes! },
 * ]);
 * ```
 */
export function registerHistogram(
  registry: Registry,
  name: string,
  help: string,
  scale: number,
  series: () => Iterable<HistogramSeries>,
): void {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: Sample[] = [];
      for (const { labels, histogram } of series()) {
        let cumulative = 0;
        histogram.counts.forEach((count, bucket) => {
          cumulative += count;
          const le = bucket < histogram.bounds.length ? String(histogram.bounds[bucket]! * scale) : '+Inf';
          values.push({ value: cumulative, labels: { ...labels, le }, metricName: `${name}_bucket` });
        });
        values.push({ value: histogram.sum * scale, labels, metricName: `${name}_sum` });
        values.push({ value: cumulative, labels, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
  // The registry reads any object with a name, a type and `get()`; its type lists only prom-client's classes.
  registry.registerMetric(metric as unknown as Metric);
}
