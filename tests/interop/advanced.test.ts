// Advanced profile features with third-party peers: Autobahn|JS and wampy.js use pattern subscriptions, pattern
// and shared registrations and caller disclosure against our router, over JSON and CBOR.
import { createRouter, type Router } from '@wamp/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InteropPeer, LIBRARIES, type Payload, type SerializerName } from './peers.js';

let router: Router;
let url: string;

beforeAll(async () => {
  router = createRouter();
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  await router.close();
});

describe.each(['json', 'cbor'] as SerializerName[])('advanced features over %s', (serializer) => {
  describe.each(Object.keys(LIBRARIES))('with %s', (library) => {
    const peers: InteropPeer[] = [];
    const open = async () => {
      const peer = await LIBRARIES[library]!(url, serializer);
      peers.push(peer);
      return peer;
    };
    const prefix = `com.adv.${serializer}.${library}`;

    afterAll(async () => {
      for (const peer of peers) await peer.close();
    });

    it('receives events on prefix and wildcard subscriptions with the concrete topic', async () => {
      const subscriber = await open();
      const publisher = await open();
      let prefixed!: (payload: Payload) => void;
      let wildcarded!: (payload: Payload) => void;
      const byPrefix = new Promise<Payload>((resolve) => {
        prefixed = resolve;
      });
      const byWildcard = new Promise<Payload>((resolve) => {
        wildcarded = resolve;
      });
      await subscriber.subscribe(`${prefix}.sensors`, prefixed, { match: 'prefix' });
      await subscriber.subscribe(`${prefix}..temperature`, wildcarded, { match: 'wildcard' });
      await publisher.publish(`${prefix}.sensors2.temperature`, { args: [21.5], kwargs: {} });
      expect((await byPrefix).args).toEqual([21.5]);
      expect((await byPrefix).details?.topic).toBe(`${prefix}.sensors2.temperature`);
      expect((await byWildcard).details?.topic).toBe(`${prefix}.sensors2.temperature`);
    });

    it('spreads calls over a roundrobin shared registration and discloses the caller on request', async () => {
      const served: number[] = [];
      const callers: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        const callee = await open();
        await callee.register(
          `${prefix}.shared`,
          ({ details }) => {
            served.push(i);
            callers.push(details?.caller);
            return { args: [i], kwargs: {} };
          },
          { invoke: 'roundrobin' },
        );
      }
      const caller = await open();
      for (let call = 0; call < 6; call++)
        await caller.call(`${prefix}.shared`, { args: [], kwargs: {} }, { disclose_me: true });
      expect(served).toEqual([0, 1, 2, 0, 1, 2]);
      expect(callers.every((value) => typeof value === 'number' && value > 0)).toBe(true);
    });

    it('routes a call to a prefix registration with the called procedure in the details', async () => {
      const callee = await open();
      await callee.register(`${prefix}.api`, ({ details }) => ({ args: [details?.procedure], kwargs: {} }), {
        match: 'prefix',
      });
      const caller = await open();
      expect((await caller.call(`${prefix}.api.users.list`, { args: [], kwargs: {} })).args).toEqual([
        `${prefix}.api.users.list`,
      ]);
    });
  });
});

// Autobahn only: wampy 8 handles SUBSCRIBED asynchronously and drops an EVENT that arrives right behind it, which
// is exactly where the spec puts a retained event.
describe.each(['json', 'cbor'] as SerializerName[])('event retention with autobahn over %s', (serializer) => {
  const prefix = `com.adv.retained.${serializer}`;
  const peers: InteropPeer[] = [];
  const open = async () => {
    const peer = await LIBRARIES.autobahn!(url, serializer);
    peers.push(peer);
    return peer;
  };

  afterAll(async () => {
    for (const peer of peers) await peer.close();
  });

  it('delivers a retained event to a late subscriber that asks for it', async () => {
    const publisher = await open();
    await publisher.publish(`${prefix}.state`, { args: ['kept'], kwargs: {} }, { retain: true });
    const late = await open();
    let received!: (payload: Payload) => void;
    const retained = new Promise<Payload>((resolve) => {
      received = resolve;
    });
    await late.subscribe(`${prefix}.state`, received, { get_retained: true });
    const event = await retained;
    expect(event.args).toEqual(['kept']);
    expect(event.details?.retained).toBe(true);
  });
});
