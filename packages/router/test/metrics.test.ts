// GET /metrics in the Prometheus text format: on the router's port or one of its own, off by default, with the
// figures of what clients did.
import { call, hello, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { PROMOTE_AFTER } from '../src/core/call-stats.js';
import { createRouter } from '../src/index.js';
import { startRouter } from './support/fixture.js';
import { startNatsServer } from './support/nats-server.js';

/** The samples of a scrape: `name{labels}` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

const httpOf = (wsUrl: string) => wsUrl.replace('ws:', 'http:').replace(/\/ws$/, '');

describe('metrics', () => {
  it('are off by default', async () => {
    await using fixture = await startRouter();
    const response = await fetch(`${httpOf(fixture.url)}/metrics`);
    expect(response.status).toBe(426);
  });

  it('count sessions, messages, publications and failed logins on the router port', async () => {
    await using fixture = await startRouter({
      metrics: true,
      auth: { secure: { ticket: { alice: { role: 'user', ticket: 'right' } } } },
      realms: ['realm1', 'secure'],
    });
    const { metricsUrl } = await fixture.router.listen({ host: '127.0.0.1', port: 0 });
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const callee = await fixture.connect(jsonSerializer);
    await callee.join();
    callee.send(register(1, {}, 'com.echo'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    const queue = callee.transport.onmessage!;
    callee.transport.onmessage = (raw, bytes) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.INVOCATION) callee.send(yieldResult(message[1] as number, {}, ['ok']));
      else queue(raw, bytes);
    };
    const caller = await fixture.connect(cborSerializer);
    await caller.join();
    caller.send(subscribe(1, {}, 'com.news'));
    expect((await caller.next())[0]).toBe(MessageCode.SUBSCRIBED);
    for (let request = 2; request <= 4; request++) {
      caller.send(call(request, {}, 'com.echo'));
      expect((await caller.next())[0]).toBe(MessageCode.RESULT);
    }
    callee.send(publish(9, { acknowledge: true }, 'com.news', ['hi']));
    expect((await callee.next())[0]).toBe(MessageCode.PUBLISHED);
    expect((await caller.next())[0]).toBe(MessageCode.EVENT);
    const intruder = await fixture.connect(jsonSerializer);
    intruder.send(hello('secure', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'alice' }));
    expect((await intruder.next())[0]).toBe(MessageCode.CHALLENGE);
    intruder.send([MessageCode.AUTHENTICATE, 'wrong', {}]);
    expect((await intruder.next(5_000))[0]).toBe(MessageCode.ABORT);

    const samples = await scrape(metricsUrl!);
    expect(samples.get('wamp_router_sessions{realm="realm1",serializer="wamp.2.json"}')).toBe(1);
    expect(samples.get('wamp_router_sessions{realm="realm1",serializer="wamp.2.cbor"}')).toBe(1);
    expect(samples.get('wamp_router_session_joins_total')).toBe(2);
    expect(samples.get('wamp_router_messages_received_total{type="CALL"}')).toBe(3);
    expect(samples.get('wamp_router_messages_received_total{type="YIELD"}')).toBe(3);
    expect(samples.get('wamp_router_messages_sent_total{type="INVOCATION"}')).toBe(3);
    expect(samples.get('wamp_router_messages_sent_total{type="RESULT"}')).toBe(3);
    expect(samples.get('wamp_router_messages_sent_total{type="EVENT"}')).toBe(1);
    expect(samples.get('wamp_router_events_published_total')).toBe(1);
    expect(samples.get('wamp_router_auth_failures_total{method="ticket"}')).toBe(1);
    expect(samples.get('wamp_router_pending_calls')).toBe(0);
    expect(samples.get('wamp_router_received_bytes_total')).toBeGreaterThan(0);
    expect(samples.get('wamp_router_events_delivered_total')).toBe(1);
    expect(samples.has('process_cpu_user_seconds_total')).toBe(true);
    expect(samples.get('wamp_router_calls_total{outcome="result"}')).toBe(3);
    // The one publication went to one subscriber (the publisher is excluded).
    expect(samples.get('wamp_router_publication_receivers_count')).toBe(1);
    expect(samples.get('wamp_router_publication_receivers_bucket{le="0"}')).toBe(0);
    expect(samples.get('wamp_router_publication_receivers_bucket{le="1"}')).toBe(1);
    expect(samples.get('wamp_router_publication_receivers_sum')).toBe(1);
    // Three calls are too few for a series of its own: they count under `other`.
    expect(samples.get('wamp_router_call_duration_seconds_count{procedure="other"}')).toBe(3);
    expect(samples.get('wamp_router_call_duration_seconds_bucket{procedure="other",le="+Inf"}')).toBe(3);

    // Bytes on the wire: a 100 kB result goes out, a 50 kB argument comes in, and both stay counted after the
    // connection closed.
    const before = await scrape(metricsUrl!);
    callee.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.INVOCATION)
        callee.send(yieldResult(message[1] as number, {}, ['r'.repeat(100_000)]));
    };
    caller.send(call(5, {}, 'com.echo', ['a'.repeat(50_000)]));
    expect((await caller.next())[0]).toBe(MessageCode.RESULT);
    caller.transport.terminate();
    await expect
      .poll(async () => (await scrape(metricsUrl!)).get('wamp_router_session_leaves_total'), { timeout: 3_000 })
      .toBe(1);
    const after = await scrape(metricsUrl!);
    const grew = (name: string) => after.get(name)! - before.get(name)!;
    // The 50 kB went in (from the caller) and out (to the callee); the 100 kB came in and went out.
    expect(grew('wamp_router_sent_bytes_total')).toBeGreaterThanOrEqual(150_000);
    expect(grew('wamp_router_sent_bytes_total')).toBeLessThan(152_000);
    expect(grew('wamp_router_received_bytes_total')).toBeGreaterThanOrEqual(150_000);
    expect(grew('wamp_router_received_bytes_total')).toBeLessThan(152_000);
  });

  it('give the allow-listed procedures series of their own from the first call, and only them with topProcedures 0', async () => {
    await using fixture = await startRouter({ metrics: { procedures: ['com.rare'], topProcedures: 0 } });
    const callee = fixture.local();
    await callee.join();
    callee.send(register(1, {}, 'com.rare'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    callee.send(register(2, {}, 'com.busy'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    callee.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.INVOCATION) callee.send(yieldResult(message[1] as number, {}, []));
    };
    const caller = fixture.local();
    await caller.join();
    caller.send(call(1, {}, 'com.rare'));
    expect((await caller.next())[0]).toBe(MessageCode.RESULT);
    for (let request = 2; request < 2 + 2 * PROMOTE_AFTER; request++) {
      caller.send(call(request, {}, 'com.busy'));
      expect((await caller.next())[0]).toBe(MessageCode.RESULT);
    }
    const samples = await scrape(`${httpOf(fixture.url)}/metrics`);
    expect(samples.get('wamp_router_call_duration_seconds_count{procedure="com.rare"}')).toBe(1);
    expect(samples.get('wamp_router_call_duration_seconds_count{procedure="other"}')).toBe(2 * PROMOTE_AFTER);
    expect([...samples.keys()].some((key) => key.includes('com.busy'))).toBe(false);
  });

  it('give busy procedures series of their own and keep the series bounded under 100,000 distinct URIs', async () => {
    await using fixture = await startRouter({ metrics: true });
    const { metricsUrl } = await fixture.router.listen({ host: '127.0.0.1', port: 0 });
    const callee = fixture.local();
    await callee.join();
    callee.send(register(1, {}, 'com.busy'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    callee.send(register(2, { match: 'prefix' }, 'com.flood.'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    // Every flood call fails with a URI of its own; com.busy answers.
    callee.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] !== MessageCode.INVOCATION) return;
      const procedure = (message[3] as { procedure?: string }).procedure;
      if (procedure === undefined) callee.send(yieldResult(message[1] as number, {}, []));
      else callee.send([MessageCode.ERROR, MessageCode.INVOCATION, message[1], {}, `${procedure}.failed`]);
    };
    const caller = fixture.local();
    await caller.join();
    // In batches, under the limit of calls one caller may have in flight.
    let answers = 0;
    let batchDone: () => void = () => {};
    caller.transport.onmessage = () => {
      if (--answers === 0) batchDone();
    };
    const batch = (uris: string[], first: number) =>
      new Promise<void>((resolve) => {
        answers = uris.length;
        batchDone = resolve;
        uris.forEach((uri, i) => {
          caller.send(call(first + i, {}, uri));
        });
      });
    await batch(Array<string>(150).fill('com.busy'), 1);
    const flood = 100_000;
    for (let start = 0; start < flood; start += 1_000) {
      await batch(
        Array.from({ length: 1_000 }, (_, i) => `com.flood.${start + i}`),
        1_000 + start,
      );
    }
    const samples = await scrape(metricsUrl!);
    // The 100th call of a procedure gives it its own series; the 99 before it count under `other`.
    expect(samples.get('wamp_router_call_duration_seconds_count{procedure="com.busy"}')).toBe(150 - PROMOTE_AFTER + 1);
    expect(samples.get('wamp_router_calls_total{outcome="error"}')).toBe(flood);
    // One series per registration, whatever URI was called; each error URI was seen once, so all are `other`.
    expect(samples.get('wamp_router_call_duration_seconds_count{procedure="com.flood."}')).toBe(
      flood - PROMOTE_AFTER + 1,
    );
    expect(samples.get('wamp_router_call_duration_seconds_count{procedure="other"}')).toBe(2 * (PROMOTE_AFTER - 1));
    expect(samples.get('wamp_router_call_errors_total{error="other"}')).toBe(flood);
    const series = [...samples.keys()].filter((key) => key.startsWith('wamp_router_call'));
    expect(series.length).toBeLessThan(60);
  });

  it('can have a port of their own, with the health endpoints beside them', async () => {
    const router = createRouter({ metrics: { port: 0, host: '127.0.0.1' } });
    try {
      const { url, metricsUrl } = await router.listen({ host: '127.0.0.1', port: 0 });
      expect(new URL(metricsUrl!).port).not.toBe(new URL(url).port);
      expect((await scrape(metricsUrl!)).get('wamp_router_connections')).toBe(0);
      expect((await fetch(metricsUrl!.replace('/metrics', '/readyz'))).status).toBe(200);
      expect((await fetch(metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
      // Not on the router's own port then.
      expect((await fetch(`${httpOf(url)}/metrics`)).status).toBe(426);
    } finally {
      await router.close();
    }
  });
});

describe('metrics in a cluster', () => {
  it('show the link to NATS and count the calls and publications that crossed to another node', async () => {
    await using nats = await startNatsServer();
    const node = (name: string) =>
      startRouter({ metrics: true, realms: ['realm1'], cluster: { nats: { servers: nats.url, name } } });
    await using a = await node('metrics-a');
    await using b = await node('metrics-b');
    const callee = await a.connect(jsonSerializer);
    await callee.join();
    callee.send(register(1, {}, 'com.far'));
    expect((await callee.next(5_000))[0]).toBe(MessageCode.REGISTERED);
    callee.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.INVOCATION) callee.send(yieldResult(message[1] as number, {}, ['near']));
    };
    const subscriber = await a.connect(jsonSerializer);
    await subscriber.join();
    subscriber.send(subscribe(1, {}, 'com.far.news'));
    expect((await subscriber.next(5_000))[0]).toBe(MessageCode.SUBSCRIBED);
    const caller = await b.connect(jsonSerializer);
    await caller.join();
    caller.send(call(1, {}, 'com.far'));
    expect(await caller.next(5_000)).toEqual([MessageCode.RESULT, 1, {}, ['near']]);
    // Meta events cross too (B tells the cluster of its sessions): the publication is counted by difference.
    const before = [await scrape(`${httpOf(a.url)}/metrics`), await scrape(`${httpOf(b.url)}/metrics`)];
    // A's SUBSCRIBED came once NATS confirmed A's interest: B's publication reaches it.
    caller.send(publish(2, { acknowledge: true }, 'com.far.news', ['hi']));
    expect((await caller.next(5_000))[0]).toBe(MessageCode.PUBLISHED);
    expect((await subscriber.next(5_000))[0]).toBe(MessageCode.EVENT);

    const onA = await scrape(`${httpOf(a.url)}/metrics`);
    const onB = await scrape(`${httpOf(b.url)}/metrics`);
    const grew = (node: 0 | 1, name: string) => [onA, onB][node]!.get(name)! - (before[node]!.get(name) ?? 0);
    for (const samples of [onA, onB]) expect(samples.get('wamp_router_cluster_linked')).toBe(1);
    // The call went from B to A, its result from A to B.
    expect(onB.get('wamp_router_cluster_messages_total{kind="call",direction="out"}')).toBe(1);
    expect(onA.get('wamp_router_cluster_messages_total{kind="call",direction="in"}')).toBe(1);
    expect(onA.get('wamp_router_cluster_messages_total{kind="call",direction="out"}')).toBe(1);
    expect(onB.get('wamp_router_cluster_messages_total{kind="call",direction="in"}')).toBe(1);
    expect(grew(1, 'wamp_router_cluster_messages_total{kind="publication",direction="out"}')).toBe(1);
    expect(grew(0, 'wamp_router_cluster_messages_total{kind="publication",direction="in"}')).toBe(1);
    expect(grew(0, 'wamp_router_events_delivered_total')).toBe(1);
  }, 30_000);
});
