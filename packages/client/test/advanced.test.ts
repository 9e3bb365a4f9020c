// The router's advanced features through @wamp/client's typed options, over JSON and CBOR.
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import type { WampEvent } from '../src/index.js';
import { startRouter } from './fixture.js';

describe.each([
  ['json', jsonSerializer],
  ['cbor', cborSerializer],
])('advanced features with @wamp/client over %s', (_name, serializer) => {
  it('subscribes by prefix and wildcard, and sees the concrete topic and a disclosed publisher', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const events: WampEvent[] = [];
    await subscriber.subscribe('com.app.', (_args, event) => events.push(event), { match: 'prefix' });
    await subscriber.subscribe('com..alert', (_args, event) => events.push(event), { match: 'wildcard' });
    await publisher.publish('com.app.alert', [1], { acknowledge: true, disclose_me: true });
    await expect.poll(() => events.length).toBe(2);
    for (const event of events)
      expect(event.details).toMatchObject({ topic: 'com.app.alert', publisher: publisher.id });
  });

  it('shares a registration round-robin and discloses the caller', async () => {
    await using fixture = await startRouter(serializer);
    const callees = [await fixture.session(), await fixture.session()];
    const served: [number, unknown][] = [];
    for (const [index, callee] of callees.entries()) {
      await callee.register(
        'com.shared',
        (_args, invocation) => {
          served.push([index, invocation.details.caller]);
          return index;
        },
        { invoke: 'roundrobin' },
      );
    }
    const caller = await fixture.session();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await caller.call('com.shared', [], { disclose_me: true }));
    expect(results).toEqual([0, 1, 0, 1]);
    expect(served.every(([, who]) => who === caller.id)).toBe(true);
  });

  it('keeps others out with exclude and eligible lists, and delivers retained events on request', async () => {
    await using fixture = await startRouter(serializer);
    const publisher = await fixture.session();
    const a = await fixture.session();
    const b = await fixture.session();
    const got: string[] = [];
    await a.subscribe('com.lists', () => got.push('a'));
    await b.subscribe('com.lists', () => got.push('b'));
    await publisher.publish('com.lists', [], { acknowledge: true, exclude: [a.id] });
    await publisher.publish('com.lists', [], { acknowledge: true, eligible: [a.id] });
    await publisher.publish('com.state', ['kept'], { acknowledge: true, retain: true });
    const retained: WampEvent[] = [];
    await b.subscribe('com.state', (_args, event) => retained.push(event), { get_retained: true });
    await expect.poll(() => got.length + retained.length).toBe(3);
    expect(got.sort()).toEqual(['a', 'b']);
    expect(retained[0]).toMatchObject({ args: ['kept'], details: { retained: true } });
  });

  it('reaches the meta API through raw calls', async () => {
    await using fixture = await startRouter(serializer);
    const session = await fixture.session();
    await fixture.session();
    expect((await session.raw.call('wamp.session.count')).args).toEqual([2]);
    expect((await session.raw.call('wamp.session.get', [session.id])).args[0]).toMatchObject({ session: session.id });
  });
});
