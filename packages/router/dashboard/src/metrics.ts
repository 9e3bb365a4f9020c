// The router's metrics as the page reads them: the Prometheus text of /dashboard/metrics parsed into samples, the
// message rates between two scrapes, and each procedure's call count and latency from its histogram.

/** One sample: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the labels of one sample (`a="x",b="y\"z"`) from `text` at `at` (after `{`); returns them and the end. */
function parseLabels(text: string, at: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = at;
  while (i < text.length && text[i] !== '}') {
    const eq = text.indexOf('=', i);
    const key = text.slice(i, eq).replace(/^,/, '').trim();
    let value = '';
    let j = eq + 2; // past ="
    while (j < text.length && text[j] !== '"') {
      if (text[j] === '\\') {
        const next = text[j + 1];
        value += next === 'n' ? '\n' : (next ?? '');
        j += 2;
      } else {
        value += text[j];
        j++;
      }
    }
    labels[key] = value;
    i = j + 1;
  }
  return [labels, i + 1];
}

/** The samples of a Prometheus text exposition; comments and malformed lines are skipped. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    if (space === -1) continue;
    let name: string;
    let labels: Record<string, string> = {};
    if (brace !== -1 && brace < space) {
      name = line.slice(0, brace);
      [labels] = parseLabels(line, brace + 1);
    } else {
      name = line.slice(0, space);
    }
    const value = Number(line.slice(space + 1));
    if (!Number.isNaN(value)) samples.push({ name, labels, value });
  }
  return samples;
}

function sum(samples: readonly Sample[], name: string): number {
  let total = 0;
  for (const sample of samples) if (sample.name === name) total += sample.value;
  return total;
}

/** Totals since the router started, as the page shows and charts them. */
export interface Totals {
  received: number;
  sent: number;
  dropped: number;
  slowDisconnected: number;
}

/** The totals of a scrape. */
export function totalsOf(samples: readonly Sample[]): Totals {
  return {
    received: sum(samples, 'wamp_router_messages_received_total'),
    sent: sum(samples, 'wamp_router_messages_sent_total'),
    dropped: sum(samples, 'wamp_router_events_dropped_total'),
    slowDisconnected: sum(samples, 'wamp_router_slow_consumers_disconnected_total'),
  };
}

/** Calls of one procedure and their latency at the router. */
export interface Latency {
  calls: number;
  meanMs: number;
  /** The upper bound of the bucket the 95th percentile falls in (ms); Infinity past the last one. */
  p95Ms: number;
}

const LATENCY = 'wamp_router_call_duration_seconds';

/** Each procedure's calls and latency, from `wamp_router_call_duration_seconds{procedure}`. */
export function latencyOf(samples: readonly Sample[]): Map<string, Latency> {
  const buckets = new Map<string, { le: number; count: number }[]>();
  const counts = new Map<string, number>();
  const sums = new Map<string, number>();
  for (const { name, labels, value } of samples) {
    const procedure = labels.procedure;
    if (procedure === undefined) continue;
    if (name === `${LATENCY}_bucket`) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      const list = buckets.get(procedure) ?? [];
      list.push({ le, count: value });
      buckets.set(procedure, list);
    } else if (name === `${LATENCY}_count`) counts.set(procedure, value);
    else if (name === `${LATENCY}_sum`) sums.set(procedure, value);
  }
  const latency = new Map<string, Latency>();
  for (const [procedure, calls] of counts) {
    const list = (buckets.get(procedure) ?? []).sort((a, b) => a.le - b.le);
    const p95 = list.find((bucket) => bucket.count >= calls * 0.95)?.le ?? Number.POSITIVE_INFINITY;
    latency.set(procedure, {
      calls,
      meanMs: calls === 0 ? 0 : ((sums.get(procedure) ?? 0) / calls) * 1000,
      p95Ms: p95 * 1000,
    });
  }
  return latency;
}
