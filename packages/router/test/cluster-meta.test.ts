// The session meta API answers for the whole cluster: counts, lists, details and kills reach the sessions of
// every node, whichever node serves the call.
import { call, MessageCode, publish, subscribe } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantEverything, type RouterFixture, startRouter } from './support/fixture.js';
import { type NatsServer, startNatsServer } from './support/nats-server.js';
import type { RawPeer } from './support/raw-peer.js';

let nats: NatsServer;

beforeAll(async () => {
  nats = await startNatsServer();
});

afterAll(async () => {
  await nats[Symbol.asyncDispose]();
});

async function result(peer: RawPeer, request: number, procedure: string, args: unknown[] = []) {
  peer.send(call(request, {}, procedure, args));
  const answer = await peer.next(5_000);
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.RESULT);
  return (answer[3] as unknown[] | undefined)?.[0];
}

describe('session meta API across nodes', () => {
  it('counts, lists, describes and kills the sessions of every node', async () => {
    const nodes = await Promise.all(
      [1, 2, 3].map((i) =>
        startRouter({
          auth: grantEverything('realm1'),
          cluster: { nats: { servers: nats.url, name: `meta-node-${i}` } },
        }),
      ),
    );
    try {
      const [a, b, c] = nodes as [RouterFixture, RouterFixture, RouterFixture];
      const peers: RawPeer[] = [];
      for (const node of nodes) {
        for (let i = 0; i < 2; i++) {
          const peer = await node.connect(jsonSerializer);
          await peer.join('realm1');
          peers.push(peer);
        }
      }
      const admin = await a.connect(jsonSerializer);
      await admin.join('realm1');
      // Until the nodes have heard each other's heartbeats, a node does not know how many answers to wait for.
      await expect.poll(async () => result(admin, 1, 'wamp.session.count'), { timeout: 5_000 }).toBe(7);
      const listed = (await result(admin, 2, 'wamp.session.list')) as number[];
      expect(new Set(listed)).toEqual(new Set([...peers, admin].map((peer) => peer.sessionId)));
      const onC = peers[4]!;
      expect(await result(admin, 3, 'wamp.session.get', [onC.sessionId])).toMatchObject({
        session: onC.sessionId,
        authrole: 'operator',
      });
      const onB = peers[2]!;
      expect(await result(admin, 4, 'wamp.session.kill', [onB.sessionId])).toBeUndefined();
      expect(await onB.next(5_000)).toEqual([MessageCode.GOODBYE, {}, 'wamp.close.killed']);
      expect(await result(admin, 5, 'wamp.session.kill_all')).toBe(5);
      for (const peer of [peers[0]!, peers[3]!, peers[5]!])
        expect((await peer.next(5_000))[0]).toBe(MessageCode.GOODBYE);
      expect([a.router.stats().sessions, b.router.stats().sessions, c.router.stats().sessions]).toEqual([1, 0, 0]);
    } finally {
      await Promise.all(nodes.map((node) => node[Symbol.asyncDispose]()));
    }
  });

  it('answers wamp.subscription.get_events with the events published on every node, in time order', async () => {
    const eventHistory = [{ topic: 'com.app.log', limit: 10 }];
    const nodes = await Promise.all(
      [1, 2, 3].map((i) =>
        startRouter({ eventHistory, cluster: { nats: { servers: nats.url, name: `history-node-${i}` } } }),
      ),
    );
    try {
      const [a, b, c] = nodes as [RouterFixture, RouterFixture, RouterFixture];
      const reader = await c.connect(jsonSerializer);
      await reader.join('realm1');
      reader.send(subscribe(1, {}, 'com.app.log'));
      const subscription = (await reader.next(5_000))[2] as number;
      const writers = [await a.connect(jsonSerializer), await b.connect(jsonSerializer)];
      for (const writer of writers) await writer.join('realm1');
      for (let i = 1; i <= 4; i++) {
        const writer = writers[i % 2]!;
        writer.send(publish(i, { acknowledge: true }, 'com.app.log', [i]));
        expect((await writer.next(5_000))[0]).toBe(MessageCode.PUBLISHED);
        expect((await reader.next(5_000))[0]).toBe(MessageCode.EVENT);
      }
      await expect
        .poll(
          async () => {
            const events = (await result(reader, 2, 'wamp.subscription.get_events', [subscription])) as {
              args: number[];
            }[];
            return events.map((event) => event.args[0]);
          },
          { timeout: 5_000 },
        )
        .toEqual([1, 2, 3, 4]);
      reader.send(call(3, {}, 'wamp.subscription.get_events', [subscription], { reverse: true, limit: 2 }));
      const newest = await reader.next(5_000);
      expect(((newest[3] as unknown[])[0] as { args: number[] }[]).map((event) => event.args[0])).toEqual([4, 3]);
    } finally {
      await Promise.all(nodes.map((node) => node[Symbol.asyncDispose]()));
    }
  });

  it('answers the subscription meta API for the subscriptions of every node, under IDs shared by the nodes', async () => {
    const nodes = await Promise.all(
      [1, 2, 3].map((i) =>
        startRouter({
          auth: grantEverything('realm1'),
          cluster: { nats: { servers: nats.url, name: `subs-node-${i}` } },
        }),
      ),
    );
    try {
      const [a, b, c] = nodes as [RouterFixture, RouterFixture, RouterFixture];
      const subscribers: RawPeer[] = [];
      const ids: number[] = [];
      for (const node of [a, b]) {
        const peer = await node.connect(jsonSerializer);
        await peer.join('realm1', { subscriber: { features: { subscription_revocation: true } } });
        peer.send(subscribe(1, {}, 'com.app.t'));
        ids.push((await peer.next(5_000))[2] as number);
        subscribers.push(peer);
      }
      expect(ids[0]).toBe(ids[1]);
      const id = ids[0]!;
      const admin = await c.connect(jsonSerializer);
      await admin.join('realm1');
      await expect
        .poll(async () => result(admin, 1, 'wamp.subscription.count_subscribers', [id]), { timeout: 5_000 })
        .toBe(2);
      expect(await result(admin, 2, 'wamp.subscription.lookup', ['com.app.t'])).toBe(id);
      expect(await result(admin, 3, 'wamp.subscription.match', ['com.app.t'])).toEqual([id]);
      expect(await result(admin, 4, 'wamp.subscription.list')).toMatchObject({ exact: [id] });
      expect(await result(admin, 5, 'wamp.subscription.get', [id])).toMatchObject({
        id,
        uri: 'com.app.t',
        match: 'exact',
      });
      expect(new Set((await result(admin, 6, 'wamp.subscription.list_subscribers', [id])) as number[])).toEqual(
        new Set(subscribers.map((peer) => peer.sessionId)),
      );
      expect(new Set((await result(admin, 7, 'wamp.subscription.remove', [id])) as number[])).toEqual(
        new Set(subscribers.map((peer) => peer.sessionId)),
      );
      for (const peer of subscribers)
        expect(await peer.next(5_000)).toEqual([MessageCode.UNSUBSCRIBED, 0, { subscription: id }]);
      expect(await result(admin, 8, 'wamp.subscription.lookup', ['com.app.t'])).toBeNull();
    } finally {
      await Promise.all(nodes.map((node) => node[Symbol.asyncDispose]()));
    }
  });
});
