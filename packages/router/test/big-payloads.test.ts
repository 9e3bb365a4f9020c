// Ordinary traffic with the default options: a 1 MiB argument (a file moved in chunks by RPC) travels in calls,
// results and events on every serializer, over real WebSockets.
import { call, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';
import { SERIALIZERS } from './support/serializers.js';

const MIB = 'x'.repeat(1 << 20);

describe.each(SERIALIZERS)('a 1 MiB payload with the default options over %s', (_name, serializer) => {
  it('goes in a CALL, its INVOCATION, the YIELD and the RESULT', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    await callee.join();
    callee.send(register(1, {}, 'com.files.put'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    const caller = await fixture.connect(serializer);
    await caller.join();
    caller.send(call(2, {}, 'com.files.put', [MIB]));
    const invocation = await callee.next(5_000);
    expect(invocation[0]).toBe(MessageCode.INVOCATION);
    expect(invocation[4]).toEqual([MIB]);
    callee.send(yieldResult(invocation[1] as number, {}, [MIB, 'stored']));
    expect(await caller.next(5_000)).toEqual([MessageCode.RESULT, 2, {}, [MIB, 'stored']]);
  });

  it('goes in a PUBLISH and its EVENT', async () => {
    await using fixture = await startRouter();
    const subscriber = await fixture.connect(serializer);
    await subscriber.join();
    subscriber.send(subscribe(1, {}, 'com.files.chunk'));
    expect((await subscriber.next())[0]).toBe(MessageCode.SUBSCRIBED);
    const publisher = await fixture.connect(serializer);
    await publisher.join();
    publisher.send(publish(2, { acknowledge: true }, 'com.files.chunk', [MIB]));
    expect((await publisher.next(5_000))[0]).toBe(MessageCode.PUBLISHED);
    const event = await subscriber.next(5_000);
    expect(event[0]).toBe(MessageCode.EVENT);
    expect(event[4]).toEqual([MIB]);
  });
});
