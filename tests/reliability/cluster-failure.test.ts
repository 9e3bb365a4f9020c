// Failures in a cluster of router nodes on a real nats-server: a node killed with SIGKILL, and NATS itself
// restarting under the nodes. Bounded in time; everything talks to 127.0.0.1 only.
import { Session } from '@wamp/client';
import { createRouter, type Router } from '@wamp/router';
import { afterEach, describe, expect, it } from 'vitest';
import { type NatsServer, startNatsServer } from '../../packages/router/test/support/nats-server.js';
import { startRouterProcess } from '../support/router-process.js';

/** The nodes' failure timeout (the default): a killed node's callees are withdrawn within it plus a heartbeat. */
const FAILURE_TIMEOUT_MS = 3_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function node(nats: NatsServer, name: string): Promise<{ router: Router; url: string }> {
  const router = createRouter({ cluster: { nats: { servers: nats.url, name } } });
  const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => router.close());
  return { router, url };
}

async function session(url: string): Promise<Session> {
  const joined = await Session.connect({ url, realm: 'realm1', reconnect: false });
  cleanups.push(() => joined.close());
  return joined;
}

describe('cluster failures', () => {
  it('withdraws a killed node’s registrations in bounded time, fails the calls in flight to it and publishes its sessions’ testaments', async () => {
    await using nats = await startNatsServer();
    const doomed = await startRouterProcess({ cluster: { nats: { servers: nats.url, name: 'doomed' } } });
    cleanups.push(async () => doomed[Symbol.asyncDispose]());
    const survivor = await node(nats, 'survivor');
    const callee = await Session.connect({ url: doomed.url, realm: 'realm1', reconnect: false });
    let invoked!: () => void;
    const reached = new Promise<void>((resolve) => {
      invoked = resolve;
    });
    await callee.register('com.app.slow', () => {
      invoked();
      return new Promise<never>(() => undefined);
    });
    await callee.call('wamp.session.add_testament', ['com.app.gone', ['callee of doomed'], {}]);
    const watcher = await session(survivor.url);
    const testaments: unknown[] = [];
    await watcher.subscribe('com.app.gone', (args) => testaments.push(args[0]));
    const caller = await session(survivor.url);
    const inFlight = caller.call('com.app.slow');
    inFlight.catch(() => undefined);
    await reached;

    doomed.child.kill('SIGKILL');
    const killedAt = Date.now();
    await expect(inFlight).rejects.toMatchObject({ uri: 'wamp.error.canceled' });
    const failedAfterMs = Date.now() - killedAt;
    expect(failedAfterMs).toBeLessThan(FAILURE_TIMEOUT_MS + 2_000);
    // The registration is gone cluster-wide: the single procedure can be registered anew on the survivor.
    const heir = await session(survivor.url);
    await heir.register('com.app.slow', () => 'heir');
    expect(await caller.call('com.app.slow')).toBe('heir');
    await expect.poll(() => testaments, { timeout: 5_000 }).toEqual(['callee of doomed']);
    console.info(
      `cluster: a killed node's call failed after ${failedAfterMs} ms (failure timeout ${FAILURE_TIMEOUT_MS} ms)`,
    );
  });

  it('cleans up after a lone node that died with nobody to notice, once another node starts', async () => {
    await using nats = await startNatsServer();
    const ghost = await startRouterProcess({ cluster: { nats: { servers: nats.url, name: 'ghost' } } });
    cleanups.push(async () => ghost[Symbol.asyncDispose]());
    const haunting = await Session.connect({ url: ghost.url, realm: 'realm1', reconnect: false });
    await haunting.register('com.app.ghost', () => 'boo');
    await haunting.call('wamp.session.add_testament', ['com.app.gone', ['ghost session'], {}]);
    ghost.child.kill('SIGKILL');
    const heir = await node(nats, 'heir');
    const watcher = await session(heir.url);
    const testaments: unknown[] = [];
    await watcher.subscribe('com.app.gone', (args) => testaments.push(args[0]));
    await expect.poll(() => testaments, { timeout: FAILURE_TIMEOUT_MS + 3_000 }).toEqual(['ghost session']);
    const successor = await session(heir.url);
    await expect
      .poll(
        async () =>
          successor
            .register('com.app.ghost', () => 'heir')
            .then(
              () => 'registered',
              () => 'taken',
            ),
        {
          timeout: 5_000,
        },
      )
      .toBe('registered');
  });

  it('reconnects when NATS restarts, and routes across nodes again with what was registered before', async () => {
    const first = await startNatsServer();
    cleanups.push(async () => first[Symbol.asyncDispose]());
    const port = Number(new URL(first.url).port);
    const a = await node(first, 'node-a');
    const b = await node(first, 'node-b');
    const callee = await session(a.url);
    await callee.register('com.app.echo', (args) => args[0]);
    const subscriber = await session(b.url);
    const events: unknown[] = [];
    await subscriber.subscribe('com.app.news', (args) => events.push(args[0]));
    const caller = await session(b.url);
    expect(await caller.call('com.app.echo', ['before'])).toBe('before');

    await first.stop('SIGTERM');
    // Without NATS a call to an unknown procedure is still answered, and the session stays.
    await expect(caller.call('com.app.unknown')).rejects.toMatchObject({ uri: 'wamp.error.no_such_procedure' });
    const second = await startNatsServer({ port, storeDir: first.storeDir });
    cleanups.push(async () => second[Symbol.asyncDispose]());
    // Calls and events flow again once both nodes are back on NATS.
    await expect
      .poll(() => caller.call('com.app.echo', ['after']).catch((error: { uri?: string }) => error.uri), {
        timeout: 10_000,
        interval: 250,
      })
      .toBe('after');
    const publisher = await session(a.url);
    await expect
      .poll(
        async () => {
          await publisher.publish('com.app.news', ['after'], { acknowledge: true });
          return events.includes('after');
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(true);
    // The nodes still follow the registry: a procedure registered after the restart is callable from the other node.
    const late = await session(a.url);
    await late.register('com.app.late', () => 'registered after the restart');
    expect(await caller.call('com.app.late')).toBe('registered after the restart');
  });
});
