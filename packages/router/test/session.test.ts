import { CloseUri, call, ErrorUri, goodbye, hello, MessageCode, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';
import { SERIALIZERS } from './support/serializers.js';

describe.each(SERIALIZERS)('session lifecycle over %s', (_name, serializer) => {
  it('answers HELLO with WELCOME: a global-scope session ID, roles, features and anonymous auth', async () => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    const welcome = await peer.join();
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    const [, sessionId, details] = welcome as [number, number, Record<string, unknown>];
    expect(Number.isInteger(sessionId) && sessionId >= 1 && sessionId <= 2 ** 53).toBe(true);
    expect(details).toMatchObject({
      realm: 'realm1',
      roles: { broker: { features: { publisher_exclusion: true } }, dealer: { features: {} } },
      authrole: 'anonymous',
      authmethod: 'anonymous',
    });
    expect(fixture.router.stats().sessions).toBe(1);
  });

  it('aborts with no_such_realm for an unknown realm', async () => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    peer.send(hello('nope', { roles: { caller: {} } }));
    const abort = await peer.next();
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.NO_SUCH_REALM);
    await peer.closed();
  });

  it('creates realms on demand when configured to', async () => {
    await using fixture = await startRouter({ realms: [], autoCreateRealms: true });
    const peer = await fixture.connect(serializer);
    const welcome = await peer.join('com.example.fresh');
    expect(welcome[2]).toMatchObject({ realm: 'com.example.fresh' });
    expect(fixture.router.realms).toEqual(['com.example.fresh']);
  });

  it.each<[string, unknown[], string]>([
    ['a message before HELLO', [MessageCode.CALL, 1, {}, 'com.example.x'], 'CALL received before HELLO'],
    ['HELLO without roles', [MessageCode.HELLO, 'realm1', {}], 'HELLO.Details.roles must be a dict'],
    ['HELLO with no known role', [MessageCode.HELLO, 'realm1', { roles: { dancer: {} } }], 'at least one of'],
    ['a malformed message', [MessageCode.HELLO, 'realm1'], 'HELLO: message must be 3 elements (got 2)'],
    ['an unknown message code', [99, 1], 'known WAMP message type code'],
  ])('aborts with protocol_violation for %s', async (_what, raw, reason) => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    peer.send(raw);
    const abort = await peer.next();
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.PROTOCOL_VIOLATION);
    expect((abort[1] as { message: string }).message).toContain(reason);
    expect((await peer.closed()).code).toBe(1002);
  });

  it.each<[string, unknown[]]>([
    ['a second HELLO', [MessageCode.HELLO, 'realm1', { roles: { caller: {} } }]],
    ['a router-only message (WELCOME)', [MessageCode.WELCOME, 1, {}]],
    ['a router-only message (EVENT)', [MessageCode.EVENT, 1, 2, {}]],
    ['an ERROR for a CALL', [MessageCode.ERROR, MessageCode.CALL, 1, {}, 'com.example.error']],
  ])('aborts an established session with protocol_violation for %s and removes its state', async (_what, raw) => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    await peer.join();
    peer.send(subscribe(1, {}, 'com.example.topic'));
    expect((await peer.next())[0]).toBe(MessageCode.SUBSCRIBED);
    peer.send(raw);
    const abort = await peer.next();
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.PROTOCOL_VIOLATION);
    await peer.closed();
    expect(fixture.router.stats()).toMatchObject({ sessions: 0, subscriptions: 0 });
  });

  it('replies to a client GOODBYE with goodbye_and_out and accepts a new HELLO on the same connection', async () => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    const first = await peer.join();
    peer.send(goodbye({}, CloseUri.CLOSE_REALM));
    const reply = await peer.next();
    expect(reply).toEqual([MessageCode.GOODBYE, {}, CloseUri.GOODBYE_AND_OUT]);
    expect(fixture.router.stats().sessions).toBe(0);
    const second = await peer.join();
    expect(second[1]).not.toBe(first[1]);
  });

  it('says GOODBYE system_shutdown on close, and closes with 1001 once the client answers', async () => {
    const fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    await peer.join();
    const closing = fixture.router.close();
    const bye = await peer.next();
    expect(bye).toEqual([MessageCode.GOODBYE, {}, CloseUri.SYSTEM_SHUTDOWN]);
    peer.send(goodbye({}, CloseUri.GOODBYE_AND_OUT));
    expect((await peer.closed()).code).toBe(1001);
    await closing;
  });

  it('cuts off a session that never answers the shutdown GOODBYE after the grace period', async () => {
    const fixture = await startRouter({ limits: { shutdownGraceMs: 100 } });
    const peer = await fixture.connect(serializer);
    await peer.join();
    await fixture.router.close();
    expect((await peer.next())[2]).toBe(CloseUri.SYSTEM_SHUTDOWN);
    expect((await peer.closed()).code).toBe(1006);
  });

  it('keeps realms isolated: a procedure in one realm is unknown in another', async () => {
    await using fixture = await startRouter({ realms: ['realm1', 'realm2'] });
    const callee = await fixture.connect(serializer);
    await callee.join('realm1');
    callee.send([MessageCode.REGISTER, 1, {}, 'com.example.proc']);
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    const caller = await fixture.connect(serializer);
    await caller.join('realm2');
    caller.send(call(1, {}, 'com.example.proc'));
    const answer = await caller.next();
    expect(answer[0]).toBe(MessageCode.ERROR);
    expect(answer[4]).toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });
});

describe('in-process sessions', () => {
  it('joins through a memory transport', async () => {
    await using fixture = await startRouter();
    const peer = fixture.local();
    const welcome = await peer.join();
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    expect(fixture.router.stats().sessions).toBe(1);
  });
});
