import { describe, expect, it } from 'vitest';
import { routerFigures } from './figures.js';
import { parsePrometheusText, Scrape } from './prometheus-text.js';
import { renderScreen, type TopView } from './screen.js';

const procedures = Array.from(
  { length: 30 },
  (_, i) => `wamp_router_call_duration_seconds_bucket{procedure="com.p${i}",le="+Inf"} ${100 - i}
wamp_router_call_duration_seconds_count{procedure="com.p${i}"} ${100 - i}`,
).join('\n');
const text = `wamp_router_sessions{realm="realm1",serializer="wamp.2.json"} 2
wamp_router_messages_received_total{type="CALL"} 7
wamp_router_calls_total{outcome="result"} 7
${procedures}
`;

function view(): TopView {
  return {
    time: '2026-12-04T10:00:00.000Z',
    url: 'ws://127.0.0.1:8080/ws',
    realm: 'realm1',
    metricsUrl: 'http://127.0.0.1:8080/metrics',
    figures: routerFigures(new Scrape(parsePrometheusText(text), 0), null),
    meta: {
      sessions: { total: 2, entries: [{ session: 11, authid: 'ada', authrole: 'user' }] },
      registrations: { total: 1, entries: [{ uri: 'com.p0', invoke: 'single', callees: [11] }] },
    },
    problem: 'the meta API refused: wamp.error.not_authorized',
  };
}

describe('renderScreen', () => {
  it('fits the terminal: no more lines than rows, none wider than columns, and says how many were left out', () => {
    const screen = renderScreen(view(), 60, 24).split('\n');
    expect(screen.length).toBeLessThanOrEqual(24);
    expect(Math.max(...screen.map((line) => line.length))).toBeLessThanOrEqual(60);
    expect(screen[0]).toContain('wamp top  ws://127.0.0.1:8080/ws  realm realm1');
    expect(screen).toContain('! the meta API refused: wamp.error.not_authorized');
    expect(screen.find((line) => line.startsWith('sessions:'))).toContain('realm1 2');
    expect(screen.find((line) => line.startsWith('PROCEDURE'))).toBe('PROCEDURE  CALLS  CALLS/S  P50 MS  P99 MS');
    expect(screen.find((line) => line.startsWith('com.p0 '))).toMatch(/^com\.p0\s+100\s+-/);
    expect(screen.some((line) => /^… \d+ more$/.test(line))).toBe(true);
  });

  it('shows the sessions and registrations beside each other on a wide terminal', () => {
    const screen = renderScreen(view(), 200, 60).split('\n');
    const heading = screen.find((line) => line.includes('SESSION (2)'));
    expect(heading).toContain('REGISTRATION (1)');
    expect(screen.some((line) => /11\s+ada\s+user\s+com\.p0\s+single\s+1$/.test(line))).toBe(true);
    expect(screen).toContain('… 1 more');
  });
});
