// The interop suite's scenarios on a cluster: three router nodes meeting on a real nats-server, with Autobahn|JS
// and wampy.js as peers spread over the nodes (callee on one node, caller on another, a subscriber on every node),
// each library with itself and with the other, each peer with its own serializer.
import { createRouter, type Router } from '@wamp/router';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type NatsServer, startNatsServer } from '../../packages/router/test/support/nats-server.js';
import {
  asRemoteError,
  connectAutobahn,
  connectWampy,
  type InteropPeer,
  openAutobahn,
  type Payload,
  type SerializerName,
} from './peers.js';

type Library = 'autobahn' | 'wampy';
/** One side of a scenario: the library and the serializer its peers speak. */
interface Side {
  library: Library;
  serializer: SerializerName;
}

const REALM = 'realm1';
/** A realm of its own for the session meta API, so that its counts see only that test's sessions. */
const META_REALM = 'com.interop.cluster.meta';
const NODES = 3;
/** How long an event or a change may take to cross the cluster before a poll gives up. */
const POLL = { timeout: 5_000, interval: 20 };

// Each library with itself and with the other, over different serializers on the two sides: what crosses NATS
// is the router's own encoding, so a peer's serializer must not matter to a peer on another node.
const PAIRS: [title: string, front: Side, back: Side][] = [
  [
    'autobahn/json caller & publisher, autobahn/msgpack callee & subscriber',
    { library: 'autobahn', serializer: 'json' },
    { library: 'autobahn', serializer: 'msgpack' },
  ],
  [
    'wampy/cbor caller & publisher, wampy/json callee & subscriber',
    { library: 'wampy', serializer: 'cbor' },
    { library: 'wampy', serializer: 'json' },
  ],
  [
    'wampy/msgpack caller & publisher, autobahn/cbor callee & subscriber',
    { library: 'wampy', serializer: 'msgpack' },
    { library: 'autobahn', serializer: 'cbor' },
  ],
  [
    'autobahn/cbor caller & publisher, wampy/msgpack callee & subscriber',
    { library: 'autobahn', serializer: 'cbor' },
    { library: 'wampy', serializer: 'msgpack' },
  ],
];

let nats: NatsServer | undefined;
const routers: Router[] = [];
const urls: string[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  for (let node = 1; node <= NODES; node++) {
    const router = createRouter({
      realms: [REALM, META_REALM],
      cluster: { nats: { servers: nats.url, name: `interop-node-${node}` } },
    });
    routers.push(router);
    urls.push((await router.listen({ host: '127.0.0.1', port: 0 })).url);
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(routers.map((router) => router.close().catch(() => undefined)));
  await nats?.[Symbol.asyncDispose]();
});

const CONNECT = { autobahn: connectAutobahn, wampy: connectWampy };
/** Closes what the current test opened. */
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A peer of `side` on node `node` (1-based), closed after the test unless the test closes it first. */
async function peer(side: Side, node: number, realm = REALM): Promise<InteropPeer> {
  const joined = await CONNECT[side.library](urls[node - 1]!, side.serializer, realm);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= joined.close();
    return closing;
  };
  closers.push(close);
  return { ...joined, close };
}

/** An Autobahn session of its own API (for progress) on node `node`, closed after the test. */
async function autobahnSession(node: number, serializer: SerializerName): Promise<import('autobahn').Session> {
  const { connection, session } = await openAutobahn(urls[node - 1]!, serializer);
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        connection.onclose = () => {
          resolve();
          return false;
        };
        connection.close();
      }),
  );
  return session;
}

/** Collects what a subscriber receives, in order. */
function inbox(): { events: Payload[]; handler: (payload: Payload) => void; firsts: () => unknown[] } {
  const events: Payload[] = [];
  return { events, handler: (payload) => events.push(payload), firsts: () => events.map((event) => event.args[0]) };
}

const EMPTY: Payload = { args: [], kwargs: {} };

describe.each(PAIRS)('across 3 nodes: %s', (_title, front, back) => {
  const prefix = `com.interop.cluster.${front.library}.${front.serializer}.${back.library}.${back.serializer}`;

  it('calls a callee on another node with args and kwargs and gets both back', async () => {
    const callee = await peer(back, 1);
    await callee.register(`${prefix}.echo`, ({ args, kwargs }) => ({
      args: [...args].reverse(),
      kwargs: { ...kwargs, seen: true },
    }));
    const caller = await peer(front, 2);
    const result = await caller.call(`${prefix}.echo`, { args: [1, 'two', [3], { four: 4 }], kwargs: { five: 5 } });
    expect(result.args).toEqual([{ four: 4 }, [3], 'two', 1]);
    expect(result.kwargs).toEqual({ five: 5, seen: true });
  });

  it('routes an application error from another node with its URI, args and kwargs', async () => {
    const callee = await peer(back, 3);
    await callee.registerFailing(`${prefix}.fail`, 'com.interop.error.refused');
    const caller = await peer(front, 1);
    const failure = await caller
      .call(`${prefix}.fail`, { args: ['why', 2], kwargs: { code: 7 } })
      .then(() => undefined, asRemoteError);
    expect(failure).toEqual({ uri: 'com.interop.error.refused', args: ['why', 2], kwargs: { code: 7 } });
  });

  it('answers no_such_procedure for a procedure no node has, and once its callee on another node unregistered', async () => {
    const caller = await peer(front, 2);
    const missing = await caller.call(`${prefix}.missing`, EMPTY).then(() => undefined, asRemoteError);
    expect(missing?.uri).toBe('wamp.error.no_such_procedure');
    const callee = await peer(back, 3);
    await callee.register(`${prefix}.temporary`, () => ({ args: ['here'], kwargs: {} }));
    expect((await caller.call(`${prefix}.temporary`, EMPTY)).args).toEqual(['here']);
    await callee.unregister(`${prefix}.temporary`);
    // UNREGISTERED comes once the registry dropped the callee: the very next call, from another node, finds nothing.
    expect(
      (
        await caller.call(`${prefix}.temporary`, EMPTY).then(
          () => undefined,
          (error: unknown) => asRemoteError(error),
        )
      )?.uri,
    ).toBe('wamp.error.no_such_procedure');
  });

  it('delivers an event exactly once to a subscriber on every node, in publish order', async () => {
    const inboxes = [inbox(), inbox(), inbox()];
    for (const [index, box] of inboxes.entries()) {
      const subscriber = await peer(back, index + 1);
      await subscriber.subscribe(`${prefix}.news`, box.handler);
    }
    const publisher = await peer(front, 1);
    await publisher.publish(`${prefix}.news`, { args: ['headline', 1], kwargs: { urgent: true } });
    // A second publication serves as a barrier: the publisher's events arrive in order, so once the marker is
    // there, a duplicate of the first event would have arrived before it.
    await publisher.publish(`${prefix}.news`, { args: ['marker'], kwargs: {} });
    for (const box of inboxes) {
      await expect.poll(box.firsts, POLL).toContain('marker');
      expect(box.firsts()).toEqual(['headline', 'marker']);
      expect(box.events[0]).toMatchObject({ args: ['headline', 1], kwargs: { urgent: true } });
    }
  });

  it('excludes the publisher from its own event by default, while subscribers on other nodes get it', async () => {
    const publisher = await peer(front, 1);
    const own = inbox();
    await publisher.subscribe(`${prefix}.self`, own.handler);
    const remote = inbox();
    await (await peer(back, 2)).subscribe(`${prefix}.self`, remote.handler);
    await publisher.publish(`${prefix}.self`, { args: ['mine'], kwargs: {} });
    // Were the publisher not excluded, its own node would have sent it 'mine' before PUBLISHED, so before the
    // marker that another node publishes after that.
    await (await peer(back, 3)).publish(`${prefix}.self`, { args: ['marker'], kwargs: {} });
    await expect.poll(own.firsts, POLL).toContain('marker');
    expect(own.firsts()).toEqual(['marker']);
    // Order holds per publisher only: 'mine' and 'marker' come from two nodes, so the remote subscriber may get
    // them either way round (PUBLISHED does not wait for NATS to pass the event on).
    await expect.poll(() => remote.firsts().sort(), POLL).toEqual(['marker', 'mine']);
  });

  it('spreads a roundrobin shared registration over callees on every node, in registration order', async () => {
    const served: number[] = [];
    for (let node = 1; node <= NODES; node++) {
      const callee = await peer(back, node);
      await callee.register(
        `${prefix}.shared`,
        () => {
          served.push(node);
          return { args: [node], kwargs: {} };
        },
        { invoke: 'roundrobin' },
      );
    }
    const caller = await peer(front, 2);
    const answers: unknown[] = [];
    for (let call = 0; call < 6; call++) answers.push((await caller.call(`${prefix}.shared`, EMPTY)).args[0]);
    expect(answers).toEqual([1, 2, 3, 1, 2, 3]);
    expect(served).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('discloses the caller to a callee on another node exactly as to a callee on its own node', async () => {
    const seen: Record<'local' | 'remote', (Record<string, unknown> | undefined)[]> = { local: [], remote: [] };
    const local = await peer(back, 2);
    await local.register(`${prefix}.who.local`, ({ details }) => {
      seen.local.push(details);
      return EMPTY;
    });
    const remote = await peer(back, 1);
    await remote.register(`${prefix}.who.remote`, ({ details }) => {
      seen.remote.push(details);
      return EMPTY;
    });
    const caller = await peer(front, 2);
    for (const where of ['local', 'remote'] as const) {
      await caller.call(`${prefix}.who.${where}`, EMPTY, { disclose_me: true });
      await caller.call(`${prefix}.who.${where}`, EMPTY);
    }
    const identity = (details: Record<string, unknown> | undefined) => ({
      // wampy's MessagePack decoder gives 64-bit integers as BigInt; cluster session IDs are above 2^43.
      caller: typeof details?.caller === 'bigint' ? Number(details.caller) : details?.caller,
      caller_authid: details?.caller_authid,
      caller_authrole: details?.caller_authrole,
    });
    const [disclosed, undisclosed] = seen.local.map(identity);
    expect(disclosed!.caller).toEqual(expect.any(Number));
    expect(disclosed!.caller).toBeGreaterThan(0);
    expect(undisclosed!.caller).toBeUndefined();
    expect(seen.remote.map(identity)).toEqual([disclosed, undisclosed]);
  });
});

describe.each(['json', 'cbor'] as SerializerName[])('progressive call results across nodes over %s', (serializer) => {
  const prefix = `com.interop.cluster.progress.${serializer}`;

  /** An Autobahn callee on node 1 that sends each of its args as a progressive result, then 'done'. */
  async function progressiveCallee(procedure: string): Promise<void> {
    const callee = await autobahnSession(1, serializer);
    await callee.register(procedure, (args, _kwargs, details) => {
      const progress = (details as { progress?: (args: unknown[]) => void }).progress;
      for (const part of args) progress?.([part]);
      return 'done';
    });
  }

  it('an autobahn caller on node 2 receives the progressive results of an autobahn callee on node 1', async () => {
    await progressiveCallee(`${prefix}.autobahn`);
    const caller = await autobahnSession(2, serializer);
    const partials: unknown[] = [];
    const final = await caller.call(`${prefix}.autobahn`, [3, 2, 1], {}, { receive_progress: true }).then(
      (value) => value,
      undefined,
      (update) => partials.push(update),
    );
    expect(partials).toEqual([3, 2, 1]);
    expect(final).toBe('done');
  });

  it('a wampy caller on node 3 gets the progressive results of an autobahn callee on node 1', async () => {
    await progressiveCallee(`${prefix}.wampy`);
    const caller = await peer({ library: 'wampy', serializer }, 3);
    const partials: unknown[] = [];
    const final = await caller.call(
      `${prefix}.wampy`,
      { args: ['a', 'b'], kwargs: {} },
      { progress_callback: (data: { argsList?: unknown[] }) => partials.push(data.argsList?.[0]) },
    );
    expect(partials).toEqual(['a', 'b']);
    expect(final.args).toEqual(['done']);
  });

  it('an autobahn caller that did not ask for progress gets only the final result from another node', async () => {
    await progressiveCallee(`${prefix}.quiet`);
    const caller = await autobahnSession(3, serializer);
    const partials: unknown[] = [];
    const final = await caller.call(`${prefix}.quiet`, [1, 2], {}, {}).then(
      (value) => value,
      undefined,
      (update) => partials.push(update),
    );
    expect(final).toBe('done');
    expect(partials).toEqual([]);
  });
});

// wampy sends `exclude_me` only when it is true (the default anyway), so opting out is Autobahn's alone.
describe('publisher exclusion opted out with autobahn across nodes', () => {
  it('delivers to the publisher too with exclude_me: false, and to a subscriber on another node', async () => {
    const side: Side = { library: 'autobahn', serializer: 'json' };
    const topic = 'com.interop.cluster.exclude_me.off';
    const publisher = await peer(side, 3);
    const own = inbox();
    await publisher.subscribe(topic, own.handler);
    const remote = inbox();
    await (await peer(side, 1)).subscribe(topic, remote.handler);
    await publisher.publish(topic, { args: ['excluded'], kwargs: {} });
    await publisher.publish(topic, { args: ['included'], kwargs: {} }, { exclude_me: false });
    await expect.poll(own.firsts, POLL).toContain('included');
    await expect.poll(remote.firsts, POLL).toContain('included');
    expect(own.firsts()).toEqual(['included']);
    expect(remote.firsts()).toEqual(['excluded', 'included']);
  });
});

describe('session meta API across nodes', () => {
  it('autobahn and wampy on different nodes count and list the sessions of every node', async () => {
    const onOne = await peer({ library: 'autobahn', serializer: 'json' }, 1, META_REALM);
    const onTwo = await peer({ library: 'wampy', serializer: 'cbor' }, 2, META_REALM);
    const onThree = await peer({ library: 'wampy', serializer: 'json' }, 3, META_REALM);
    const count = async (asker: InteropPeer) => (await asker.call('wamp.session.count', EMPTY)).args[0];
    // A node learns of the others from their heartbeats; until then it does not know whom to ask.
    for (const asker of [onOne, onTwo, onThree]) await expect.poll(() => count(asker), POLL).toBe(3);
    const listed = (await onTwo.call('wamp.session.list', EMPTY)).args[0] as number[];
    expect(listed).toHaveLength(3);
    expect(new Set(listed).size).toBe(3);
    await onThree.close();
    for (const asker of [onOne, onTwo]) await expect.poll(() => count(asker), POLL).toBe(2);
  });
});
