import { ErrorUri, MessageCode, publish, subscribe, unsubscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';
import { SERIALIZERS } from './support/serializers.js';

describe.each(SERIALIZERS)('broker over %s', (_name, serializer) => {
  it('delivers events with args and kwargs, and acknowledges with PUBLISHED', async () => {
    await using fixture = await startRouter();
    const subscriber = await fixture.connect(serializer);
    await subscriber.join();
    subscriber.send(subscribe(1, {}, 'com.example.topic'));
    const subscribed = await subscriber.next();
    expect(subscribed[0]).toBe(MessageCode.SUBSCRIBED);
    expect(subscribed[1]).toBe(1);

    const publisher = await fixture.connect(serializer);
    await publisher.join();
    publisher.send(publish(7, { acknowledge: true }, 'com.example.topic', ['hello', 42], { flag: true }));
    const ack = await publisher.next();
    expect(ack[0]).toBe(MessageCode.PUBLISHED);
    expect(ack[1]).toBe(7);

    const event = await subscriber.next();
    expect(event).toEqual([MessageCode.EVENT, subscribed[2], ack[2], {}, ['hello', 42], { flag: true }]);
  });

  it('gives every subscriber of a topic the same subscription ID, also on a repeated SUBSCRIBE', async () => {
    await using fixture = await startRouter();
    const a = await fixture.connect(serializer);
    const b = await fixture.connect(serializer);
    await a.join();
    await b.join();
    a.send(subscribe(1, {}, 'com.example.shared'));
    b.send(subscribe(1, {}, 'com.example.shared'));
    a.send(subscribe(2, {}, 'com.example.shared'));
    const [first, second, again] = [await a.next(), await b.next(), await a.next()];
    expect(second[2]).toBe(first[2]);
    expect(again[2]).toBe(first[2]);
    expect(fixture.router.stats().subscriptions).toBe(1);
  });

  it('does not send the publisher its own event unless exclude_me is false', async () => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    await peer.join();
    peer.send(subscribe(1, {}, 'com.example.echo'));
    const subscriptionId = (await peer.next())[2];
    peer.send(publish(2, { acknowledge: true }, 'com.example.echo', [1]));
    // The router sends events before PUBLISHED, so PUBLISHED first means no event came.
    expect((await peer.next())[0]).toBe(MessageCode.PUBLISHED);
    peer.send(publish(3, { acknowledge: true, exclude_me: false }, 'com.example.echo', [2]));
    const event = await peer.next();
    expect(event.slice(0, 2)).toEqual([MessageCode.EVENT, subscriptionId]);
    expect(event[4]).toEqual([2]);
    expect((await peer.next())[0]).toBe(MessageCode.PUBLISHED);
  });

  it('delivers events to one subscriber in publish order', async () => {
    await using fixture = await startRouter();
    const subscriber = await fixture.connect(serializer);
    await subscriber.join();
    subscriber.send(subscribe(1, {}, 'com.example.seq'));
    await subscriber.next();
    const publisher = await fixture.connect(serializer);
    await publisher.join();
    const count = 500;
    for (let i = 0; i < count; i++) publisher.send(publish(i + 1, {}, 'com.example.seq', [i]));
    const seen: unknown[] = [];
    for (let i = 0; i < count; i++) seen.push((await subscriber.next())[4]);
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => [i]));
  });

  it('stops delivering after UNSUBSCRIBE and removes an empty subscription', async () => {
    await using fixture = await startRouter();
    const subscriber = await fixture.connect(serializer);
    await subscriber.join();
    subscriber.send(subscribe(1, {}, 'com.example.gone'));
    const subscriptionId = (await subscriber.next())[2] as number;
    subscriber.send(unsubscribe(2, subscriptionId));
    expect(await subscriber.next()).toEqual([MessageCode.UNSUBSCRIBED, 2]);
    expect(fixture.router.stats().subscriptions).toBe(0);
    subscriber.send(unsubscribe(3, subscriptionId));
    const error = await subscriber.next();
    expect(error.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.UNSUBSCRIBE, 3]);
    expect(error[4]).toBe(ErrorUri.NO_SUCH_SUBSCRIPTION);
  });

  it('refuses to unsubscribe a session from a subscription it does not hold', async () => {
    await using fixture = await startRouter();
    const owner = await fixture.connect(serializer);
    const other = await fixture.connect(serializer);
    await owner.join();
    await other.join();
    owner.send(subscribe(1, {}, 'com.example.mine'));
    const subscriptionId = (await owner.next())[2] as number;
    other.send(unsubscribe(1, subscriptionId));
    expect((await other.next())[4]).toBe(ErrorUri.NO_SUCH_SUBSCRIPTION);
    expect(fixture.router.stats().subscriptions).toBe(1);
  });

  it.each([
    ['an empty component', 'com..topic'],
    ['whitespace', 'com.my topic'],
    ['the reserved wamp. prefix', 'wamp.session.on_join'],
  ])('answers invalid_uri for a topic with %s, only when acknowledge is set', async (_what, topic) => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    await peer.join();
    peer.send(publish(1, {}, topic, [1]));
    peer.send(publish(2, { acknowledge: true }, topic, [1]));
    const error = await peer.next();
    expect(error.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.PUBLISH, 2]);
    expect(error[4]).toBe(ErrorUri.INVALID_URI);
  });

  it('answers invalid_uri for an invalid subscription topic', async () => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    await peer.join();
    peer.send(subscribe(1, {}, 'com.#bad'));
    const error = await peer.next();
    expect(error.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.SUBSCRIBE, 1]);
    expect(error[4]).toBe(ErrorUri.INVALID_URI);
  });

  it('drops the subscriptions of a session that disconnects', async () => {
    await using fixture = await startRouter();
    const subscriber = await fixture.connect(serializer);
    await subscriber.join();
    subscriber.send(subscribe(1, {}, 'com.example.a'));
    subscriber.send(subscribe(2, {}, 'com.example.b'));
    await subscriber.next();
    await subscriber.next();
    expect(fixture.router.stats().subscriptions).toBe(2);
    subscriber.transport.terminate();
    await subscriber.closed();
    await expect.poll(() => fixture.router.stats()).toMatchObject({ sessions: 0, subscriptions: 0, connections: 0 });
  });
});
