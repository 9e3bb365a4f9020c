// Descriptors and connection lifetimes, attacked over real sockets: connections that never upgrade, never say
// HELLO, stall in CHALLENGE, pile up from one address, ignore the router's GOODBYE or flood it with pings are cut
// or refused, each with one warn line, while a joined bystander keeps working.
import { createServer } from 'node:http';
import { type AddressInfo, type Socket, connect as tcpConnect } from 'node:net';
import { call, hello, MessageCode } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect } from '@wamp/transport/node';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRouter, type RouterOptions } from '../src/index.js';
import { capturingLogger } from './support/capturing-logger.js';
import { grantEverything, type RouterFixture, startRouter } from './support/fixture.js';
import { RawPeer } from './support/raw-peer.js';

/** A router with a capturing logger and a joined bystander, whose round trip `bystanderWorks` checks. */
async function withBystander(options: RouterOptions) {
  const log = capturingLogger();
  const fixture = await startRouter({ ...options, logger: log });
  const bystander = await fixture.connect(jsonSerializer);
  await bystander.join();
  let request = 0;
  const bystanderWorks = async () => {
    bystander.send(call(++request, {}, 'wamp.session.count'));
    expect(await bystander.next()).toEqual([MessageCode.RESULT, request, {}, [expect.any(Number)]]);
    expect(bystander.closeEvent).toBeUndefined();
  };
  return { fixture, log, bystander, bystanderWorks };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** A TCP connection that sends nothing, resolved once connected. */
function idleTcp(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(portOf(url), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function closeOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** How a WebSocket upgrade ends: `open`, or the refusal (status or error) when there is one. */
function tryUpgrade(url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, ['wamp.2.json']);
    socket.once('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(`HTTP ${response.statusCode}`);
      socket.terminate();
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

/**
 * Joins a new client, retrying while the router still counts connections that closed on the client side only a
 * moment ago (each try waits for its own answer; no sleeps).
 */
async function joinsAgain(fixture: RouterFixture): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const peer = await fixture.connect(jsonSerializer);
      await peer.join();
      return;
    } catch (error) {
      if (attempt === 50) throw error;
    }
  }
}

describe('deadlines', () => {
  it('idle TCP connections that never upgrade are destroyed after upgradeTimeoutMs', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({ limits: { upgradeTimeoutMs: 200 } });
    await using _ = fixture;
    const idle = await Promise.all([idleTcp(fixture.url), idleTcp(fixture.url)]);
    await Promise.all(idle.map(closeOf));
    const cuts = log.warnings('no WebSocket upgrade in time');
    expect(cuts).toHaveLength(2);
    expect(cuts[0]!.fields).toMatchObject({ peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/), upgradeTimeoutMs: 200 });
    await bystanderWorks();
  });

  it('gives each idle connection its own deadline on the one shared timer, and spares those that upgraded', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({ limits: { upgradeTimeoutMs: 300 } });
    await using _ = fixture;
    const first = await idleTcp(fixture.url);
    const firstOpened = performance.now();
    const firstCut = closeOf(first).then(() => performance.now());
    // A whole join in between, so the second connection's deadline falls after the first one's.
    const joined = await fixture.connect(jsonSerializer);
    await joined.join();
    const second = await idleTcp(fixture.url);
    const secondOpened = performance.now();
    const secondCut = closeOf(second).then(() => performance.now());
    const [firstAt, secondAt] = await Promise.all([firstCut, secondCut]);
    // Timers may fire a millisecond early against performance.now().
    expect(firstAt - firstOpened).toBeGreaterThanOrEqual(295);
    expect(secondAt - secondOpened).toBeGreaterThanOrEqual(295);
    expect(secondAt).toBeGreaterThan(firstAt);
    expect(log.warnings('no WebSocket upgrade in time')).toHaveLength(2);
    expect(joined.closeEvent).toBeUndefined();
    // A connection accepted after the queue emptied gets a timer of its own again.
    const third = await idleTcp(fixture.url);
    await closeOf(third);
    expect(log.warnings('no WebSocket upgrade in time')).toHaveLength(3);
    await bystanderWorks();
  });

  it('a WebSocket that never sends HELLO is closed with 1008 and no ABORT after helloTimeoutMs', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({ limits: { helloTimeoutMs: 200 } });
    await using _ = fixture;
    const silent = await fixture.connect(jsonSerializer);
    expect((await silent.closed()).code).toBe(1008);
    expect(silent.received).toEqual([]);
    expect(log.warnings('within the HELLO deadline')).toHaveLength(1);
    await bystanderWorks();
  });

  it('a handshake left in CHALLENGE (no AUTHENTICATE) is cut by the same HELLO deadline', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({
      limits: { helloTimeoutMs: 200 },
      auth: { realm1: { anonymous: { role: 'guest' }, ticket: { alice: { role: 'user', ticket: 'open sesame' } } } },
    });
    await using _ = fixture;
    const stalling = await fixture.connect(jsonSerializer);
    stalling.send(hello('realm1', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'alice' }));
    expect((await stalling.next())[0]).toBe(MessageCode.CHALLENGE);
    expect((await stalling.closed()).code).toBe(1008);
    expect(log.warnings('within the HELLO deadline')).toHaveLength(1);
    await bystanderWorks();
  });

  it('a client that says GOODBYE and then stays without a new HELLO is cut by a new HELLO deadline', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({ limits: { helloTimeoutMs: 200 } });
    await using _ = fixture;
    const lingering = await fixture.connect(jsonSerializer);
    await lingering.join();
    lingering.send([MessageCode.GOODBYE, {}, 'wamp.close.close_realm']);
    expect((await lingering.next())[0]).toBe(MessageCode.GOODBYE);
    expect((await lingering.closed()).code).toBe(1008);
    expect(log.warnings('within the HELLO deadline')).toHaveLength(1);
    await bystanderWorks();
  });

  it('a killed session that never answers GOODBYE is closed after goodbyeGraceMs', async () => {
    const { fixture, log, bystander, bystanderWorks } = await withBystander({
      limits: { goodbyeGraceMs: 200 },
      auth: grantEverything('realm1'),
    });
    await using _ = fixture;
    const victim = await fixture.connect(jsonSerializer);
    await victim.join();
    bystander.send(call(100, {}, 'wamp.session.kill', [victim.sessionId]));
    expect((await bystander.next()).slice(0, 2)).toEqual([MessageCode.RESULT, 100]);
    expect(await victim.next()).toEqual([MessageCode.GOODBYE, {}, 'wamp.close.killed']);
    // The victim's raw peer never answers the GOODBYE.
    expect((await victim.closed()).code).toBe(1000);
    const cuts = log.warnings('GOODBYE not answered');
    expect(cuts).toHaveLength(1);
    expect(cuts[0]!.fields).toMatchObject({ session: victim.sessionId, graceMs: 200 });
    await bystanderWorks();
  });
});

describe('caps', () => {
  it.each([
    ['maxConnectionsPerAddress', { maxConnectionsPerAddress: 3 }],
    ['maxPendingConnectionsPerAddress', { maxPendingConnectionsPerAddress: 2 }],
    ['maxPendingConnections', { maxPendingConnections: 2 }],
  ])('idle connections up to %s: the next one is refused, a new client joins once they go', async (limit, limits) => {
    const { fixture, log, bystanderWorks } = await withBystander({ limits });
    await using _ = fixture;
    // The joined bystander counts against the per-address cap, but is not pending.
    const hostile = await Promise.all([idleTcp(fixture.url), idleTcp(fixture.url)]);
    expect(await tryUpgrade(fixture.url)).not.toBe('open');
    const refusals = log.warnings('connection refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.fields).toMatchObject({ limit: `limits.${limit}` });
    await bystanderWorks();
    for (const socket of hostile) socket.destroy();
    await joinsAgain(fixture);
    await bystanderWorks();
  });

  it('logs a flood of refusals at the first and then at powers of two only', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({ limits: { maxPendingConnectionsPerAddress: 1 } });
    await using _ = fixture;
    const hostile = await idleTcp(fixture.url);
    const refused = await Promise.all(Array.from({ length: 9 }, () => tryUpgrade(fixture.url)));
    expect(refused).not.toContain('open');
    expect(log.warnings('connection refused').map((line) => line.fields.refusedInWindow)).toEqual([1, 2, 4, 8]);
    hostile.destroy();
    await bystanderWorks();
  });

  it('on a server the application owns, the extra upgrade gets 503 before any WebSocket exists', async () => {
    const log = capturingLogger();
    const router = createRouter({ logger: log, limits: { maxPendingConnectionsPerAddress: 1 } });
    const http = createServer((_request, response) => response.end('app'));
    router.attach(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
    try {
      const bystander = new RawPeer(await connect(url, { serializers: [jsonSerializer] }));
      await bystander.join();
      const silent = new RawPeer(await connect(url, { serializers: [jsonSerializer] }));
      expect(await tryUpgrade(url)).toBe('HTTP 503');
      expect(log.warnings('connection refused')[0]!.fields).toMatchObject({
        limit: 'limits.maxPendingConnectionsPerAddress',
      });
      bystander.send(call(1, {}, 'wamp.session.count'));
      expect((await bystander.next())[0]).toBe(MessageCode.RESULT);
      silent.transport.close();
      await silent.closed();
      // A raw peer does not answer the router's GOODBYE at close: spare the test the grace.
      bystander.transport.terminate();
      await bystander.closed();
    } finally {
      await router.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });
});

describe('pings and keepalive', () => {
  it('a burst of pings that outruns the pongs is cut and logged at warn', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({});
    await using _ = fixture;
    const flooder = new WebSocket(fixture.url, ['wamp.2.json']);
    await new Promise((resolve) => flooder.once('open', resolve));
    const closed = new Promise<number>((resolve) => flooder.once('close', (code) => resolve(code)));
    flooder.on('error', () => {});
    for (let i = 0; i < 1_000; i++) flooder.ping();
    expect(await closed).toBe(1006);
    expect(log.warnings('a burst of pings')).toHaveLength(1);
    await bystanderWorks();
  });

  it('a peer that stops answering pings is cut with a warn line', async () => {
    const { fixture, log, bystanderWorks } = await withBystander({ keepalive: { intervalMs: 50, timeoutMs: 100 } });
    await using _ = fixture;
    const silent = new WebSocket(fixture.url, ['wamp.2.json'], { autoPong: false });
    const closed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
    expect(await closed).toBe(1006);
    expect(log.warnings('no pong within the keepalive timeout')).toHaveLength(1);
    await bystanderWorks();
  });
});
