import { describe, expect, it } from 'vitest';
import { parsePrometheusText, Scrape } from './prometheus-text.js';

const TEXT = `# HELP wamp_router_sessions Established client sessions.
# TYPE wamp_router_sessions gauge
wamp_router_sessions{realm="realm1",serializer="wamp.2.json"} 3
wamp_router_sessions{realm="realm1",serializer="wamp.2.cbor"} 1
wamp_router_sessions{realm="a \\"quoted\\" realm\\\\x\\nnext",serializer="wamp.2.json"} 2

wamp_router_connections 4 1700000000000
nodejs_gc_duration_seconds_sum{kind="major"} Nan
process_max_fds +Inf
odd_metric{ a = "1" , } -Inf
`;

describe('parsePrometheusText', () => {
  it('reads samples with labels (escapes included), skips comments and blank lines, ignores timestamps', () => {
    const samples = parsePrometheusText(TEXT);
    expect(samples.slice(0, 4)).toEqual([
      { name: 'wamp_router_sessions', labels: { realm: 'realm1', serializer: 'wamp.2.json' }, value: 3 },
      { name: 'wamp_router_sessions', labels: { realm: 'realm1', serializer: 'wamp.2.cbor' }, value: 1 },
      {
        name: 'wamp_router_sessions',
        labels: { realm: 'a "quoted" realm\\x\nnext', serializer: 'wamp.2.json' },
        value: 2,
      },
      { name: 'wamp_router_connections', labels: {}, value: 4 },
    ]);
  });

  it('reads NaN and the infinities in any case, as Prometheus does (prom-client writes "Nan")', () => {
    const [nan, inf, minusInf] = parsePrometheusText(TEXT).slice(4);
    expect(nan?.value).toBeNaN();
    expect(inf?.value).toBe(Number.POSITIVE_INFINITY);
    expect(minusInf).toEqual({ name: 'odd_metric', labels: { a: '1' }, value: Number.NEGATIVE_INFINITY });
  });

  it.each([
    ['<html>not metrics</html>', 'line 1'],
    ['ok 1\nbad{realm="x} 2', 'line 2 of the metrics is not a Prometheus sample: unterminated value'],
    ['metric one', 'not a sample value: "one"'],
  ])('names the line that is not a sample: %j', (text, message) => {
    expect(() => parsePrometheusText(text)).toThrow(message);
  });
});

describe('Scrape', () => {
  it('sums the series of a metric whose labels include the ones asked for', () => {
    const scrape = new Scrape(parsePrometheusText(TEXT), 0);
    expect(scrape.sum('wamp_router_sessions')).toBe(6);
    expect(scrape.sum('wamp_router_sessions', { realm: 'realm1' })).toBe(4);
    expect(scrape.sum('wamp_router_sessions', { serializer: 'wamp.2.json' })).toBe(5);
    expect(scrape.sum('no_such_metric')).toBe(0);
    expect(scrape.series('wamp_router_connections')).toHaveLength(1);
  });
});
