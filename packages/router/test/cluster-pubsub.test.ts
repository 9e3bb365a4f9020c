// Pub/sub across router nodes that meet on a real nats-server: every matching subscriber on every node gets each
// event exactly once, in the publisher's order, with the same filters and disclosure as on one node; a node only
// receives what its own subscribers need; garbage on NATS is dropped, never fatal.
import { connect as natsConnect } from '@nats-io/transport-node';
import { type Message, MessageCode, publish, subscribe, unsubscribe } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterOptions } from '../src/index.js';
import { type RouterFixture, startRouter } from './support/fixture.js';
import { type NatsServer, startNatsServer } from './support/nats-server.js';
import type { RawPeer } from './support/raw-peer.js';

let nats: NatsServer;

beforeAll(async () => {
  nats = await startNatsServer();
});

afterAll(async () => {
  await nats[Symbol.asyncDispose]();
});

/** Router nodes of one cluster, each with its own port. */
async function startNodes(count = 3, options: RouterOptions = {}): Promise<RouterFixture[] & AsyncDisposable> {
  const nodes = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startRouter({ realms: ['realm1'], ...options, cluster: { nats: { servers: nats.url, name: `node-${i + 1}` } } }),
    ),
  );
  return Object.assign(nodes, {
    async [Symbol.asyncDispose]() {
      await Promise.all(nodes.map((node) => node[Symbol.asyncDispose]()));
    },
  });
}

async function joined(node: RouterFixture): Promise<RawPeer> {
  const peer = await node.connect(jsonSerializer);
  await peer.join('realm1');
  return peer;
}

async function subscribed(peer: RawPeer, request: number, topic: string, options = {}): Promise<number> {
  peer.send(subscribe(request, options, topic));
  const answer = await peer.next();
  expect(answer[0]).toBe(MessageCode.SUBSCRIBED);
  return answer[2] as number;
}

/** Publishes with acknowledgement from `peer`; resolves with the publication ID. */
async function published(peer: RawPeer, request: number, topic: string, args: unknown[], options = {}) {
  peer.send(publish(request, { ...options, acknowledge: true }, topic, args));
  const answer = await peer.next();
  expect(answer[0]).toBe(MessageCode.PUBLISHED);
  return answer[2] as number;
}

/**
 * The next `count` messages `peer` receives, each an EVENT. Tests show that nothing came twice by publishing a
 * marker afterwards: events of one publisher keep their order, so a copy would arrive before the marker.
 */
async function events(peer: RawPeer, count: number): Promise<Message[]> {
  const received: Message[] = [];
  for (let i = 0; i < count; i++) {
    const message = await peer.next(5_000);
    expect(message[0]).toBe(MessageCode.EVENT);
    received.push(message);
  }
  return received;
}

describe('pub/sub across nodes', () => {
  it('delivers an event to every subscriber on every node once, and not to the publisher', async () => {
    await using nodes = await startNodes();
    const [a, b, c] = nodes as unknown as [RouterFixture, RouterFixture, RouterFixture];
    const onA = await joined(a);
    const onB = await joined(b);
    const onC = await joined(c);
    const publisher = await joined(a);
    const ids = [
      await subscribed(onA, 1, 'com.app.news'),
      await subscribed(onB, 1, 'com.app.news'),
      await subscribed(onC, 1, 'com.app.news'),
    ];
    await subscribed(publisher, 1, 'com.app.news');
    const publication = await published(publisher, 2, 'com.app.news', ['hello']);
    for (const [index, peer] of [onA, onB, onC].entries()) {
      const [event] = await events(peer, 1);
      expect(event).toEqual([MessageCode.EVENT, ids[index], publication, {}, ['hello']]);
    }
    // A marker published afterwards arrives next everywhere: nothing was delivered twice.
    const marker = await published(publisher, 3, 'com.app.news', ['marker']);
    for (const peer of [onA, onB, onC]) expect((await events(peer, 1))[0]![2]).toBe(marker);
    expect(publisher.received).toEqual([]);
    expect(a.router.stats().cluster).toMatchObject({ node: 'node-1', publicationsIn: 0 });
    expect(b.router.stats().cluster).toMatchObject({ node: 'node-2', publicationsIn: 2, subjects: 1 });
  });

  it("keeps each publisher's order across nodes", async () => {
    await using nodes = await startNodes(2);
    const [a, b] = nodes as unknown as [RouterFixture, RouterFixture];
    const reader = await joined(b);
    await subscribed(reader, 1, 'com.app.', { match: 'prefix' });
    const writer = await joined(a);
    for (let i = 1; i <= 300; i++) writer.send(publish(i, {}, i % 2 === 0 ? 'com.app.even' : 'com.app.odd', [i]));
    const received = await events(reader, 300);
    expect(received.map((event) => (event[4] as number[])[0])).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('matches exact, prefix (a string prefix) and wildcard subscriptions on the receiving node, each once', async () => {
    await using nodes = await startNodes(2);
    const [a, b] = nodes as unknown as [RouterFixture, RouterFixture];
    const reader = await joined(b);
    const exact = await subscribed(reader, 1, 'com.a.b');
    const prefix = await subscribed(reader, 2, 'com.a', { match: 'prefix' });
    const wildcard = await subscribed(reader, 3, 'com..b', { match: 'wildcard' });
    const writer = await joined(a);
    await published(writer, 1, 'com.a.b', [1]);
    await published(writer, 2, 'com.ab', [2]); // prefix `com.a` matches `com.ab`
    await published(writer, 3, 'com.x.b', [3]);
    await published(writer, 4, 'org.a.b', [4]); // nobody
    const bySubscription = new Map<number, unknown[]>();
    for (const event of await events(reader, 5)) {
      const topic = (event[3] as { topic?: string }).topic;
      bySubscription.set(event[1] as number, [
        ...(bySubscription.get(event[1] as number) ?? []),
        [(event[4] as number[])[0], topic],
      ]);
    }
    expect(bySubscription).toEqual(
      new Map([
        [exact, [[1, undefined]]],
        [
          prefix,
          [
            [1, 'com.a.b'],
            [2, 'com.ab'],
          ],
        ],
        [
          wildcard,
          [
            [1, 'com.a.b'],
            [3, 'com.x.b'],
          ],
        ],
      ]),
    );
    const marker = await published(writer, 5, 'com.a.b', ['marker']);
    expect((await events(reader, 3)).every((event) => event[2] === marker)).toBe(true);
  });

  it('applies exclude, eligible and their authid forms, and discloses the publisher, across nodes', async () => {
    await using nodes = await startNodes(2);
    const [a, b] = nodes as unknown as [RouterFixture, RouterFixture];
    const first = await joined(b);
    const second = await joined(b);
    const firstId = first.sessionId;
    const secondId = second.sessionId;
    await subscribed(first, 1, 'com.app.t');
    await subscribed(second, 1, 'com.app.t');
    const writer = await joined(a);
    await published(writer, 1, 'com.app.t', ['only-first'], { eligible: [firstId] });
    await published(writer, 2, 'com.app.t', ['not-first'], { exclude: [firstId] });
    await published(writer, 3, 'com.app.t', ['disclosed'], { disclose_me: true, exclude_authid: ['nobody'] });
    expect((await events(first, 2)).map((event) => (event[4] as string[])[0])).toEqual(['only-first', 'disclosed']);
    const toSecond = await events(second, 2);
    expect(toSecond.map((event) => (event[4] as string[])[0])).toEqual(['not-first', 'disclosed']);
    expect(toSecond[1]![3]).toMatchObject({ publisher: writer.sessionId });
    expect(secondId).not.toBe(firstId);
  });

  it('listens on NATS only for what its own sessions subscribe to, and stops when they leave', async () => {
    await using nodes = await startNodes(2);
    const [a, b] = nodes as unknown as [RouterFixture, RouterFixture];
    const writer = await joined(a);
    await published(writer, 1, 'com.app.nobody', ['x']);
    expect(b.router.stats().cluster).toMatchObject({ subjects: 0, publicationsIn: 0 });
    const reader = await joined(b);
    const subscription = await subscribed(reader, 1, 'com.app.t');
    await published(writer, 2, 'com.app.other', ['x']);
    await published(writer, 3, 'com.app.t', ['y']);
    expect((await events(reader, 1))[0]![4]).toEqual(['y']);
    expect(b.router.stats().cluster).toMatchObject({ subjects: 1, publicationsIn: 1 });
    reader.send(unsubscribe(2, subscription));
    expect((await reader.next())[0]).toBe(MessageCode.UNSUBSCRIBED);
    expect(b.router.stats().cluster).toMatchObject({ subjects: 0 });
  });

  it('drops malformed and oversize messages from NATS with a log line, and goes on', async () => {
    await using nodes = await startNodes(2, { limits: { maxMessageBytes: 64 * 1024 } });
    const [a, b] = nodes as unknown as [RouterFixture, RouterFixture];
    const reader = await joined(b);
    await subscribed(reader, 1, 'com.app.t');
    const intruder = await natsConnect({ servers: nats.url });
    try {
      intruder.publish('wamp.realm1.e.com.app.t', new Uint8Array([0xff, 0x00, 0x13]));
      intruder.publish('wamp.realm1.e.com.app.t', new TextEncoder().encode('[1, "not", "a", "publication"]'));
      intruder.publish('wamp.realm1.e.com.app.t', new Uint8Array(100_000));
      await intruder.flush();
    } finally {
      await intruder.close();
    }
    const writer = await joined(a);
    await published(writer, 1, 'com.app.t', ['still working']);
    expect((await events(reader, 1))[0]![4]).toEqual(['still working']);
    expect(b.router.stats().cluster).toMatchObject({ rejected: 3, publicationsIn: 1 });
  });

  it('gives a late subscriber on any node the retained event published on another', async () => {
    await using nodes = await startNodes(3);
    const [a, b, c] = nodes as unknown as [RouterFixture, RouterFixture, RouterFixture];
    const writer = await joined(a);
    const publication = await published(writer, 1, 'com.app.state', ['v1'], { retain: true });
    const second = await published(writer, 2, 'com.app.state', ['v2'], { retain: true });
    await published(writer, 3, 'com.app.secret', ['for nobody'], { retain: true, eligible: [1] });
    const late = await joined(b);
    late.send(subscribe(1, { get_retained: true }, 'com.app.state'));
    const [subscribedAnswer, retained] = [await late.next(5_000), await late.next(5_000)];
    expect(subscribedAnswer[0]).toBe(MessageCode.SUBSCRIBED);
    expect(retained).toEqual([MessageCode.EVENT, subscribedAnswer[2], second, { retained: true }, ['v2']]);
    expect(second).not.toBe(publication);
    const byPattern = await joined(c);
    byPattern.send(subscribe(1, { match: 'prefix', get_retained: true }, 'com.app.'));
    expect((await byPattern.next(5_000))[0]).toBe(MessageCode.SUBSCRIBED);
    // Only the event it may receive: com.app.secret was for session 1 alone.
    expect(await byPattern.next(5_000)).toEqual([
      MessageCode.EVENT,
      expect.any(Number),
      second,
      { retained: true, topic: 'com.app.state' },
      ['v2'],
    ]);
    const marker = await published(writer, 4, 'com.app.state', ['v3']);
    expect((await byPattern.next(5_000))[2]).toBe(marker);
  });

  it('refuses to start, saying what to do, when NATS cannot be reached', async () => {
    const router = (await import('../src/index.js')).createRouter({
      cluster: { nats: { servers: 'nats://127.0.0.1:1' } },
    });
    await expect(router.listen({ port: 0 })).rejects.toMatchObject({
      code: 'ROUTER_ERR_CLUSTER_UNAVAILABLE',
      message: expect.stringContaining('start nats-server there, or fix --cluster'),
    });
    await router.close();
  });
});
