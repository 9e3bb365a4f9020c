// @wamp/client against Autobahn|JS through our router, both directions, over every serializer.
import { Session, WampError } from '@wamp/client';
import { cbor } from '@wamp/client/cbor';
import { msgpack } from '@wamp/client/msgpack';
import { jsonSerializer } from '@wamp/protocol/json';
import { createRouter, type Router } from '@wamp/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asRemoteError, connectAutobahn, type InteropPeer, type Payload, type SerializerName } from './peers.js';

const SERIALIZERS = { json: jsonSerializer, cbor, msgpack };

let router: Router;
let url: string;

beforeAll(async () => {
  router = createRouter();
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  await router.close();
});

describe.each(Object.keys(SERIALIZERS) as SerializerName[])('@wamp/client with autobahn over %s', (name) => {
  let ours: Session;
  let autobahn: InteropPeer;
  const prefix = `com.client.${name}`;

  beforeAll(async () => {
    ours = await Session.connect({ url, realm: 'realm1', serializers: [SERIALIZERS[name]], reconnect: false });
    autobahn = await connectAutobahn(url, name);
  });

  afterAll(async () => {
    await ours.close();
    await autobahn.close();
  });

  it('calls an autobahn callee', async () => {
    await autobahn.register(`${prefix}.mul`, ({ args, kwargs }) => ({
      args: [(args[0] as number) * (args[1] as number)],
      kwargs: { by: kwargs.by ?? 'autobahn' },
    }));
    expect(await ours.call(`${prefix}.mul`, [6, 7])).toBe(42);
    const raw = await ours.raw.call(`${prefix}.mul`, [2, 3], { kwargs: { by: 'us' } });
    expect(raw).toMatchObject({ args: [6], kwargs: { by: 'us' } });
  });

  it('serves an autobahn caller, errors included', async () => {
    await ours.register(`${prefix}.upper`, ([text]) => String(text).toUpperCase());
    expect((await autobahn.call(`${prefix}.upper`, { args: ['wamp'], kwargs: {} })).args).toEqual(['WAMP']);
    await ours.register(`${prefix}.refuse`, () => {
      throw new WampError('com.client.error.refused', ['no'], { kwargs: { why: 'test' } });
    });
    const failure = await autobahn
      .call(`${prefix}.refuse`, { args: [], kwargs: {} })
      .then(() => undefined, asRemoteError);
    expect(failure).toEqual({ uri: 'com.client.error.refused', args: ['no'], kwargs: { why: 'test' } });
  });

  it('exchanges events both ways', async () => {
    let received!: (payload: Payload) => void;
    const toAutobahn = new Promise<Payload>((resolve) => {
      received = resolve;
    });
    await autobahn.subscribe(`${prefix}.a`, received);
    const toUs = ours.subscribe(`${prefix}.b`);
    await toUs.ready;
    await ours.publish(`${prefix}.a`, ['hi autobahn'], { acknowledge: true, kwargs: { n: 1 } });
    expect(await toAutobahn).toMatchObject({ args: ['hi autobahn'], kwargs: { n: 1 } });
    await autobahn.publish(`${prefix}.b`, { args: ['hi client'], kwargs: { n: 2 } });
    const { value } = await toUs.next();
    expect(value).toMatchObject({ args: ['hi client'], kwargs: { n: 2 } });
    await toUs.return();
  });
});
