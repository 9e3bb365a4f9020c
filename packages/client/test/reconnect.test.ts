import { jsonSerializer } from '@wamp/protocol/json';
import { createRouter } from '@wamp/router';
import type { Transport } from '@wamp/transport';
import { describe, expect, it } from 'vitest';
import { type CloseInfo, ConnectionClosedError, Session, type SessionState, type WampEvent } from '../src/index.js';
import { waitFor } from './fixture.js';

const quickRetry = { retryDelay: () => 10 };

describe('reconnect', () => {
  it('comes back after a router restart on the same port, with registrations and subscriptions restored', async () => {
    const first = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url, port } = await first.listen({ host: '127.0.0.1', port: 0 });
    await using session = disposable(
      await Session.connect({ url, realm: 'realm1', serializers: [jsonSerializer], reconnect: quickRetry }),
    );
    const states: SessionState[] = [];
    session.on('state', (state) => states.push(state));
    const closes: CloseInfo[] = [];
    session.on('close', (info) => closes.push(info));
    await session.register('com.example.ping', () => 'pong');
    const events: unknown[] = [];
    await session.subscribe('com.example.news', (args) => events.push(args[0]));
    const stream = session.subscribe('com.example.stream');
    await stream.ready;

    const outage = waitFor<SessionState>(
      (listener) => session.on('state', listener),
      (state) => state === 'connecting',
    );
    await first.close();
    await outage;
    // During the outage calls fail at once with a clear error instead of hanging.
    const refused = await session.call('com.example.ping').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectionClosedError);
    expect((refused as Error).message).toMatch(/reconnecting/);
    await expect(session.publish('com.example.news', ['lost'])).rejects.toBeInstanceOf(ConnectionClosedError);

    const second = createRouter({ limits: { shutdownGraceMs: 200 } });
    await second.listen({ host: '127.0.0.1', port });
    try {
      await waitFor<SessionState>(
        (listener) => session.on('state', listener),
        (state) => state === 'open',
      );
      // 'open' comes once everything is restored.
      expect(second.stats()).toMatchObject({ registrations: 1, subscriptions: 2 });
      expect(states).toEqual(['closing', 'closed', 'connecting', 'open']);
      expect(closes).toEqual([
        expect.objectContaining({ code: 1001, wampReason: 'wamp.close.system_shutdown', willReconnect: true }),
      ]);

      await using other = disposable(await Session.connect({ url, realm: 'realm1', reconnect: false }));
      expect(await other.call('com.example.ping')).toBe('pong');
      await other.publish('com.example.news', ['back'], { acknowledge: true });
      await other.publish('com.example.stream', ['still here'], { acknowledge: true });
      await expect.poll(() => events).toEqual(['back']);
      const { value } = await stream.next();
      expect((value as WampEvent).args).toEqual(['still here']);
    } finally {
      await session.close();
      await second.close();
    }
    expect(session.state).toBe('closed');
    expect(closes.at(-1)).toMatchObject({ willReconnect: false });
  });

  it('reconnects after an abnormal drop (1006) through a transport factory', async () => {
    const router = createRouter({ limits: { shutdownGraceMs: 200 } });
    let current: Transport | undefined;
    let opened = 0;
    await using session = disposable(
      await Session.connect({
        realm: 'realm1',
        reconnect: quickRetry,
        transport: () => {
          opened++;
          current = router.createLocalTransport();
          return current;
        },
      }),
    );
    try {
      await session.register('com.example.ping', () => 'pong');
      const firstId = session.id;
      const closed = waitFor<CloseInfo>(
        (listener) => session.on('close', listener),
        () => true,
      );
      const reopened = waitFor<SessionState>(
        (listener) => session.on('state', listener),
        (state) => state === 'open',
      );
      current!.terminate();
      expect(await closed).toMatchObject({ code: 1006, wasClean: false, willReconnect: true });
      await reopened;
      expect(opened).toBe(2);
      expect(session.id).not.toBe(firstId);
      expect(router.stats().registrations).toBe(1);
    } finally {
      await session.close();
      await router.close();
    }
  });

  it('stops reconnecting at once when closed during the outage', async () => {
    const router = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    const session = await Session.connect({ url, realm: 'realm1', reconnect: { retryDelay: () => 60_000 } });
    const reconnecting = waitFor<SessionState>(
      (listener) => session.on('state', listener),
      (state) => state === 'connecting',
    );
    await router.close();
    await reconnecting;
    const closes: CloseInfo[] = [];
    session.on('close', (info) => closes.push(info));
    const started = performance.now();
    await session.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(session.state).toBe('closed');
    expect(closes).toEqual([expect.objectContaining({ willReconnect: false })]);
  });

  it('gives up after maxAttempts and reports the final close', async () => {
    const router = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    const session = await Session.connect({ url, realm: 'realm1', reconnect: { retryDelay: () => 1, maxAttempts: 3 } });
    const final = waitFor<CloseInfo>(
      (listener) => session.on('close', listener),
      (info) => !info.willReconnect,
    );
    await router.close();
    const info = await final;
    expect(info.reason).toMatch(/gave up reconnecting after 3 attempts/);
    expect(session.state).toBe('closed');
  });

  it('gives up when retryDelay throws, instead of spinning', async () => {
    const router = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    const session = await Session.connect({
      url,
      realm: 'realm1',
      reconnect: {
        retryDelay: () => {
          throw new Error('no more');
        },
      },
    });
    const final = waitFor<CloseInfo>(
      (listener) => session.on('close', listener),
      (info) => !info.willReconnect,
    );
    await router.close();
    expect((await final).reason).toMatch(/gave up reconnecting after 1 attempts: no more/);
  });

  it('reports a registration the new router refuses, and still opens', async () => {
    const first = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url, port } = await first.listen({ host: '127.0.0.1', port: 0 });
    await using session = disposable(await Session.connect({ url, realm: 'realm1', reconnect: quickRetry }));
    await session.register('com.example.only', () => 'original');
    const errors: unknown[] = [];
    session.on('error', (error) => errors.push(error));
    const outage = waitFor<SessionState>(
      (listener) => session.on('state', listener),
      (state) => state === 'connecting',
    );
    await first.close();
    await outage;

    const second = createRouter({ limits: { shutdownGraceMs: 200 } });
    await second.listen({ host: '127.0.0.1', port });
    try {
      const rival = await Session.connect({ url, realm: 'realm1', reconnect: false });
      await rival.register('com.example.only', () => 'rival');
      await waitFor<SessionState>(
        (listener) => session.on('state', listener),
        (state) => state === 'open',
      );
      expect(errors).toEqual([expect.objectContaining({ uri: 'wamp.error.procedure_already_exists' })]);
      await rival.close();
    } finally {
      await session.close();
      await second.close();
    }
  });

  it('does not reconnect when turned off, and reports the close', async () => {
    const router = createRouter({ limits: { shutdownGraceMs: 200 } });
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    const session = await Session.connect({ url, realm: 'realm1', reconnect: false });
    const closeInfo = waitFor<CloseInfo>(
      (listener) => session.on('close', listener),
      () => true,
    );
    await router.close();
    expect(await closeInfo).toMatchObject({
      code: 1001,
      wampReason: 'wamp.close.system_shutdown',
      willReconnect: false,
    });
    expect(session.state).toBe('closed');
  });
});

/** Closes the session when the test leaves its scope, whatever happened. */
function disposable<T extends { close(): Promise<void> }>(session: T): T & AsyncDisposable {
  return Object.assign(session, { [Symbol.asyncDispose]: () => session.close() });
}
