import { jsonSerializer } from '@wamp/protocol/json';
import { createRouter } from '@wamp/router';
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, Session, type SessionState } from '../src/index.js';
import { waitFor } from './fixture.js';

describe('reconnect', () => {
  it('comes back after a router restart on the same port and restores registrations and subscriptions', async () => {
    const first = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url, port } = await first.listen({ host: '127.0.0.1', port: 0 });
    const session = await Session.connect({
      url,
      realm: 'realm1',
      serializers: [jsonSerializer],
      reconnect: { retryDelay: () => 20 },
    });
    const states: SessionState[] = [];
    session.on('state', (state) => states.push(state));
    await session.register('com.example.ping', () => 'pong');
    const events: unknown[] = [];
    await session.subscribe('com.example.news', (args) => events.push(args[0]));

    const closed = waitFor<SessionState>(
      (listener) => session.on('state', listener),
      (state) => state === 'connecting',
    );
    await first.close();
    await closed;
    // During the outage calls fail at once with a clear error instead of hanging.
    await expect(session.call('com.example.ping')).rejects.toBeInstanceOf(ConnectionClosedError);

    const second = createRouter();
    await second.listen({ host: '127.0.0.1', port });
    try {
      await waitFor<SessionState>(
        (listener) => session.on('state', listener),
        (state) => state === 'open',
      );
      await expect.poll(() => second.stats().registrations).toBe(1);
      await expect.poll(() => second.stats().subscriptions).toBe(1);
      expect(states).toEqual(['connecting', 'open']);

      const other = await Session.connect({ url, realm: 'realm1', reconnect: false });
      expect(await other.call('com.example.ping')).toBe('pong');
      await other.publish('com.example.news', ['back'], { acknowledge: true });
      await expect.poll(() => events).toEqual(['back']);
      await other.close();
    } finally {
      await session.close();
      await second.close();
    }
    expect(session.state).toBe('closed');
  });

  it('does not reconnect when turned off, and reports the close', async () => {
    const router = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    const session = await Session.connect({ url, realm: 'realm1', reconnect: false });
    const closeInfo = waitFor<{ code: number; willReconnect: boolean }>(
      (listener) => session.on('close', listener),
      () => true,
    );
    await router.close();
    expect(await closeInfo).toMatchObject({ code: 1001, willReconnect: false });
    expect(session.state).toBe('closed');
  });
});
