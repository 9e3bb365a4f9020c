// Session over RawSocket in Node: rs:// and rs+unix:// URLs, the whole API over them, and a reconnect after the
// router comes back on the same port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonSerializer } from '@wamp/protocol/json';
import { createRouter } from '@wamp/router';
import { afterAll, describe, expect, it } from 'vitest';
import { cbor as cborSerializer } from '../src/cbor.js';
import { ConnectionError, Session, type SessionState, WampError } from '../src/index.js';
import { msgpack as msgpackSerializer } from '../src/msgpack.js';
import { waitFor } from './fixture.js';

const scratch = mkdtempSync(join(tmpdir(), 'wamp-client-rs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Session over RawSocket', () => {
  it.each([
    ['rs:// with JSON', 'tcp', jsonSerializer],
    ['rs:// with CBOR', 'tcp', cborSerializer],
    ['rs+unix:// with MessagePack', 'unix', msgpackSerializer],
  ] as const)(
    '%s: calls, registers, publishes, subscribes and gets errors with their URI',
    async (_what, where, serializer) => {
      const router = createRouter({ limits: { shutdownGraceMs: 200 } });
      const unix = join(scratch, `${serializer.subprotocol}.sock`);
      const { rawsocketUrls } = await router.listen({ port: 0, rawsocket: { port: 0, unix } });
      const url = where === 'tcp' ? rawsocketUrls![0]! : rawsocketUrls![1]!;
      expect(url).toMatch(where === 'tcp' ? /^rs:\/\// : /^rs\+unix:\/\//);
      const options = { url, realm: 'realm1', serializers: [serializer], reconnect: false } as const;
      const callee = await Session.connect(options);
      const caller = await Session.connect(options);
      try {
        await callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
        await callee.register('com.example.fail', () => {
          throw new WampError('com.example.error.nope', ['no'], { kwargs: { why: 'testing' } });
        });
        expect(await caller.call('com.example.add', [2, 3])).toBe(5);
        const failed = await caller.call('com.example.fail').catch((error: unknown) => error);
        expect(failed).toMatchObject({ uri: 'com.example.error.nope', args: ['no'], kwargs: { why: 'testing' } });
        const events: unknown[] = [];
        await callee.subscribe('com.example.news', (args) => events.push(args[0]));
        await caller.publish('com.example.news', ['hello'], { acknowledge: true });
        await expect.poll(() => events).toEqual(['hello']);
        const big = 'x'.repeat(1 << 20);
        await callee.register('com.example.echo', (args) => args[0]);
        expect(await caller.call('com.example.echo', [big])).toBe(big);
      } finally {
        await caller.close();
        await callee.close();
        await router.close();
      }
    },
  );

  it('reconnects over RawSocket when the router comes back on the same port', async () => {
    const first = createRouter({ limits: { shutdownGraceMs: 200 } });
    const listening = await first.listen({ port: 0, rawsocket: { port: 0 } });
    const url = listening.rawsocketUrls![0]!;
    const session = await Session.connect({ url, realm: 'realm1', reconnect: { retryDelay: () => 10 } });
    try {
      await session.register('com.example.ping', () => 'pong');
      const outage = waitFor<SessionState>(
        (listener) => session.on('state', listener),
        (state) => state === 'connecting',
      );
      await first.close();
      await outage;
      const second = createRouter({ limits: { shutdownGraceMs: 200 } });
      await second.listen({ port: 0, rawsocket: { port: Number(new URL(url).port) } });
      try {
        await waitFor<SessionState>(
          (listener) => session.on('state', listener),
          (state) => state === 'open',
        );
        const other = await Session.connect({ url, realm: 'realm1', reconnect: false });
        expect(await other.call('com.example.ping')).toBe('pong');
        await other.close();
      } finally {
        await session.close();
        await second.close();
      }
    } finally {
      await session.close();
    }
  });

  it('rejects with a ConnectionError saying why when nothing listens', async () => {
    const failed = await Session.connect({ url: 'rs://127.0.0.1:1', realm: 'realm1', reconnect: false }).catch(
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(ConnectionError);
    expect((failed as Error).message).toMatch(/cannot connect to rs:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
  });
});
