import { describe, expect, it } from 'vitest';
import { quantile, routerFigures } from './figures.js';
import { parsePrometheusText, Scrape } from './prometheus-text.js';

const INF = Number.POSITIVE_INFINITY;

describe('quantile', () => {
  it('interpolates within the bucket the rank falls in, as histogram_quantile does', () => {
    // 10 observations: 4 up to 1 ms, 4 more up to 2 ms, 2 more up to 4 ms.
    const buckets = new Map([
      [0.001, 4],
      [0.002, 8],
      [0.004, 10],
      [INF, 10],
    ]);
    expect(quantile(buckets, 0.5)).toBeCloseTo(0.00125);
    expect(quantile(buckets, 0.2)).toBeCloseTo(0.0005);
    expect(quantile(buckets, 0.99)).toBeCloseTo(0.0039);
  });

  it('answers the highest finite bound for a rank in +Inf, and null without observations', () => {
    expect(
      quantile(
        new Map([
          [0.01, 1],
          [INF, 10],
        ]),
        0.99,
      ),
    ).toBe(0.01);
    expect(
      quantile(
        new Map([
          [0.01, 0],
          [INF, 0],
        ]),
        0.5,
      ),
    ).toBeNull();
    expect(quantile(new Map(), 0.5)).toBeNull();
  });
});

function scrape(at: number, calls: number, fast: number, received: number): Scrape {
  const text = `wamp_router_sessions{realm="realm1",serializer="wamp.2.json"} 2
wamp_router_sessions{realm="realm1",serializer="wamp.2.cbor"} 1
wamp_router_sessions{realm="admin",serializer="wamp.2.json"} 1
wamp_router_messages_received_total{type="CALL"} ${received}
wamp_router_events_published_total 10
wamp_router_calls_total{outcome="result"} ${calls}
wamp_router_call_duration_seconds_bucket{procedure="com.add",le="0.001"} ${fast}
wamp_router_call_duration_seconds_bucket{procedure="com.add",le="0.01"} ${calls}
wamp_router_call_duration_seconds_bucket{procedure="com.add",le="+Inf"} ${calls}
wamp_router_call_duration_seconds_sum{procedure="com.add"} 0.1
wamp_router_call_duration_seconds_count{procedure="com.add"} ${calls}
`;
  return new Scrape(parsePrometheusText(text), at);
}

describe('routerFigures', () => {
  it('gives totals on the first scrape, rates null, and quantiles over every call since the start', () => {
    const figures = routerFigures(scrape(0, 100, 100, 100), null);
    expect(figures.interval_s).toBeNull();
    expect(figures.sessions).toEqual({ realm1: 3, admin: 1 });
    expect(figures.messages.received.CALL).toEqual({ total: 100, rate: null });
    expect(figures.calls).toEqual([{ procedure: 'com.add', total: 100, rate: null, p50_ms: 0.5, p99_ms: 0.99 }]);
    expect(figures.events.published).toEqual({ total: 10, rate: null });
  });

  it('gives rates as the difference over the time between scrapes, and quantiles over that interval only', () => {
    // 2 s later: 40 more calls, all of them slower than 1 ms.
    const figures = routerFigures(scrape(2_000, 140, 100, 140), scrape(0, 100, 100, 100));
    expect(figures.interval_s).toBe(2);
    expect(figures.messages.received.CALL).toEqual({ total: 140, rate: 20 });
    expect(figures.call_outcomes.result).toEqual({ total: 140, rate: 20 });
    expect(figures.events.published.rate).toBe(0);
    const [add] = figures.calls;
    expect(add).toMatchObject({ procedure: 'com.add', total: 140, rate: 20 });
    expect(add!.p50_ms).toBeCloseTo(5.5);
  });

  it('counts from zero again after the router restarted (a total that fell)', () => {
    const figures = routerFigures(scrape(1_000, 10, 10, 10), scrape(0, 100, 100, 100));
    expect(figures.messages.received.CALL).toEqual({ total: 10, rate: 10 });
    expect(figures.calls[0]).toMatchObject({ total: 10, rate: 10, p50_ms: 0.5 });
  });
});
