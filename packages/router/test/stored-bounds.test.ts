// What a client can make the router store is bounded: retained events (bytes per event and per realm), event
// history (bytes per log and per realm), and what the meta API tells about other sessions (their peer address).
// Each attack has a bystander whose own state and service must come through unharmed.
import { call, ErrorUri, type Message, MessageCode, publish, subscribe } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterMeta } from '../src/cluster/cluster-meta.js';
import { type Logger, silentLogger } from '../src/logger.js';
import { startRouter } from './support/fixture.js';
import { type NatsServer, startNatsServer } from './support/nats-server.js';
import type { RawPeer } from './support/raw-peer.js';

const KiB = 1024;

/** A payload of about `bytes` bytes. */
const blob = (bytes: number) => ['x'.repeat(bytes)];

async function subscribed(peer: RawPeer, request: number, topic: string, options = {}): Promise<number> {
  peer.send(subscribe(request, options, topic));
  const answer = await peer.next();
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.SUBSCRIBED);
  return answer[2] as number;
}

/** Publishes with `acknowledge` and returns the answer: PUBLISHED or ERROR. */
async function acknowledged(peer: RawPeer, request: number, topic: string, args: unknown[], options = {}) {
  peer.send(publish(request, { acknowledge: true, ...options }, topic, args));
  return peer.next();
}

/** Every message that arrives until `peer` is quiet: a round trip to the meta API marks the end. */
async function drain(peer: RawPeer, request: number): Promise<Message[]> {
  peer.send(call(request, {}, 'wamp.session.count'));
  const messages: Message[] = [];
  for (;;) {
    const message = await peer.next();
    if (message[0] === MessageCode.RESULT && message[1] === request) return messages;
    messages.push(message);
  }
}

describe('retained events are bounded in bytes', () => {
  it('a retained event over maxRetainedEventBytes is delivered, not retained, and its publisher is told', async () => {
    await using fixture = await startRouter({ limits: { maxRetainedEventBytes: 16 * KiB } });
    const bystander = fixture.local();
    await bystander.join();
    expect((await acknowledged(bystander, 1, 'com.bystander.state', ['fine'], { retain: true }))[0]).toBe(
      MessageCode.PUBLISHED,
    );
    const attacker = fixture.local();
    await attacker.join();
    const watcher = fixture.local();
    await watcher.join();
    const subscription = await subscribed(watcher, 1, 'com.attack.state');
    expect((await acknowledged(attacker, 1, 'com.attack.state', ['small'], { retain: true }))[0]).toBe(
      MessageCode.PUBLISHED,
    );
    const refused = await acknowledged(attacker, 2, 'com.attack.state', blob(32 * KiB), { retain: true });
    expect(refused.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.PUBLISH, 2, {}, ErrorUri.UNAVAILABLE]);
    expect(String((refused[5] as string[])[0])).toContain('not retained');
    // Delivered all the same, to the subscriber there is now.
    expect((await watcher.next())[4]).toEqual(['small']);
    const delivered = await watcher.next();
    expect(delivered[1]).toBe(subscription);
    expect((delivered[4] as string[])[0]).toHaveLength(32 * KiB);

    // A late subscriber gets neither the refused event nor the older one it replaced; the bystander's is there.
    const late = fixture.local();
    await late.join();
    await subscribed(late, 1, 'com.', { match: 'prefix', get_retained: true });
    const retained = await drain(late, 2);
    expect(retained.map((message) => message[4])).toEqual([['fine']]);
  });

  it('150 retained events from a publisher that leaves take at most maxRetainedBytesPerRealm', async () => {
    await using fixture = await startRouter({
      limits: { maxRetainedEventBytes: 16 * KiB, maxRetainedBytesPerRealm: 64 * KiB },
    });
    const bystander = fixture.local();
    await bystander.join();
    await acknowledged(bystander, 1, 'com.bystander.state', ['fine'], { retain: true });
    const attacker = fixture.local();
    await attacker.join();
    const answers: number[] = [];
    for (let i = 0; i < 150; i++) {
      answers.push((await acknowledged(attacker, i + 1, `com.attack.t${i}`, blob(10 * KiB), { retain: true }))[0]);
    }
    // 10 KiB each: six fit beside the bystander's event in 64 KiB, the rest are refused.
    expect(answers.filter((code) => code === MessageCode.PUBLISHED)).toHaveLength(6);
    expect(answers.filter((code) => code === MessageCode.ERROR)).toHaveLength(144);
    attacker.transport.close();
    await attacker.closed();

    const late = fixture.local();
    await late.join();
    await subscribed(late, 1, 'com.', { match: 'prefix', get_retained: true });
    const retained = await drain(late, 2);
    expect(retained).toHaveLength(7);
    expect(retained.some((message) => (message[4] as unknown[])[0] === 'fine')).toBe(true);
    // Replacing a topic's retained event counts only the difference: the bystander can still update its own.
    expect((await acknowledged(bystander, 2, 'com.bystander.state', ['better'], { retain: true }))[0]).toBe(
      MessageCode.PUBLISHED,
    );
  });
});

describe('event history is bounded in bytes', () => {
  it('a flood of large events to a history topic keeps the newest within eventHistory maxBytes', async () => {
    await using fixture = await startRouter({
      eventHistory: [
        { topic: 'com.log', limit: 100, maxBytes: 40 * KiB },
        { topic: 'com.bystander.log', limit: 100 },
      ],
      limits: { maxHistoryBytesPerRealm: 1024 * KiB },
    });
    const bystander = fixture.local();
    await bystander.join();
    const bystanderLog = await subscribed(bystander, 1, 'com.bystander.log');
    await acknowledged(bystander, 2, 'com.bystander.log', ['kept']);
    const attacker = fixture.local();
    await attacker.join();
    const log = await subscribed(attacker, 1, 'com.log');
    for (let i = 0; i < 20; i++) await acknowledged(attacker, i + 2, 'com.log', [i, 'x'.repeat(10 * KiB)]);
    // An event larger than the log's bound alone is not kept at all.
    await acknowledged(attacker, 30, 'com.log', blob(50 * KiB));
    attacker.send(call(31, {}, 'wamp.subscription.get_events', [log]));
    let events = ((await attacker.next())[3] as { args: unknown[] }[][])[0]!;
    // About 10 KiB each: the three newest fit in 40 KiB.
    expect(events.map((event) => event.args[0])).toEqual([17, 18, 19]);

    bystander.send(call(3, {}, 'wamp.subscription.get_events', [bystanderLog]));
    events = ((await bystander.next())[3] as { args: unknown[] }[][])[0]!;
    expect(events.map((event) => event.args)).toEqual([['kept']]);
  });

  it('history of all logs together stays within maxHistoryBytesPerRealm, the oldest event of any log dropped first', async () => {
    await using fixture = await startRouter({
      eventHistory: [
        { topic: 'com.log.', match: 'prefix', limit: 100 },
        { topic: 'com.other', limit: 100 },
      ],
      limits: { maxHistoryBytesPerRealm: 50 * KiB },
    });
    const bystander = fixture.local();
    await bystander.join();
    const other = await subscribed(bystander, 1, 'com.other');
    await acknowledged(bystander, 2, 'com.other', ['first', 'x'.repeat(10 * KiB)]);
    const attacker = fixture.local();
    await attacker.join();
    const log = await subscribed(attacker, 1, 'com.log.', { match: 'prefix' });
    for (let i = 0; i < 10; i++) await acknowledged(attacker, i + 2, `com.log.t${i}`, [i, 'x'.repeat(10 * KiB)]);
    attacker.send(call(20, {}, 'wamp.subscription.get_events', [log]));
    const kept = ((await attacker.next())[3] as { args: unknown[] }[][])[0]!;
    expect(kept.map((event) => event.args[0])).toEqual([6, 7, 8, 9]);
    // The bystander's event was the oldest of the realm: it went first. Its log keeps working.
    await acknowledged(bystander, 3, 'com.other', ['second']);
    bystander.send(call(4, {}, 'wamp.subscription.get_events', [other]));
    const own = ((await bystander.next())[3] as { args: unknown[] }[][])[0]!;
    expect(own.map((event) => event.args[0])).toEqual(['second']);
  });
});

describe('the meta API does not give away peer addresses', () => {
  it('wamp.session.get and on_join do not show an address on a realm without roles', async () => {
    await using fixture = await startRouter();
    const watcher = await fixture.connect(jsonSerializer);
    await watcher.join();
    await subscribed(watcher, 1, 'wamp.session.on_join');
    const bystander = await fixture.connect(jsonSerializer);
    await bystander.join();
    const joined = await watcher.next();
    expect((joined[4] as Record<string, unknown>[])[0]).toMatchObject({
      session: bystander.sessionId,
      transport: { protocol: 'wamp.2.json' },
    });
    expect(JSON.stringify(joined)).not.toContain('127.0.0.1');
    const attacker = await fixture.connect(jsonSerializer);
    await attacker.join();
    attacker.send(call(1, {}, 'wamp.session.get', [bystander.sessionId]));
    const answer = await attacker.next();
    expect((answer[3] as Record<string, unknown>[])[0]).toEqual({
      session: bystander.sessionId,
      authid: expect.any(String),
      authrole: 'anonymous',
      authmethod: 'anonymous',
      authprovider: expect.any(String),
      transport: { protocol: 'wamp.2.json' },
    });
    // The bystander is untouched and still served.
    bystander.send(call(1, {}, 'wamp.session.count'));
    expect((await bystander.next())[3]).toEqual([3]);
  });

  it(`a role shows addresses only when granted call on wamp.session.peer_address`, async () => {
    await using fixture = await startRouter({
      auth: {
        realm1: {
          anonymous: { role: 'user' },
          ticket: { admin: { role: 'admin', ticket: 'secret-ticket-for-admin' } },
          roles: {
            user: [{ uri: 'wamp.session.get', allow: ['call'] }],
            admin: [{ uri: 'wamp.session.', match: 'prefix', allow: ['call'] }],
          },
        },
      },
    });
    const bystander = await fixture.connect(jsonSerializer);
    await bystander.join();
    const user = await fixture.connect(jsonSerializer);
    await user.join();
    user.send(call(1, {}, 'wamp.session.get', [bystander.sessionId]));
    const seenByUser = ((await user.next())[3] as { transport: Record<string, unknown> }[])[0]!;
    expect(seenByUser.transport).toEqual({ protocol: 'wamp.2.json' });

    const admin = await fixture.connect(jsonSerializer);
    admin.send([MessageCode.HELLO, 'realm1', { roles: { caller: {} }, authid: 'admin', authmethods: ['ticket'] }]);
    expect((await admin.next())[0]).toBe(MessageCode.CHALLENGE);
    admin.send([MessageCode.AUTHENTICATE, 'secret-ticket-for-admin', {}]);
    expect((await admin.next())[0]).toBe(MessageCode.WELCOME);
    admin.send(call(1, {}, 'wamp.session.get', [bystander.sessionId]));
    const seenByAdmin = ((await admin.next())[3] as { transport: Record<string, unknown> }[])[0]!;
    expect(seenByAdmin.transport).toEqual({ protocol: 'wamp.2.json', peer: expect.stringContaining('127.0.0.1') });
  });
});

describe('cluster', () => {
  let nats: NatsServer;

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await nats?.[Symbol.asyncDispose]();
  });

  it('keeps the same retained byte bounds, across nodes', async () => {
    const cluster = (name: string) => ({ nats: { servers: nats.url, name } });
    const limits = { maxRetainedEventBytes: 16 * KiB, maxRetainedBytesPerRealm: 40 * KiB };
    await using a = await startRouter({ realms: ['bounded'], limits, cluster: cluster('bounds-a') });
    await using b = await startRouter({ realms: ['bounded'], limits, cluster: cluster('bounds-b') });
    const bystander = await b.connect(jsonSerializer);
    await bystander.join('bounded');
    await acknowledged(bystander, 1, 'com.bystander.state', ['fine'], { retain: true });
    const attacker = await a.connect(jsonSerializer);
    await attacker.join('bounded');
    const tooBig = await acknowledged(attacker, 1, 'com.attack.big', blob(32 * KiB), { retain: true });
    expect(tooBig[4]).toBe(ErrorUri.UNAVAILABLE);
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) {
      answers.push((await acknowledged(attacker, i + 2, `com.attack.t${i}`, blob(10 * KiB), { retain: true }))[0]);
    }
    // The realm's bound is the cluster's: the bystander's event on the other node counts too.
    expect(answers.filter((code) => code === MessageCode.PUBLISHED)).toHaveLength(3);
    const late = await b.connect(jsonSerializer);
    await late.join('bounded');
    late.send(subscribe(1, { get_retained: true }, 'com.bystander.state'));
    expect((await late.next(5_000))[0]).toBe(MessageCode.SUBSCRIBED);
    expect((await late.next(5_000))[4]).toEqual(['fine']);
  });

  it('get_events answers the caller with an ERROR when the cluster fails to answer, and the meta API stays up', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_fields, message) => warnings.push(message) };
    logger.child = () => logger;
    await using node = await startRouter({
      eventHistory: [{ topic: 'com.log' }],
      logger,
      cluster: { nats: { servers: nats.url, name: 'history-failing' } },
    });
    const caller = await node.connect(jsonSerializer);
    await caller.join();
    const subscription = await subscribed(caller, 1, 'com.log');
    const ask = vi.spyOn(ClusterMeta.prototype, 'ask').mockRejectedValue(new Error('NATS went away'));
    try {
      caller.send(call(2, {}, 'wamp.subscription.get_events', [subscription]));
      const answer = await caller.next(5_000);
      expect(answer.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 2, {}, ErrorUri.UNAVAILABLE]);
      // A procedure the nodes answer together gets this node's own answer when the others cannot be asked.
      caller.send(call(3, {}, 'wamp.session.count'));
      expect((await caller.next(5_000))[3]).toEqual([1]);
      expect(warnings.filter((line) => line === 'meta: the cluster did not answer')).toHaveLength(2);
    } finally {
      ask.mockRestore();
    }
    const bystander = await node.connect(jsonSerializer);
    await bystander.join();
    bystander.send(call(1, {}, 'wamp.session.count'));
    expect((await bystander.next(5_000))[3]).toEqual([2]);
  });
});
