// The router over RawSocket, on TCP and a Unix socket, next to its WebSocket: the same core and guard, and bad
// input of every kind over real sockets, each answered as the spec says, logged, harmless to a joined bystander.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, MessageCode, publish, register, subscribe } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { connect, type Transport } from '@wamp/transport/node';
import { afterAll, describe, expect, it } from 'vitest';
import { createRouter, type RouterOptions } from '../src/index.js';
import { capturingLogger } from './support/capturing-logger.js';
import { RawPeer } from './support/raw-peer.js';

const scratch = mkdtempSync(join(tmpdir(), 'wamp-router-rs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let sockets = 0;

/** A router on a WebSocket port, a RawSocket port and a Unix socket, with a capturing logger. */
async function startRouter(options: RouterOptions = {}) {
  const log = capturingLogger();
  const router = createRouter({ ...options, logger: log });
  const unix = join(scratch, `router-${++sockets}.sock`);
  const listening = await router.listen({ port: 0, rawsocket: { port: 0, unix } });
  const [tcpUrl, unixUrl] = listening.rawsocketUrls!;
  const peers: RawPeer[] = [];
  const peer = async (url: string, serializer = jsonSerializer) => {
    const made = new RawPeer(await connect(url, { serializers: [serializer] }));
    peers.push(made);
    return made;
  };
  return {
    router,
    log,
    unix,
    webSocketUrl: listening.url,
    tcpUrl: tcpUrl!,
    unixUrl: unixUrl!,
    peer,
    async [Symbol.asyncDispose]() {
      for (const made of peers) made.transport.terminate();
      await router.close();
    },
  };
}

/** A bare TCP (or Unix) socket to a rs:// URL, collecting what comes back. */
function rawSocket(url: string): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  const parsed = new URL(url);
  return new Promise((resolve, reject) => {
    const socket =
      parsed.protocol === 'rs+unix:' ? tcpConnect(parsed.pathname) : tcpConnect(Number(parsed.port), parsed.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed }));
  });
}

function frame(type: number, payload: string | Buffer): Buffer {
  const body = Buffer.from(payload);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(((type << 24) | body.length) >>> 0);
  return Buffer.concat([prefix, body]);
}

const JSON_16M = Buffer.from([0x7f, 0xf1, 0, 0]);

describe('the router over RawSocket', () => {
  it('names its rs:// and rs+unix:// URLs and routes between RawSocket and WebSocket sessions', async () => {
    await using router = await startRouter();
    expect(router.tcpUrl).toMatch(/^rs:\/\/127\.0\.0\.1:\d+$/);
    expect(router.unixUrl).toBe(`rs+unix://${router.unix}`);
    const callee = await router.peer(router.tcpUrl, msgpackSerializer);
    await callee.join();
    callee.send(register(1, {}, 'com.example.add'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    const subscriber = await router.peer(router.unixUrl, cborSerializer);
    await subscriber.join();
    subscriber.send(subscribe(1, {}, 'com.example.news'));
    expect((await subscriber.next())[0]).toBe(MessageCode.SUBSCRIBED);

    const caller = new RawPeer(await connect(router.webSocketUrl, { serializers: [jsonSerializer] }));
    await caller.join();
    caller.send(call(7, {}, 'com.example.add', [2, 3]));
    const invocation = await callee.next();
    expect(invocation).toEqual([MessageCode.INVOCATION, expect.any(Number), expect.any(Number), {}, [2, 3]]);
    callee.send([MessageCode.YIELD, invocation[1], {}, [5]]);
    expect(await caller.next()).toEqual([MessageCode.RESULT, 7, {}, [5]]);
    caller.send(publish(8, {}, 'com.example.news', ['hello']));
    expect(await subscriber.next()).toEqual([MessageCode.EVENT, expect.any(Number), expect.any(Number), {}, ['hello']]);
    expect(router.router.stats().sessions).toBe(3);
    caller.transport.close();
  });

  it.each([
    ['a wrong magic octet', Buffer.from('GET / HTTP/1.1\r\n\r\n'), [], 'first octet 0x47'],
    ['an unknown serializer', Buffer.from([0x7f, 0xf5, 0, 0]), [0x7f, 0x10, 0, 0], 'FlatBuffers'],
  ])('refuses %s (the error reply, or none), logs it, and serves on', async (_what, bytes, reply, logged) => {
    await using router = await startRouter();
    const bystander = await router.peer(router.tcpUrl);
    await bystander.join();
    for (const url of [router.tcpUrl, router.unixUrl]) {
      const bad = await rawSocket(url);
      bad.socket.write(bytes);
      await bad.closed;
      expect([...bad.received()]).toEqual(reply);
    }
    const refusals = router.log.warnings('RawSocket handshake refused');
    expect(refusals).toHaveLength(2);
    expect(refusals[0]!.fields.error).toContain(logged);
    bystander.send(call(1, {}, 'wamp.session.count'));
    expect(await bystander.next()).toEqual([MessageCode.RESULT, 1, {}, [1]]);
  });

  it.each([
    ['a frame longer than negotiated', frame(0, 'x'.repeat(600)), 1009],
    ['a reserved frame type', frame(5, '[1]'), 1002],
    ['a frame cut short, then the end of the connection', frame(0, '[1,"realm1",{}]').subarray(0, 9), 1002],
  ])('closes the connection on %s, logs it, and serves on', async (_what, bytes, code) => {
    await using router = await startRouter({ limits: { maxMessageBytes: 512 } });
    const bystander = await router.peer(router.unixUrl);
    await bystander.join();
    const bad = await rawSocket(router.tcpUrl);
    bad.socket.write(JSON_16M);
    await expect.poll(() => bad.received().length).toBe(4);
    expect([...bad.received()]).toEqual([0x7f, 0x01, 0, 0]);
    if (code === 1002 && bytes.length < 12) bad.socket.end(bytes);
    else bad.socket.write(bytes);
    await bad.closed;
    const errors = router.log.warnings('RawSocket protocol error');
    expect(errors.map((line) => line.fields.closeCode)).toEqual([code]);
    bystander.send(call(1, {}, 'wamp.session.count'));
    expect(await bystander.next()).toEqual([MessageCode.RESULT, 1, {}, [1]]);
  });

  it('cuts a handshake sent one octet a second once limits.upgradeTimeoutMs passed, and logs it', async () => {
    await using router = await startRouter({ limits: { upgradeTimeoutMs: 1_500 } });
    const bystander = await router.peer(router.tcpUrl);
    await bystander.join();
    const slow = await rawSocket(router.tcpUrl);
    const started = Date.now();
    let sent = 0;
    const trickle = setInterval(() => slow.socket.write(Buffer.from([JSON_16M[sent++ % 4]!])), 1_000);
    await slow.closed;
    clearInterval(trickle);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(sent).toBeLessThan(4);
    expect(slow.received().length).toBe(0);
    expect(router.log.warnings('connection cut: no RawSocket handshake in time')).toHaveLength(1);
    bystander.send(call(1, {}, 'wamp.session.count'));
    expect(await bystander.next()).toEqual([MessageCode.RESULT, 1, {}, [1]]);
  });

  it('counts RawSocket connections against the same caps, refusing past one with error reply 4', async () => {
    await using router = await startRouter({ limits: { maxPendingConnections: 1 } });
    const waiting = await rawSocket(router.tcpUrl);
    const refused = await rawSocket(router.tcpUrl);
    await refused.closed;
    expect([...refused.received()]).toEqual([0x7f, 0x40, 0, 0]);
    expect(router.log.warnings('connection refused: limits.maxPendingConnections reached')).toHaveLength(1);
    await expect(connect(router.unixUrl, { serializers: [jsonSerializer] })).rejects.toThrow(
      'maximum connection count reached',
    );
    // Once the pending one is gone, others may come; joined, they no longer count as pending.
    waiting.socket.destroy();
    // The router sees the close a moment after this end does.
    let transport: Transport | undefined;
    await expect
      .poll(async () => {
        transport = await connect(router.unixUrl, { serializers: [jsonSerializer] }).catch(() => undefined);
        return transport;
      })
      .toBeDefined();
    await new RawPeer(transport!).join();
    await (await router.peer(router.tcpUrl)).join();
    transport!.terminate();
  });

  it('refuses a Unix socket path a live router holds, naming --unix', async () => {
    await using first = await startRouter();
    const second = createRouter();
    await expect(second.listen({ port: 0, rawsocket: { unix: first.unix } })).rejects.toThrow(
      `another process listens on the Unix socket ${first.unix}: stop it or choose another path (--unix, config rawsocket.unix)`,
    );
    await second.close();
  });
});
