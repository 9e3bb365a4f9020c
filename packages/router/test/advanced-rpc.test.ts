// Advanced RPC and retention: progressive results and invocations, call canceling in every mode, call
// timeouts, event retention, payload passthru.
import { call, cancel, ErrorUri, error, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

const CANCELING_CALLEE = {
  callee: { features: { call_canceling: true, progressive_call_invocations: true, call_timeout: true } },
};

async function pair(calleeRoles: object = CANCELING_CALLEE) {
  const fixture = await startRouter();
  const callee = fixture.local();
  await callee.join('realm1', calleeRoles);
  callee.send(register(1, {}, 'com.rpc'));
  expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
  const caller = fixture.local();
  await caller.join();
  return { fixture, callee, caller };
}

/** Asserts nothing more arrived: a round trip through the router comes back first. */
async function expectQuiet(peer: RawPeer): Promise<void> {
  peer.send(call(9999, {}, 'com.nobody.here'));
  expect((await peer.next()).slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.CALL, 9999]);
}

describe('advanced RPC', () => {
  it('streams progressive results to a caller that asked for them, then the final one', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(1, { receive_progress: true }, 'com.rpc'));
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({ receive_progress: true });
    for (const part of [1, 2]) callee.send(yieldResult(invocation[1] as number, { progress: true }, [part]));
    callee.send(yieldResult(invocation[1] as number, {}, ['done']));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 1, { progress: true }, [1]]);
    expect(await caller.next()).toEqual([MessageCode.RESULT, 1, { progress: true }, [2]]);
    expect(await caller.next()).toEqual([MessageCode.RESULT, 1, {}, ['done']]);
    expect(fixture.router.stats().pendingCalls).toBe(0);
  });

  it('routes progressive call invocations to the same INVOCATION request', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(7, { progress: true }, 'com.rpc', ['chunk 1']));
    caller.send(call(7, { progress: true }, 'com.rpc', ['chunk 2']));
    caller.send(call(7, {}, 'com.rpc', ['last']));
    const parts = [await callee.next(), await callee.next(), await callee.next()];
    expect(new Set(parts.map((part) => part[1])).size).toBe(1);
    expect(parts.map((part) => [part[3], part[4]])).toEqual([
      [{ progress: true }, ['chunk 1']],
      [{ progress: true }, ['chunk 2']],
      [{}, ['last']],
    ]);
    callee.send(yieldResult(parts[0]![1] as number, {}, [3]));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 7, {}, [3]]);
  });

  it('refuses progressive input to a callee that does not take it', async () => {
    const { fixture, caller } = await pair({ callee: {} });
    await using _ = fixture;
    caller.send(call(1, { progress: true }, 'com.rpc', [1]));
    expect((await caller.next())[4]).toBe(ErrorUri.FEATURE_NOT_SUPPORTED);
  });

  it('cancels with skip: the caller gets canceled at once, the callee is not told, its late result is dropped', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(1, {}, 'com.rpc'));
    const invocation = await callee.next();
    caller.send(cancel(1, { mode: 'skip' }));
    expect(await caller.next()).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.CANCELED]);
    callee.send(yieldResult(invocation[1] as number, {}, ['late']));
    await expectQuiet(callee);
    await expectQuiet(caller);
  });

  it('cancels with kill: exactly one INTERRUPT, and exactly one error once the callee answers', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(1, {}, 'com.rpc'));
    const invocation = await callee.next();
    caller.send(cancel(1, { mode: 'kill' }));
    caller.send(cancel(1, { mode: 'kill' }));
    expect(await callee.next()).toEqual([
      MessageCode.INTERRUPT,
      invocation[1],
      { mode: 'kill', reason: ErrorUri.CANCELED },
    ]);
    await expectQuiet(callee); // the second CANCEL sent no second INTERRUPT
    callee.send(error(MessageCode.INVOCATION, invocation[1] as number, {}, ErrorUri.CANCELED));
    expect(await caller.next()).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.CANCELED]);
    await expectQuiet(caller);
  });

  it('cancels with killnowait: INTERRUPT to the callee and canceled to the caller at once', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(1, {}, 'com.rpc'));
    const invocation = await callee.next();
    caller.send(cancel(1, { mode: 'killnowait' }));
    expect(await callee.next()).toEqual([
      MessageCode.INTERRUPT,
      invocation[1],
      { mode: 'killnowait', reason: ErrorUri.CANCELED },
    ]);
    expect(await caller.next()).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.CANCELED]);
    callee.send(error(MessageCode.INVOCATION, invocation[1] as number, {}, ErrorUri.CANCELED));
    await expectQuiet(caller);
  });

  it('treats every mode as skip for a callee without call canceling', async () => {
    const { fixture, callee, caller } = await pair({ callee: {} });
    await using _ = fixture;
    caller.send(call(1, {}, 'com.rpc'));
    await callee.next();
    caller.send(cancel(1, { mode: 'kill' }));
    expect((await caller.next())[4]).toBe(ErrorUri.CANCELED);
    await expectQuiet(callee);
  });

  it('enforces a call timeout: INTERRUPT to the callee and wamp.error.timeout to the caller', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(1, { timeout: 50 }, 'com.rpc'));
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({ timeout: 50 });
    expect(await callee.next()).toEqual([
      MessageCode.INTERRUPT,
      invocation[1],
      { mode: 'killnowait', reason: ErrorUri.TIMEOUT },
    ]);
    expect(await caller.next()).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.TIMEOUT]);
    expect(fixture.router.stats().pendingCalls).toBe(0);
  });

  it('refuses a timeout longer than a timer can hold instead of expiring the call at once', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(1, { timeout: 2 ** 31 }, 'com.rpc'));
    const refusal = await caller.next();
    expect(refusal.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.INVALID_ARGUMENT]);
    expect(refusal[5]).toEqual([expect.stringContaining('2147483647')]);
    // The longest a timer holds is kept: the call is invoked and stays pending.
    caller.send(call(2, { timeout: 2 ** 31 - 1 }, 'com.rpc'));
    expect((await callee.next())[3]).toEqual({ timeout: 2 ** 31 - 1 });
    await expectQuiet(callee);
    await expectQuiet(caller);
    expect(fixture.router.stats().pendingCalls).toBe(1);
  });

  it('clears the timer of a call answered in time', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    caller.send(call(1, { timeout: 60 }, 'com.rpc'));
    const invocation = await callee.next();
    callee.send(yieldResult(invocation[1] as number, {}, ['in time']));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 1, {}, ['in time']]);
    // Past the deadline nothing else arrives on either side.
    caller.send(call(2, { timeout: 200 }, 'com.rpc'));
    const second = await callee.next();
    callee.send(yieldResult(second[1] as number, {}, ['second']));
    expect((await caller.next())[3]).toEqual(['second']);
    await expectQuiet(callee);
  });

  it('forwards payload passthru keys with the payload untouched', async () => {
    const { fixture, callee, caller } = await pair();
    await using _ = fixture;
    const sealed = new Uint8Array([1, 2, 3]);
    caller.send(call(1, { ppt_scheme: 'x_custom', ppt_serializer: 'cbor' }, 'com.rpc', [sealed]));
    const invocation = await callee.next();
    expect(invocation[3]).toEqual({ ppt_scheme: 'x_custom', ppt_serializer: 'cbor' });
    expect(Array.from((invocation[4] as Uint8Array[])[0]!)).toEqual([1, 2, 3]);
    callee.send(yieldResult(invocation[1] as number, { ppt_scheme: 'x_custom' }, [sealed]));
    expect((await caller.next())[2]).toEqual({ ppt_scheme: 'x_custom' });
  });
});

describe('event retention', () => {
  it('delivers the last retained event exactly once to a late subscriber that asks for it', async () => {
    await using fixture = await startRouter();
    const publisher = fixture.local();
    await publisher.join();
    for (const value of [1, 2]) {
      publisher.send(publish(value, { acknowledge: true, retain: true }, 'com.state', [value]));
      expect((await publisher.next())[0]).toBe(MessageCode.PUBLISHED);
    }
    const late = fixture.local();
    await late.join();
    late.send(subscribe(1, { get_retained: true }, 'com.state'));
    expect((await late.next())[0]).toBe(MessageCode.SUBSCRIBED);
    const retained = await late.next();
    expect(retained[0]).toBe(MessageCode.EVENT);
    expect(retained[3]).toEqual({ retained: true });
    expect(retained[4]).toEqual([2]);
    await expectQuiet(late);
    const plain = fixture.local();
    await plain.join();
    plain.send(subscribe(1, {}, 'com.state'));
    expect((await plain.next())[0]).toBe(MessageCode.SUBSCRIBED);
    await expectQuiet(plain);
  });

  it('gives a pattern subscriber the retained events of every matching topic, with their topics', async () => {
    await using fixture = await startRouter();
    const publisher = fixture.local();
    await publisher.join();
    publisher.send(publish(1, { acknowledge: true, retain: true }, 'com.room.a', ['a']));
    publisher.send(publish(2, { acknowledge: true, retain: true }, 'com.room.b', ['b']));
    await publisher.next();
    await publisher.next();
    const late = fixture.local();
    await late.join();
    late.send(subscribe(1, { match: 'prefix', get_retained: true }, 'com.room.'));
    await late.next();
    const events = [await late.next(), await late.next()];
    expect(events.map((event) => [event[3], event[4]]).sort()).toEqual([
      [{ retained: true, topic: 'com.room.a' }, ['a']],
      [{ retained: true, topic: 'com.room.b' }, ['b']],
    ]);
  });
});
