// WAMP over HTTP long-poll, spoken with plain fetch over real HTTP: open, send, receive, close; a call to a
// WebSocket callee; idle reclaim; and bad requests answered without harm to anyone else.
import { call, hello, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect } from '@wamp/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, type Router, type RouterLimits } from '../src/index.js';
import { RawPeer } from './support/raw-peer.js';

const ROLES = { caller: {}, callee: {}, subscriber: {}, publisher: {} };
const MAX_MESSAGE_BYTES = 64 * 1024;

let router: Router | null = null;
afterEach(async () => {
  await router?.close();
  router = null;
});

async function start(longpoll: { idleTimeoutMs?: number; pollTimeoutMs?: number } = {}, limits: RouterLimits = {}) {
  router = createRouter({ limits: { maxMessageBytes: MAX_MESSAGE_BYTES, ...limits } });
  const listening = await router.listen({ port: 0, longpoll });
  return { base: listening.longpollUrl!, webSocketUrl: listening.url, router };
}

const post = (url: string, body?: string) => fetch(url, { method: 'POST', body: body ?? null });

/** A long-poll client as the spec has it: POST open, then send and receive under the transport's URL. */
async function openLongPoll(base: string, protocols = ['wamp.2.json']) {
  const opened = await post(`${base}/open?x=1`, JSON.stringify({ protocols }));
  expect(opened.status).toBe(200);
  const { protocol, transport } = (await opened.json()) as { protocol: string; transport: string };
  const url = `${base}/${transport}`;
  return {
    id: transport,
    protocol,
    url,
    send: (message: unknown) => post(`${url}/send`, JSON.stringify(message)),
    /** The next response body with a message, polling again on an empty (204) answer. */
    async receive(): Promise<string> {
      for (;;) {
        const response = await post(`${url}/receive`);
        if (response.status === 200) return response.text();
        expect(response.status).toBe(204);
      }
    },
    async next(): Promise<unknown[]> {
      return JSON.parse(await this.receive()) as unknown[];
    },
    close: () => post(`${url}/close`),
  };
}

/** A WebSocket peer joined to realm1. */
async function webSocketPeer(url: string): Promise<RawPeer> {
  const peer = new RawPeer(await connect(url, { serializers: [jsonSerializer] }));
  await peer.join('realm1', ROLES);
  return peer;
}

/** A WebSocket peer subscribed to the session meta events. */
async function leaveWatcher(url: string): Promise<RawPeer> {
  const watcher = await webSocketPeer(url);
  watcher.send(subscribe(1, {}, 'wamp.session.on_leave'));
  expect((await watcher.next())[0]).toBe(MessageCode.SUBSCRIBED);
  return watcher;
}

describe('HTTP long-poll transport', () => {
  it('opens, joins, receives what is pending, and closes; the ID is gone after close', async () => {
    const { base, webSocketUrl } = await start();
    const watcher = await leaveWatcher(webSocketUrl);
    const client = await openLongPoll(base, ['wamp.2.ubjson', 'wamp.2.json']);
    expect(client.protocol).toBe('wamp.2.json');
    expect(client.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await client.send(hello('realm1', { roles: ROLES }))).status).toBe(204);
    const welcome = await client.next();
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    // A receive held open is answered as soon as a message comes.
    const held = client.next();
    await client.send(call(1, {}, 'wamp.session.count'));
    expect(await held).toEqual([MessageCode.RESULT, 1, {}, [2]]);
    expect((await client.close()).status).toBe(204);
    expect((await watcher.next())[4]).toEqual([welcome[1], expect.any(String), 'anonymous']);
    expect((await post(`${client.url}/receive`)).status).toBe(404);
    expect((await client.send(call(2, {}, 'wamp.session.count'))).status).toBe(404);
  });

  it('batches: one send carries several messages, one receive answers everything pending', async () => {
    const { base } = await start();
    const client = await openLongPoll(base, ['wamp.2.json.batched']);
    expect(client.protocol).toBe('wamp.2.json.batched');
    await post(`${client.url}/send`, `${JSON.stringify(hello('realm1', { roles: ROLES }))}\u001e`);
    expect(JSON.parse((await client.receive()).split('\u001e')[0]!)[0]).toBe(MessageCode.WELCOME);
    const batch = [call(1, {}, 'wamp.session.count'), subscribe(2, {}, 'com.example.a')]
      .map((message) => `${JSON.stringify(message)}\u001e`)
      .join('');
    expect((await post(`${client.url}/send`, batch)).status).toBe(204);
    const body = await client.receive();
    expect(body.endsWith('\u001e')).toBe(true);
    const messages = body
      .split('\u001e')
      .slice(0, -1)
      .map((text) => JSON.parse(text) as unknown[]);
    // The meta call is answered by the router's own session, so it may come after SUBSCRIBED: both are in one batch.
    expect(messages.map((message) => message[0]).sort()).toEqual([MessageCode.SUBSCRIBED, MessageCode.RESULT]);
  });

  it('speaks CBOR batched: each message after a 4-octet big-endian length, both ways', async () => {
    const { base } = await start();
    const opened = await post(`${base}/open`, JSON.stringify({ protocols: ['wamp.2.cbor.batched'] }));
    const { protocol, transport } = (await opened.json()) as { protocol: string; transport: string };
    expect(protocol).toBe('wamp.2.cbor.batched');
    const frame = Buffer.from(cborSerializer.encode(hello('realm1', { roles: ROLES })) as Uint8Array);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(frame.byteLength);
    const sent = await fetch(`${base}/${transport}/send`, { method: 'POST', body: new Blob([length, frame]) });
    expect(sent.status).toBe(204);
    const received = await post(`${base}/${transport}/receive`);
    expect(received.headers.get('content-type')).toBe('application/octet-stream');
    const body = Buffer.from(await received.arrayBuffer());
    const size = body.readUInt32BE(0);
    expect(body.byteLength).toBe(4 + size);
    expect((cborSerializer.decode(body.subarray(4)) as unknown[])[0]).toBe(MessageCode.WELCOME);
  });

  it('calls a procedure registered by a WebSocket callee', async () => {
    const { base, webSocketUrl } = await start();
    const callee = await webSocketPeer(webSocketUrl);
    callee.send(register(1, {}, 'com.example.add'));
    const registered = await callee.next();
    expect(registered[0]).toBe(MessageCode.REGISTERED);
    const client = await openLongPoll(base);
    await client.send(hello('realm1', { roles: ROLES }));
    expect((await client.next())[0]).toBe(MessageCode.WELCOME);
    const result = client.next();
    await client.send(call(7, {}, 'com.example.add', [2, 3]));
    const invocation = await callee.next();
    expect(invocation[0]).toBe(MessageCode.INVOCATION);
    const args = invocation[4] as number[];
    callee.send(yieldResult(invocation[1] as number, {}, [args[0]! + args[1]!]));
    expect(await result).toEqual([MessageCode.RESULT, 7, {}, [5]]);
  });

  it('reclaims an abandoned transport after the idle timeout: its session leaves, its ID answers 404', async () => {
    const { base, webSocketUrl } = await start({ idleTimeoutMs: 300, pollTimeoutMs: 100 });
    const watcher = await leaveWatcher(webSocketUrl);
    const client = await openLongPoll(base);
    await client.send(hello('realm1', { roles: ROLES }));
    const welcome = await client.next();
    // The client goes away without /close and never polls again.
    const left = await watcher.next(3_000);
    expect((left[4] as unknown[])[0]).toBe(welcome[1]);
    expect((await post(`${client.url}/receive`)).status).toBe(404);
  });

  it('counts queued messages against limits.outboundHighWater: a subscriber that never polls meets slowConsumer', async () => {
    const { base, webSocketUrl } = await start(
      { pollTimeoutMs: 200 },
      { outboundHighWater: 32 * 1024, slowConsumer: 'disconnect' },
    );
    const watcher = await leaveWatcher(webSocketUrl);
    const client = await openLongPoll(base);
    await client.send(hello('realm1', { roles: ROLES }));
    const welcome = await client.next();
    const subscribed = client.next();
    await client.send(subscribe(1, {}, 'com.example.flood'));
    expect((await subscribed)[0]).toBe(MessageCode.SUBSCRIBED);
    // The client stops polling; 8 KiB events pile up in its queue until it passes the high-water mark.
    const publisher = await webSocketPeer(webSocketUrl);
    for (let i = 0; i < 8; i++) publisher.send(publish(i + 1, {}, 'com.example.flood', ['x'.repeat(8 * 1024)]));
    // Disconnected (1008): its queue is not taken within pollTimeoutMs, so the transport closes and the session leaves.
    const left = await watcher.next(3_000);
    expect((left[4] as unknown[])[0]).toBe(welcome[1]);
  });

  it('answers 404 for an unknown ID, 405 for GET, 400 for no common protocol, 413 past limits.maxMessageBytes', async () => {
    const { base } = await start();
    expect((await post(`${base}/AAAAAAAAAAAAAAAAAAAAAA/receive`)).status).toBe(404);
    expect((await post(`${base}/AAAAAAAAAAAAAAAAAAAAAA/send`, '[1]')).status).toBe(404);
    expect((await fetch(`${base}/open`)).status).toBe(405);
    const noCommon = await post(`${base}/open`, JSON.stringify({ protocols: ['wamp.2.ubjson'] }));
    expect(noCommon.status).toBe(400);
    expect(await noCommon.text()).toContain('wamp.2.json');
    expect((await post(`${base}/open`, 'not json')).status).toBe(400);
    const client = await openLongPoll(base);
    const oversize = await post(`${client.url}/send`, 'x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect(oversize.status).toBe(413);
    expect(await oversize.text()).toContain('limits.maxMessageBytes');
  });

  it('counts transports against the connection caps: pending until WELCOME, 503 past the cap', async () => {
    // The HTTP connections that carry the requests count as pending connections themselves, so the cap is met
    // after fewer than four transports.
    const { base } = await start({}, { maxPendingConnectionsPerAddress: 4 });
    const first = await openLongPoll(base);
    const open = () => post(`${base}/open`, JSON.stringify({ protocols: ['wamp.2.json'] }));
    let refused = await open();
    for (let opened = 1; refused.status === 200 && opened < 4; opened++) refused = await open();
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('limits.maxPendingConnectionsPerAddress');
    await first.send(hello('realm1', { roles: ROLES }));
    expect((await first.next())[0]).toBe(MessageCode.WELCOME);
    // Joined, it no longer counts as pending: there is room for one more.
    await openLongPoll(base);
  });

  it('refuses open from an origin outside allowedOrigins, as a WebSocket upgrade', async () => {
    router = createRouter({ allowedOrigins: ['https://app.example.com'] });
    const base = (await router.listen({ port: 0, longpoll: {} })).longpollUrl!;
    const body = JSON.stringify({ protocols: ['wamp.2.json'] });
    const from = (origin: string) => fetch(`${base}/open`, { method: 'POST', body, headers: { origin } });
    const refused = await from('https://evil.example.net');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('allowedOrigins');
    expect((await from('https://app.example.com')).status).toBe(200);
  });

  it('ends a session that sends garbage, and another long-poll session goes on unharmed', async () => {
    const { base } = await start();
    const bystander = await openLongPoll(base);
    await bystander.send(hello('realm1', { roles: ROLES }));
    expect((await bystander.next())[0]).toBe(MessageCode.WELCOME);
    const vandal = await openLongPoll(base);
    expect((await post(`${vandal.url}/send`, '{"not a message')).status).toBe(400);
    // The router aborts it; once the ABORT is taken the transport is closed and its ID gone.
    expect((await vandal.next())[0]).toBe(MessageCode.ABORT);
    expect((await post(`${vandal.url}/receive`)).status).toBe(404);
    const result = bystander.next();
    await bystander.send(call(1, {}, 'wamp.session.count'));
    expect(await result).toEqual([MessageCode.RESULT, 1, {}, [1]]);
  });
});
