// RawSocket on the router's HTTP port (`rawsocket.sharePort`): the first octet decides between RawSocket and HTTP,
// with WebSocket, the HTTP paths, the connection guard's deadline and caps as on ports of their own. Real sockets.
import { type Socket, connect as tcpConnect } from 'node:net';
import { call, MessageCode, register, yieldResult } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { connect } from '@wamp/transport/node';
import { describe, expect, it } from 'vitest';
import { createRouter, type RouterOptions } from '../src/index.js';
import { capturingLogger } from './support/capturing-logger.js';
import { RawPeer } from './support/raw-peer.js';

/** A router serving WebSocket and RawSocket on one port. */
async function startRouter(options: RouterOptions = {}) {
  const log = capturingLogger();
  const router = createRouter({ ...options, logger: log });
  const listening = await router.listen({ port: 0, rawsocket: { sharePort: true } });
  const peers: RawPeer[] = [];
  const peer = async (url: string, serializer = jsonSerializer) => {
    const made = new RawPeer(await connect(url, { serializers: [serializer] }));
    peers.push(made);
    return made;
  };
  return {
    log,
    listening,
    webSocketUrl: listening.url,
    rawSocketUrl: listening.rawsocketUrls![0]!,
    peer,
    async [Symbol.asyncDispose]() {
      for (const made of peers) made.transport.terminate();
      await router.close();
    },
  };
}

/** A bare TCP socket to the port, collecting what comes back. */
function bareSocket(port: number): Promise<{ socket: Socket; received: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed }));
    socket.once('error', reject);
  });
}

describe('RawSocket on the HTTP port', () => {
  it('serves rs://, ws:// and /healthz on one port, and routes a RawSocket call to a WebSocket callee', async () => {
    await using router = await startRouter();
    const { port } = router.listening;
    expect(router.webSocketUrl).toBe(`ws://127.0.0.1:${port}/ws`);
    expect(router.listening.rawsocketUrls).toEqual([`rs://127.0.0.1:${port}`]);
    const callee = await router.peer(router.webSocketUrl, msgpackSerializer);
    await callee.join();
    callee.send(register(1, {}, 'com.example.add'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    const caller = await router.peer(router.rawSocketUrl);
    await caller.join();
    caller.send(call(7, {}, 'com.example.add', [2, 3]));
    const invocation = await callee.next();
    expect(invocation[0]).toBe(MessageCode.INVOCATION);
    callee.send(yieldResult(invocation[1] as number, {}, [5]));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 7, {}, [5]]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    // Any other path gets the router's own answer, as on a port without RawSocket.
    expect((await fetch(`http://127.0.0.1:${port}/nothing-here`)).status).toBe(426);
  });

  it('cuts a connection that sends nothing once limits.upgradeTimeoutMs passed, and logs it', async () => {
    await using router = await startRouter({ limits: { upgradeTimeoutMs: 800 } });
    const bystander = await router.peer(router.rawSocketUrl);
    await bystander.join();
    const silent = await bareSocket(router.listening.port);
    const started = Date.now();
    await silent.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(silent.received().length).toBe(0);
    expect(router.log.warnings('connection cut: no HTTP request or RawSocket handshake in time')).toHaveLength(1);
    bystander.send(call(1, {}, 'wamp.session.count'));
    expect(await bystander.next()).toEqual([MessageCode.RESULT, 1, {}, [1]]);
  });

  it('counts each connection once against limits.maxConnectionsPerAddress, RawSocket or WebSocket', async () => {
    await using router = await startRouter({ limits: { maxConnectionsPerAddress: 1 } });
    // Counted twice, this one would be refused by its own count.
    const first = await router.peer(router.rawSocketUrl);
    await first.join();
    await expect(connect(router.webSocketUrl, { serializers: [jsonSerializer] })).rejects.toThrow();
    await expect(connect(router.rawSocketUrl, { serializers: [jsonSerializer] })).rejects.toThrow();
    expect(router.log.warnings('connection refused: limits.maxConnectionsPerAddress reached').length).toBeGreaterThan(
      0,
    );
    first.transport.close(1000, '');
    await first.closed();
    // The router sees the close a moment after this end does.
    let again: RawPeer | undefined;
    await expect
      .poll(async () => {
        again = await router.peer(router.webSocketUrl).catch(() => undefined);
        return again;
      })
      .toBeDefined();
    await again!.join();
  });

  it('refuses a connection that sends one garbage octet with HTTP 400, and another session keeps working', async () => {
    await using router = await startRouter();
    const bystander = await router.peer(router.rawSocketUrl);
    await bystander.join();
    const garbage = await bareSocket(router.listening.port);
    garbage.socket.write(Buffer.from([0x00]));
    await garbage.closed;
    expect(garbage.received().toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    // 0x7F then nonsense is a RawSocket handshake refused as the spec says (reserved octets: error 3).
    const reserved = await bareSocket(router.listening.port);
    reserved.socket.write(Buffer.from([0x7f, 0xf1, 0xff, 0xff]));
    await reserved.closed;
    expect([...reserved.received()]).toEqual([0x7f, 0x30, 0, 0]);
    bystander.send(call(1, {}, 'wamp.session.count'));
    expect(await bystander.next()).toEqual([MessageCode.RESULT, 1, {}, [1]]);
  });
});
