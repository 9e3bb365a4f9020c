// Third-party WAMP clients (Autobahn|JS 22 and wampy.js 8) against our router over every serializer: each
// library with itself, and each with the other on the opposite side of the router; the same scenarios on one router
// and on a cluster of three nodes (on a real nats-server) with the callee and the caller on different nodes.
import { createRouter, type Router } from '@wamp/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsServer, startNatsServer } from '../../packages/router/test/support/nats-server.js';
import { asRemoteError, type InteropPeer, LIBRARIES, type Payload, type SerializerName } from './peers.js';

const SERIALIZERS: SerializerName[] = ['json', 'msgpack', 'cbor'];
const PAIRS: [string, string][] = [
  ['autobahn', 'autobahn'],
  ['wampy', 'wampy'],
  ['wampy', 'autobahn'],
  ['autobahn', 'wampy'],
];

let router: Router;
let url: string;
let nats: NatsServer;
const nodes: Router[] = [];
const nodeUrls: string[] = [];

beforeAll(async () => {
  router = createRouter({ realms: ['realm1'] });
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
  nats = await startNatsServer();
  for (let i = 1; i <= 3; i++) {
    const node = createRouter({
      realms: ['realm1'],
      cluster: { nats: { servers: nats.url, name: `interop-node-${i}` } },
    });
    nodes.push(node);
    nodeUrls.push((await node.listen({ host: '127.0.0.1', port: 0 })).url);
  }
});

afterAll(async () => {
  await router.close();
  await Promise.all(nodes.map((node) => node.close()));
  await nats[Symbol.asyncDispose]();
});

/** Where each side connects: both to the one router, or the callee to node 2 and the caller to node 3. */
const TOPOLOGIES = [
  { name: 'one router', callee: () => url, caller: () => url },
  { name: 'three cluster nodes', callee: () => nodeUrls[1]!, caller: () => nodeUrls[2]! },
];

/** Resolves with the first event `peer` receives on `topic` after subscribing. */
function nextEvent(): { promise: Promise<Payload>; handler: (payload: Payload) => void } {
  let handler!: (payload: Payload) => void;
  const promise = new Promise<Payload>((resolve) => {
    handler = resolve;
  });
  return { promise, handler };
}

describe.each(TOPOLOGIES)('on $name', (topology) => {
  describe.each(SERIALIZERS)('over %s', (serializer) => {
    describe.each(PAIRS)('%s caller/publisher, %s callee/subscriber', (front, back) => {
      let caller: InteropPeer;
      let callee: InteropPeer;
      const prefix = `com.interop.${serializer}.${front}.${back}`;

      beforeAll(async () => {
        callee = await LIBRARIES[back]!(topology.callee(), serializer);
        caller = await LIBRARIES[front]!(topology.caller(), serializer);
      });

      afterAll(async () => {
        await caller.close();
        await callee.close();
      });

      it('calls with args and kwargs and gets both back', async () => {
        await callee.register(`${prefix}.echo`, ({ args, kwargs }) => ({
          args: [...args].reverse(),
          kwargs: { ...kwargs, seen: true },
        }));
        const result = await caller.call(`${prefix}.echo`, { args: [1, 'two', [3]], kwargs: { four: 4 } });
        expect(result.args).toEqual([[3], 'two', 1]);
        expect(result.kwargs).toEqual({ four: 4, seen: true });
      });

      it('routes an application error with its URI, args and kwargs', async () => {
        await callee.registerFailing(`${prefix}.fail`, 'com.interop.error.refused');
        const failure = await caller
          .call(`${prefix}.fail`, { args: ['why'], kwargs: { code: 7 } })
          .then(() => undefined, asRemoteError);
        expect(failure).toEqual({ uri: 'com.interop.error.refused', args: ['why'], kwargs: { code: 7 } });
      });

      it('answers no_such_procedure for an unknown procedure', async () => {
        const failure = await caller
          .call(`${prefix}.missing`, { args: [], kwargs: {} })
          .then(() => undefined, asRemoteError);
        expect(failure?.uri).toBe('wamp.error.no_such_procedure');
      });

      it('unregisters, after which the procedure is gone', async () => {
        await callee.register(`${prefix}.temporary`, () => ({ args: ['here'], kwargs: {} }));
        expect((await caller.call(`${prefix}.temporary`, { args: [], kwargs: {} })).args).toEqual(['here']);
        await callee.unregister(`${prefix}.temporary`);
        const failure = await caller
          .call(`${prefix}.temporary`, { args: [], kwargs: {} })
          .then(() => undefined, asRemoteError);
        expect(failure?.uri).toBe('wamp.error.no_such_procedure');
      });

      it('publishes an event with args and kwargs to a subscriber', async () => {
        const event = nextEvent();
        await callee.subscribe(`${prefix}.news`, event.handler);
        await caller.publish(`${prefix}.news`, { args: ['headline', 1], kwargs: { urgent: true } });
        expect(await event.promise).toMatchObject({ args: ['headline', 1], kwargs: { urgent: true } });
      });

      it('stops delivering after unsubscribe', async () => {
        const received: Payload[] = [];
        await callee.subscribe(`${prefix}.stop`, (payload) => received.push(payload));
        await callee.unsubscribe(`${prefix}.stop`);
        // A second subscription on the same session serves as a barrier: events arrive in order.
        const barrier = nextEvent();
        await callee.subscribe(`${prefix}.barrier`, barrier.handler);
        await caller.publish(`${prefix}.stop`, { args: ['dropped'], kwargs: {} });
        await caller.publish(`${prefix}.barrier`, { args: ['after'], kwargs: {} });
        await barrier.promise;
        expect(received).toEqual([]);
      });
    });
  });
});

describe('goodbye', () => {
  it.each(Object.keys(LIBRARIES))('%s leaves cleanly and the router forgets its session', async (library) => {
    const before = router.stats().sessions;
    const peer = await LIBRARIES[library]!(url, 'json');
    await peer.register(`com.interop.goodbye.${library}`, () => ({ args: [], kwargs: {} }));
    expect(router.stats().sessions).toBe(before + 1);
    await peer.close();
    await expect.poll(() => router.stats().sessions).toBe(before);
  });
});
