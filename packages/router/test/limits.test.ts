// Every configurable limit refuses with a clear answer, and the session (or router) goes on working.
import { call, ErrorUri, hello, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

async function joined(peer: RawPeer, realm: string): Promise<RawPeer> {
  await peer.join(realm);
  return peer;
}

/** `callee` registers `com.echo`, and `caller` calls it and gets its answer: both sessions work. */
async function expectRoundTrip(callee: RawPeer, caller: RawPeer): Promise<void> {
  await registerProcedure(callee, 'com.echo', 90);
  caller.send(call(91, {}, 'com.echo', [7]));
  const invocation = await callee.next();
  callee.send(yieldResult(invocation[1] as number, {}, invocation[4] as unknown[]));
  expect(await caller.next()).toEqual([MessageCode.RESULT, 91, {}, [7]]);
}

async function registerProcedure(peer: RawPeer, procedure: string, request: number): Promise<void> {
  peer.send(register(request, {}, procedure));
  expect((await peer.next())[0]).toBe(MessageCode.REGISTERED);
}

describe('limits', () => {
  it('refuses sessions past the per-realm and total limits with ABORT unavailable', async () => {
    await using fixture = await startRouter({ realms: ['a', 'b'], limits: { maxSessionsPerRealm: 2, maxSessions: 3 } });
    await fixture.local().join('a');
    await fixture.local().join('a');
    const third = fixture.local();
    third.send([MessageCode.HELLO, 'a', { roles: { caller: {} } }]);
    const abort = await third.next();
    expect(abort.slice(0, 1)).toEqual([MessageCode.ABORT]);
    expect(abort[2]).toBe(ErrorUri.UNAVAILABLE);
    expect((abort[1] as { message: string }).message).toContain('realm "a" is at its session limit');
    await fixture.local().join('b');
    const fourth = fixture.local();
    fourth.send([MessageCode.HELLO, 'b', { roles: { caller: {} } }]);
    expect(((await fourth.next())[1] as { message: string }).message).toContain('router is at its session limit');
    expect(fixture.router.stats().sessions).toBe(3);
  });

  it('checks the session limit again when a session that waited in CHALLENGE authenticates', async () => {
    await using fixture = await startRouter({
      realms: ['open'],
      auth: { secure: { ticket: { alice: { role: 'user', ticket: 'open sesame' } } } },
      limits: { maxSessions: 2 },
    });
    const waiting = fixture.local();
    waiting.send(hello('secure', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'alice' }));
    expect((await waiting.next())[0]).toBe(MessageCode.CHALLENGE);
    const callee = fixture.local();
    await callee.join('open');
    const bystander = fixture.local();
    await bystander.join('open');
    waiting.send([MessageCode.AUTHENTICATE, 'open sesame', {}]);
    const abort = await waiting.next();
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.UNAVAILABLE);
    expect((abort[1] as { message: string }).message).toContain('router is at its session limit');
    expect(fixture.router.stats().sessions).toBe(2);
    await expectRoundTrip(callee, bystander);
  });

  it('checks the realm session limit again when an async authenticator answers', async () => {
    await using fixture = await startRouter({
      realms: ['dyn'],
      auth: { dyn: { anonymous: { role: 'backend' }, ticketAuthenticator: { procedure: 'com.auth.check' } } },
      limits: { maxSessionsPerRealm: 2 },
    });
    const backend = fixture.local();
    await registerProcedure(await joined(backend, 'dyn'), 'com.auth.check', 1);
    const waiting = fixture.local();
    waiting.send(hello('dyn', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'dora' }));
    expect((await waiting.next())[0]).toBe(MessageCode.CHALLENGE);
    waiting.send([MessageCode.AUTHENTICATE, 'good', {}]);
    const invocation = await backend.next();
    expect(invocation[0]).toBe(MessageCode.INVOCATION);
    // While the authenticator thinks, the realm fills up.
    const bystander = await joined(fixture.local(), 'dyn');
    backend.send(yieldResult(invocation[1] as number, {}, ['member']));
    const abort = await waiting.next();
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.UNAVAILABLE);
    expect((abort[1] as { message: string }).message).toContain('realm "dyn" is at its session limit');
    await expectRoundTrip(backend, bystander);
  });

  it('limits subscriptions and registrations per session, counting a repeated subscription once', async () => {
    await using fixture = await startRouter({
      limits: { maxSubscriptionsPerSession: 2, maxRegistrationsPerSession: 1 },
    });
    const peer = fixture.local();
    await peer.join();
    for (const [request, topic] of [
      [1, 'com.a'],
      [2, 'com.b'],
      [3, 'com.a'],
    ] as const) {
      peer.send(subscribe(request, {}, topic));
      expect((await peer.next())[0]).toBe(MessageCode.SUBSCRIBED);
    }
    peer.send(subscribe(4, {}, 'com.c'));
    const refused = await peer.next();
    expect(refused.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.SUBSCRIBE, 4]);
    expect(refused[4]).toBe(ErrorUri.UNAVAILABLE);
    await registerProcedure(peer, 'com.p1', 5);
    peer.send(register(6, {}, 'com.p2'));
    expect((await peer.next())[4]).toBe(ErrorUri.UNAVAILABLE);
  });

  it('limits calls in flight per caller and per callee', async () => {
    await using fixture = await startRouter({ limits: { maxPendingCallsPerCaller: 2, maxPendingCallsPerCallee: 3 } });
    const callee = fixture.local();
    await callee.join();
    await registerProcedure(callee, 'com.slow', 1);
    const caller = fixture.local();
    await caller.join();
    caller.send(call(1, {}, 'com.slow'));
    caller.send(call(2, {}, 'com.slow'));
    caller.send(call(3, {}, 'com.slow'));
    const refused = await caller.next();
    expect(refused.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.CALL, 3]);
    expect(refused[4]).toBe(ErrorUri.UNAVAILABLE);
    expect((refused[5] as string[])[0]).toContain('per caller');
    const other = fixture.local();
    await other.join();
    other.send(call(1, {}, 'com.slow'));
    other.send(call(2, {}, 'com.slow'));
    expect((await other.next())[5]).toEqual(['the callee has 3 calls in flight already']);
    // Answering frees the slots.
    const first = await callee.next();
    callee.send(yieldResult(first[1] as number, {}, ['done']));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 1, {}, ['done']]);
  });

  it('refuses URIs longer than maxUriLength as invalid_uri', async () => {
    await using fixture = await startRouter({ limits: { maxUriLength: 32 } });
    const peer = fixture.local();
    await peer.join();
    peer.send(register(1, {}, `com.${'x'.repeat(40)}`));
    expect((await peer.next())[4]).toBe(ErrorUri.INVALID_URI);
    peer.send(subscribe(2, {}, `com.${'y'.repeat(40)}`));
    expect((await peer.next())[4]).toBe(ErrorUri.INVALID_URI);
    await registerProcedure(peer, 'com.short', 3);
  });

  it('refuses payloads nested deeper than maxPayloadDepth in calls, results and publications', async () => {
    await using fixture = await startRouter({ limits: { maxPayloadDepth: 8 } });
    const callee = fixture.local();
    await callee.join();
    await registerProcedure(callee, 'com.echo', 1);
    const caller = fixture.local();
    await caller.join();
    caller.send(call(1, {}, 'com.echo', [nested(20)]));
    expect((await caller.next())[4]).toBe(ErrorUri.INVALID_ARGUMENT);
    caller.send(call(2, {}, 'com.echo', [nested(3)]));
    const invocation = await callee.next();
    callee.send(yieldResult(invocation[1] as number, {}, [nested(20)]));
    const answer = await caller.next();
    expect(answer.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.CALL, 2]);
    expect(answer[4]).toBe(ErrorUri.INVALID_ARGUMENT);
    caller.send(publish(3, { acknowledge: true }, 'com.topic', [], { deep: nested(20) }));
    expect((await caller.next())[4]).toBe(ErrorUri.INVALID_ARGUMENT);
    expect(fixture.router.stats().pendingCalls).toBe(0);
  });

  it('fails calls fast when the callee stopped reading and its queue is full', async () => {
    await using fixture = await startRouter({ limits: { outboundHighWater: 64 * 1024 } });
    const callee = await fixture.connect(jsonSerializer);
    await callee.join();
    await registerProcedure(callee, 'com.stuck', 1);
    const tcp = (callee.transport as unknown as { socket: { _socket: import('node:net').Socket } }).socket._socket;
    tcp.pause();
    const caller = await fixture.connect(jsonSerializer);
    await caller.join();
    const payload = ['x'.repeat(32 * 1024)];
    let request = 0;
    let refusal: unknown[] | undefined;
    // Bounded: the kernel's socket buffers fill within a few MiB, then the router's queue passes the mark.
    while (refusal === undefined && request < 2_000) {
      caller.send(call(++request, {}, 'com.stuck', payload));
      if (request % 50 === 0) {
        caller.send(call(++request, {}, 'com.stuck', []));
        const answers = await Promise.race([
          caller.next(5_000),
          new Promise<undefined>((resolve) => setTimeout(resolve, 20)),
        ]);
        if (answers !== undefined) refusal = answers;
      }
    }
    expect(refusal).toBeDefined();
    expect(refusal![0]).toBe(MessageCode.ERROR);
    expect(refusal![4]).toBe(ErrorUri.UNAVAILABLE);
    expect((refusal![5] as string[])[0]).toContain('not keeping up');
    tcp.resume();
  });
});
