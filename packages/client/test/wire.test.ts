// Client behaviour on the wire that our router does not exercise yet: call canceling and timeouts when the
// router announces them, INTERRUPT, revocation, protocol violations, backpressure and the router's GOODBYE.
import {
  type AbortMessage,
  type CallMessage,
  type CancelMessage,
  CloseUri,
  type ErrorMessage,
  ErrorUri,
  event,
  goodbye,
  interrupt,
  invocation,
  MessageCode,
  type RegisterMessage,
  registered,
  result,
  type SubscribeMessage,
  subscribed,
  unregistered,
  unsubscribed,
  type YieldMessage,
} from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { type CloseInfo, ConnectionClosedError, type Invocation, type WampEvent } from '../src/index.js';
import { fakeRouter } from './fake-router.js';
import { waitFor } from './fixture.js';

const CANCELING_DEALER = { dealer: { features: { call_canceling: true, call_timeout: true } }, broker: {} };

describe('calls', () => {
  it('sends CANCEL on abort when the router announces call canceling, and drops the late result', async () => {
    await using fake = fakeRouter();
    const session = await fake.session({}, CANCELING_DEALER);
    const controller = new AbortController();
    const pending = session.raw.call('com.example.slow', [1], { signal: controller.signal });
    const sent = await fake.expect<CallMessage>(MessageCode.CALL);
    controller.abort(new Error('changed my mind'));
    await expect(pending).rejects.toThrow('changed my mind');
    expect(await fake.expect<CancelMessage>(MessageCode.CANCEL)).toEqual([
      MessageCode.CANCEL,
      sent[1],
      { mode: 'killnowait' },
    ]);
    fake.send(result(sent[1], {}, ['late']));
    // Still usable: the next call gets its own result.
    const next = session.call('com.example.fast');
    const second = await fake.expect<CallMessage>(MessageCode.CALL);
    fake.send(result(second[1], {}, ['ok']));
    expect(await next).toBe('ok');
  });

  it('sends the timeout option when the router announces call timeouts, and still enforces it locally', async () => {
    await using fake = fakeRouter();
    const session = await fake.session({}, CANCELING_DEALER);
    const pending = session.call('com.example.slow', [], { timeout: 30, disclose_me: true });
    const sent = await fake.expect<CallMessage>(MessageCode.CALL);
    expect(sent[2]).toEqual({ timeout: 30, disclose_me: true });
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await fake.expect<CancelMessage>(MessageCode.CANCEL))[1]).toBe(sent[1]);
  });

  it('without the features, neither sends CANCEL nor the timeout option, and rejects locally', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const controller = new AbortController();
    const aborted = session.call('com.example.a', [], { signal: controller.signal, timeout: 10_000 });
    const timedOut = session.call('com.example.b', [], { timeout: 20 });
    const first = await fake.expect<CallMessage>(MessageCode.CALL);
    const second = await fake.expect<CallMessage>(MessageCode.CALL);
    expect(first[2]).toEqual({});
    expect(second[2]).toEqual({});
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
    const marker = session.publish('com.example.marker');
    await marker;
    // The next message after the two calls is the publication: no CANCEL went out.
    expect((await fake.next())[0]).toBe(MessageCode.PUBLISH);
  });

  it('resolves with args, kwargs and details as sent', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const pending = session.raw.call('com.example.x', [1], { kwargs: { k: 1 } });
    const sent = await fake.expect<CallMessage>(MessageCode.CALL);
    expect(sent.slice(3)).toEqual(['com.example.x', [1], { k: 1 }]);
    fake.send(result(sent[1], { note: 'd' }, [1, 2], { a: true }));
    expect(await pending).toEqual({ args: [1, 2], kwargs: { a: true }, details: { note: 'd' } });
  });
});

describe('callee', () => {
  it('aborts the invocation signal on INTERRUPT, answers canceled, and drops the handler result', async () => {
    await using fake = fakeRouter();
    const session = await fake.session({}, CANCELING_DEALER);
    let seen: Invocation | undefined;
    let finish!: () => void;
    const registering = session.register('com.example.long', async ([mode], inv) => {
      if (mode === 'fast') return 'quick';
      seen = inv;
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      return 'too late';
    });
    const register = await fake.expect<RegisterMessage>(MessageCode.REGISTER);
    fake.send(registered(register[1], 100));
    await registering;
    fake.send(invocation(5, 100, {}, ['x']));
    await expect.poll(() => seen).toBeDefined();
    const aborted = new Promise((resolve) => seen!.signal.addEventListener('abort', resolve));
    fake.send(interrupt(5, { mode: 'kill' }));
    await aborted;
    expect(seen!.signal.reason).toMatchObject({ name: 'AbortError' });
    const answer = await fake.expect<ErrorMessage>(MessageCode.ERROR);
    expect(answer.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.INVOCATION, 5, {}, ErrorUri.CANCELED]);
    finish();
    fake.send(invocation(6, 100, {}, ['fast']));
    // The next answer is for invocation 6: nothing was sent for 5 after the interrupt.
    const yielded = await fake.expect<YieldMessage>(MessageCode.YIELD);
    expect(yielded[1]).toBe(6);
  });

  it('answers an INVOCATION that arrives in the same batch as REGISTERED', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const registering = session.register('com.example.echo', ([x]) => x);
    const register = await fake.expect<RegisterMessage>(MessageCode.REGISTER);
    fake.send(registered(register[1], 9));
    fake.send(invocation(1, 9, {}, ['hi']));
    await registering;
    expect(await fake.expect<YieldMessage>(MessageCode.YIELD)).toEqual([MessageCode.YIELD, 1, {}, ['hi']]);
  });

  it('answers no_such_registration for an unknown registration, and forgets a revoked one', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const registering = session.register('com.example.x', () => 1);
    fake.send(registered((await fake.expect<RegisterMessage>(MessageCode.REGISTER))[1], 3));
    const registration = await registering;
    expect(registration.id).toBe(3);
    fake.send(unregistered(0, { registration: 3, reason: 'wamp.error.killed' }));
    await expect.poll(() => registration.id).toBe(0);
    fake.send(invocation(1, 3, {}, []));
    const answer = await fake.expect<ErrorMessage>(MessageCode.ERROR);
    expect(answer[4]).toBe(ErrorUri.NO_SUCH_REGISTRATION);
  });
});

describe('subscriber', () => {
  it('delivers an EVENT that arrives in the same batch as SUBSCRIBED', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const received: unknown[] = [];
    const subscribing = session.subscribe('com.example.t', ([n]) => received.push(n));
    fake.send(subscribed((await fake.expect<SubscribeMessage>(MessageCode.SUBSCRIBE))[1], 11));
    fake.send(event(11, 1, {}, ['first']));
    await subscribing;
    expect(received).toEqual(['first']);
  });

  it('ends an iterator when the broker revokes its subscription', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const stream = session.subscribe('com.example.t');
    fake.send(subscribed((await fake.expect<SubscribeMessage>(MessageCode.SUBSCRIBE))[1], 12));
    await stream.ready;
    fake.send(event(12, 1, {}, [1]));
    fake.send(unsubscribed(0, { subscription: 12, reason: 'wamp.error.killed' }));
    const seen: WampEvent[] = [];
    for await (const received of stream) seen.push(received);
    expect(seen.map((received) => received.args)).toEqual([[1]]);
  });
});

describe('connection', () => {
  it('answers a malformed message with ABORT protocol_violation, reports it and closes', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const errors: unknown[] = [];
    session.on('error', (error) => errors.push(error));
    const closed = waitFor<CloseInfo>(
      (listener) => session.on('close', listener),
      () => true,
    );
    fake.server.sendEncoded('[36, "not an id", 1, {}]');
    const sent = await fake.expect<AbortMessage>(MessageCode.ABORT);
    expect(sent[2]).toBe(ErrorUri.PROTOCOL_VIOLATION);
    expect((await closed).willReconnect).toBe(false);
    expect(errors[0]).toMatchObject({ name: 'ProtocolViolation' });
  });

  it('answers the router GOODBYE and reports its reason with the close', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const states: string[] = [];
    session.on('state', (state) => states.push(state));
    const closed = waitFor<CloseInfo>(
      (listener) => session.on('close', listener),
      () => true,
    );
    fake.send(goodbye({ message: 'maintenance' }, CloseUri.SYSTEM_SHUTDOWN));
    const reply = await fake.expect(MessageCode.GOODBYE);
    expect(reply[2]).toBe(CloseUri.GOODBYE_AND_OUT);
    fake.server.close(1001, 'going away');
    expect(await closed).toMatchObject({
      code: 1001,
      wampReason: CloseUri.SYSTEM_SHUTDOWN,
      willReconnect: false,
    });
    expect(states).toEqual(['closing', 'closed']);
  });

  it('reports bufferedAmount, resolves drain() once the queue empties, and rejects it on close', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    // Published in one turn: the memory pair delivers on the next microtask.
    for (let i = 0; i < 10; i++) void session.publish('com.example.bulk', ['x'.repeat(20)]);
    expect(session.bufferedAmount).toBeGreaterThan(64);
    await session.drain();
    expect(session.bufferedAmount).toBe(0);

    for (let i = 0; i < 10; i++) void session.publish('com.example.bulk', ['x'.repeat(20)]);
    const draining = session.drain();
    fake.server.terminate();
    await expect(draining).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('settles pending calls, registrations and subscriptions on an abnormal close', async () => {
    await using fake = fakeRouter();
    const session = await fake.session();
    const call = session.call('com.example.x');
    const registration = session.register('com.example.y', () => 1);
    const subscription = session.subscribe('com.example.z', () => {});
    const publication = session.publish('com.example.w', [], { acknowledge: true });
    await fake.expect(MessageCode.PUBLISH);
    fake.server.terminate();
    for (const pending of [call, registration, subscription, publication]) {
      await expect(pending).rejects.toMatchObject({ name: 'ConnectionClosedError', code: 1006 });
    }
    expect(session.state).toBe('closed');
  });
});
