// The health endpoints on the router's own port: liveness, readiness while it serves, while it shuts down, and in a
// cluster while NATS is away.
import { jsonSerializer } from '@wamp/protocol/json';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from '../src/index.js';
import { startRouter } from './support/fixture.js';
import { startNatsServer } from './support/nats-server.js';

/** The status and JSON body of `GET path` on the router's port. */
async function get(wsUrl: string, path: string, method = 'GET'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, wsUrl.replace('ws:', 'http:')), { method });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('health endpoints', () => {
  it('answers /healthz with the uptime and /readyz with ready, as JSON, and leaves other paths alone', async () => {
    await using fixture = await startRouter();
    expect(await get(fixture.url, '/healthz')).toEqual({
      status: 200,
      body: { status: 'ok', uptimeSeconds: expect.any(Number) },
    });
    expect(await get(fixture.url, '/readyz?verbose')).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await get(fixture.url, '/readyz', 'HEAD')).toEqual({ status: 200, body: null });
    const other = await fetch(new URL('/other', fixture.url.replace('ws:', 'http:')));
    expect(other.status).toBe(426);
  });

  it('is not ready while it shuts down, and still alive', async () => {
    await using fixture = await startRouter({ limits: { shutdownGraceMs: 5_000, goodbyeGraceMs: 5_000 } });
    // A session that never answers GOODBYE keeps the shutdown going.
    const silent = await fixture.connect(jsonSerializer);
    await silent.join();
    silent.transport.onmessage = () => {};
    const closing = fixture.router.close();
    expect(await get(fixture.url, '/readyz')).toEqual({
      status: 503,
      body: { status: 'not ready', reason: 'shutting down' },
    });
    expect((await get(fixture.url, '/healthz')).status).toBe(200);
    silent.transport.terminate();
    await closing;
  });

  it('in a cluster, is ready once linked to NATS, not while NATS is away, and again once it is back', async () => {
    const nats = await startNatsServer();
    cleanups.push(async () => nats[Symbol.asyncDispose]());
    const port = Number(new URL(nats.url).port);
    const router: Router = createRouter({ cluster: { nats: { servers: nats.url, name: 'health-node' } } });
    cleanups.push(() => router.close());
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    expect(await get(url, '/readyz')).toEqual({ status: 200, body: { status: 'ready' } });

    await nats.stop('SIGTERM');
    await expect
      .poll(async () => (await get(url, '/readyz')).body, { timeout: 10_000 })
      .toEqual({ status: 'not ready', reason: 'lost the connection to NATS: reconnecting' });
    expect((await get(url, '/healthz')).status).toBe(200);

    const again = await startNatsServer({ port, storeDir: nats.storeDir });
    cleanups.push(async () => again[Symbol.asyncDispose]());
    await expect.poll(async () => (await get(url, '/readyz')).status, { timeout: 15_000, interval: 200 }).toBe(200);
  }, 40_000);
});
