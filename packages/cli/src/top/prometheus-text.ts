// The Prometheus text exposition format (version 0.0.4), read into samples: what `wamp top` scrapes from the
// router's /metrics.

/** One sample line: `name{label="value",…} 12.5`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' };

/** A sample value as Go's ParseFloat reads it, which Prometheus uses: NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (/^\+?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`not a sample value: "${text}"`);
  return value;
}

/** The `{…}` of a sample line from `start` (just past `{`): its labels, and where the text after `}` begins. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = NAME.exec(line.slice(i))?.[0];
    if (name === undefined) throw new Error(`bad label name at column ${i + 1}`);
    i += name.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=') throw new Error(`expected ="…" after label ${name}`);
    i++;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') throw new Error(`expected ="…" after label ${name}`);
    i++;
    let value = '';
    while (line[i] !== '"') {
      if (i >= line.length) throw new Error(`unterminated value of label ${name}`);
      if (line[i] === '\\') {
        value += ESCAPES[line[i + 1]!] ?? `\\${line[i + 1]}`;
        i += 2;
      } else {
        value += line[i++];
      }
    }
    labels[name] = value;
    i++;
  }
}

/**
 * Every sample of a scrape, in order. Comments (`# HELP`, `# TYPE`) and blank lines are skipped; a timestamp after
 * the value is ignored. A line that is not a sample throws, naming its line number.
 *
 * @example
 * ```ts
 * parsePrometheusText('wamp_router_sessions{realm="realm1",serializer="wamp.2.json"} 3\n');
 * // [{ name: 'wamp_router_sessions', labels: { realm: 'realm1', serializer: 'wamp.2.json' }, value: 3 }]
 * ```
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      const name = NAME.exec(line)?.[0];
      if (name === undefined) throw new Error('no metric name');
      let rest = line.slice(name.length);
      let labels: Record<string, string> = {};
      if (rest.startsWith('{')) {
        const parsed = parseLabels(line, name.length + 1);
        labels = parsed.labels;
        rest = line.slice(parsed.end);
      }
      const [value = ''] = rest.trim().split(/\s+/);
      samples.push({ name, labels, value: parseValue(value) });
    } catch (error) {
      throw new Error(`line ${index + 1} of the metrics is not a Prometheus sample: ${(error as Error).message}`);
    }
  });
  return samples;
}

/**
 * The samples of one scrape, looked up by metric name.
 *
 * @example
 * ```ts
 * const scrape = new Scrape(parsePrometheusText(text), performance.now());
 * scrape.series('wamp_router_messages_received_total'); // [{ labels: { type: 'CALL' }, value: 12 }, …]
 * ```
 */
export class Scrape {
  private readonly byName = new Map<string, Sample[]>();

  constructor(
    samples: readonly Sample[],
    /** When it was taken, in ms (`performance.now()`). */
    readonly at: number,
  ) {
    for (const sample of samples) {
      const list = this.byName.get(sample.name);
      if (list === undefined) this.byName.set(sample.name, [sample]);
      else list.push(sample);
    }
  }

  /** Every sample of `name`. */
  series(name: string): readonly Sample[] {
    return this.byName.get(name) ?? [];
  }

  /** The sum of the samples of `name` whose labels include `labels`; 0 when there are none. */
  sum(name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const sample of this.series(name)) {
      if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) total += sample.value;
    }
    return total;
  }
}
