// Values that decode but that the router cannot write for every peer (a CBOR bignum, a cyclic CBOR value, nesting
// past the limit) are refused where they enter, and every other session is answered as usual: a caller always
// hears back, no subscriber misses an event, and nothing poisonous is kept in history.
import { call, ErrorUri, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { Encoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

const HUGE = 2n ** 70n;

function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

async function joined(peer: Promise<RawPeer>, roles?: object): Promise<RawPeer> {
  const ready = await peer;
  await ready.join('realm1', roles);
  return ready;
}

function expectRefusal(message: unknown[], type: number, request: number, where: string): void {
  expect(message.slice(0, 5)).toEqual([MessageCode.ERROR, type, request, {}, ErrorUri.INVALID_ARGUMENT]);
  expect(String((message[5] as unknown[])[0])).toContain(where);
}

describe('values the router cannot write for every peer', () => {
  it('refuses a CBOR bignum published to a history topic; both serializers still get every event', async () => {
    await using fixture = await startRouter({ eventHistory: [{ topic: 'com.history', limit: 10 }] });
    const jsonSubscriber = await joined(fixture.connect(jsonSerializer));
    const cborSubscriber = await joined(fixture.connect(cborSerializer));
    for (const subscriber of [jsonSubscriber, cborSubscriber]) {
      subscriber.send(subscribe(1, {}, 'com.history'));
      expect((await subscriber.next())[0]).toBe(MessageCode.SUBSCRIBED);
    }
    const subscription = await subscriptionIdOf(jsonSubscriber);
    const publisher = await joined(fixture.connect(cborSerializer));
    publisher.send(publish(1, { acknowledge: true }, 'com.history', [{ amount: HUGE }]));
    expectRefusal(await publisher.next(), MessageCode.PUBLISH, 1, 'args[0].amount is a big integer');
    publisher.send(publish(2, { acknowledge: true }, 'com.history', ['fine']));
    expect((await publisher.next())[0]).toBe(MessageCode.PUBLISHED);
    for (const subscriber of [jsonSubscriber, cborSubscriber]) expect((await subscriber.next())[4]).toEqual(['fine']);
    // The history holds only what was routed, and reading it works (it once threw out of the meta session).
    jsonSubscriber.send(call(2, {}, 'wamp.subscription.get_events', [subscription]));
    const history = await jsonSubscriber.next();
    expect(history[0]).toBe(MessageCode.RESULT);
    expect((history[3] as { args: unknown[] }[][])[0]!.map((event) => event.args)).toEqual([['fine']]);
  });

  it('answers a JSON caller whose CBOR callee yields a bignum, and keeps the callee', async () => {
    await using fixture = await startRouter();
    const callee = await joined(fixture.connect(cborSerializer));
    callee.send(register(1, {}, 'com.balance'));
    await callee.next();
    const caller = await joined(fixture.connect(jsonSerializer));
    caller.send(call(1, {}, 'com.balance'));
    const invocation = await callee.next();
    callee.send(yieldResult(invocation[1] as number, {}, [HUGE]));
    expectRefusal(await caller.next(), MessageCode.CALL, 1, "the callee's result cannot be delivered: args[0]");
    caller.send(call(2, {}, 'com.balance'));
    const again = await callee.next();
    callee.send(yieldResult(again[1] as number, {}, ['1180591620717411303424']));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 2, {}, ['1180591620717411303424']]);
  });

  it("answers the caller when a callee's ERROR or partial result cannot be routed, interrupting a working callee", async () => {
    await using fixture = await startRouter({ limits: { maxPayloadDepth: 16 } });
    const roles = { callee: { features: { call_canceling: true, progressive_call_results: true } } };
    const callee = await joined(fixture.connect(cborSerializer), roles);
    callee.send(register(1, {}, 'com.work'));
    await callee.next();
    const caller = await joined(fixture.connect(jsonSerializer));
    caller.send(call(1, {}, 'com.work'));
    const first = (await callee.next())[1] as number;
    callee.send([MessageCode.ERROR, MessageCode.INVOCATION, first, {}, 'com.app.failed', [nested(1_000)]]);
    expectRefusal(await caller.next(), MessageCode.CALL, 1, 'nested deeper than 16 levels');
    caller.send(call(2, { receive_progress: true }, 'com.work'));
    const second = (await callee.next())[1] as number;
    callee.send(yieldResult(second, { progress: true }, [HUGE]));
    expectRefusal(await caller.next(), MessageCode.CALL, 2, "the callee's result cannot be delivered");
    expect(await callee.next()).toEqual([
      MessageCode.INTERRUPT,
      second,
      { mode: 'killnowait', reason: ErrorUri.INVALID_ARGUMENT },
    ]);
    expect(fixture.router.stats().pendingCalls).toBe(0);
  });

  it('refuses a cyclic CBOR value (tags 28/29) at the door', async () => {
    await using fixture = await startRouter();
    const subscriber = await joined(fixture.connect(jsonSerializer));
    subscriber.send(subscribe(1, {}, 'com.cycle'));
    await subscriber.next();
    const publisher = await joined(fixture.connect(cborSerializer));
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    // Our serializer never writes shared references; a hostile peer's encoder does.
    const frame = new Encoder({ structuredClone: true }).encode([
      MessageCode.PUBLISH,
      1,
      { acknowledge: true },
      'com.cycle',
      [cyclic],
    ]);
    (publisher.transport as unknown as { socket: WebSocket }).socket.send(frame);
    expectRefusal(await publisher.next(), MessageCode.PUBLISH, 1, 'nested deeper than 64 levels');
    publisher.send(publish(2, {}, 'com.cycle', ['after']));
    expect((await subscriber.next())[4]).toEqual(['after']);
  });
});

describe('values that would change on the way to a peer of another serializer', () => {
  it('refuses a CBOR string JSON peers would read as bytes, and a shared value that expands past the bound', async () => {
    await using fixture = await startRouter();
    const subscriber = await joined(fixture.connect(jsonSerializer));
    subscriber.send(subscribe(1, {}, 'com.values'));
    await subscriber.next();
    const publisher = await joined(fixture.connect(cborSerializer));
    publisher.send(publish(1, { acknowledge: true }, 'com.values', ['\u0000AQID']));
    expectRefusal(await publisher.next(), MessageCode.PUBLISH, 1, 'args[0] is a string starting with NUL');
    // 40 levels of [x, x], each x one shared value: 2^40 leaves written out, from a frame of 300 bytes.
    let shared: unknown = 'leaf';
    for (let i = 0; i < 40; i++) shared = [shared, shared];
    const frame = new Encoder({ structuredClone: true }).encode([
      MessageCode.PUBLISH,
      2,
      { acknowledge: true },
      'com.values',
      [shared],
    ]);
    (publisher.transport as unknown as { socket: WebSocket }).socket.send(frame);
    expectRefusal(await publisher.next(), MessageCode.PUBLISH, 2, 'past the 16777216 bytes a payload may take');
    publisher.send(publish(3, {}, 'com.values', ['after']));
    expect((await subscriber.next())[4]).toEqual(['after']);
  });

  it('keeps the history readable after an event nested to the depth limit', async () => {
    await using fixture = await startRouter({
      eventHistory: [{ topic: 'com.history', limit: 10 }],
      limits: { maxPayloadDepth: 8 },
    });
    const subscriber = await joined(fixture.connect(jsonSerializer));
    subscriber.send(subscribe(1, {}, 'com.history'));
    await subscriber.next();
    const publisher = await joined(fixture.connect(cborSerializer));
    publisher.send(publish(2, { acknowledge: true }, 'com.history', [nested(7)]));
    expect((await publisher.next())[0]).toBe(MessageCode.PUBLISHED);
    expect((await subscriber.next())[4]).toEqual([nested(7)]);
    subscriber.send(call(3, {}, 'wamp.subscription.get_events', [await subscriptionIdOf(subscriber)]));
    const history = await subscriber.next();
    expect(history[0]).toBe(MessageCode.RESULT);
    expect((history[3] as { args: unknown[] }[][])[0]!.map((event) => event.args)).toEqual([[nested(7)]]);
  });
});

async function subscriptionIdOf(peer: RawPeer): Promise<number> {
  peer.send(call(99, {}, 'wamp.subscription.lookup', ['com.history']));
  return ((await peer.next())[3] as number[])[0]!;
}
