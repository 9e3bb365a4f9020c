// The call metrics in the registry: calls by outcome, failures by error URI, and the latency histogram per
// procedure, read from CallStats at each scrape.
import { Counter, type Registry } from 'prom-client';
import type { CallOutcome, CallStats } from '../core/call-stats.js';
import { registerHistogram } from './histogram-metric.js';

const OUTCOMES: readonly CallOutcome[] = ['result', 'error', 'canceled', 'timeout'];
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
  registerHistogram(
    registry,
    'wamp_router_call_duration_seconds',
    'Time from CALL to the RESULT or ERROR the caller got, at the router, per registered procedure.',
    0.001,
    function* () {
      for (const [slot, histogram] of stats.latency.entries()) {
        yield { labels: { procedure: stats.procedures.names[slot]! }, histogram };
      }
    },
  );
}
