// The server's own WebSocket protocol over real sockets, spoken by hand: the handshake's refusals, the bytes that
// came with the upgrade request, pings, both closing handshakes, and the protocol errors that fail a connection.
import { randomBytes } from 'node:crypto';
import { type Socket, connect as tcpConnect } from 'node:net';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { connect, createWebSocketServer } from '../src/node.js';
import { closeOf, eventually, startServer } from './fixture.js';

interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** A hand-made client: a TCP socket, the HTTP response to its upgrade request, and the frames the server sent. */
interface RawClient {
  socket: Socket;
  response: string;
  /** The next frame from the server. */
  nextFrame(): Promise<ServerFrame>;
  /** Resolves once the server closed the TCP connection. */
  ended: Promise<void>;
}

function upgradeRequest(url: string, headers: Record<string, string> = {}, method = 'GET'): string {
  const { host, pathname } = new URL(url);
  const all: Record<string, string> = {
    Host: host,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Protocol': 'wamp.2.json',
    ...headers,
  };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${pathname} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** A masked client frame. */
function clientFrame(opcode: number, payload: Buffer | string, fin = true): Buffer {
  const body = Buffer.from(payload);
  if (body.length > 125) throw new Error('clientFrame writes short frames only');
  const mask = randomBytes(4);
  const header = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | body.length, ...mask]);
  return Buffer.concat([header, Buffer.from(body.map((byte, i) => byte ^ mask[i & 3]!))]);
}

function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code);
  payload.write(reason, 2);
  return payload;
}

/** Opens a TCP connection and writes `request` (with `after` in the same write). */
function rawClient(url: string, request: string, after: Buffer = Buffer.alloc(0)): Promise<RawClient> {
  const { hostname, port } = new URL(url);
  const socket = tcpConnect(Number(port), hostname);
  let buffered = Buffer.alloc(0);
  let response: string | null = null;
  const frames: ServerFrame[] = [];
  const waiting: ((frame: ServerFrame) => void)[] = [];
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return eventually<RawClient>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (response === null) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        response = buffered.subarray(0, end).toString();
        buffered = buffered.subarray(end + 4);
        resolve({
          socket,
          response,
          ended,
          nextFrame: () => {
            const frame = frames.shift();
            if (frame !== undefined) return Promise.resolve(frame);
            return eventually<ServerFrame>((found) => waiting.push(found), 'a frame from the server');
          },
        });
      }
      // Server frames are unmasked and short in these tests.
      while (buffered.length >= 2 && buffered.length >= 2 + (buffered[1]! & 0x7f)) {
        const frame = { opcode: buffered[0]! & 0x0f, payload: buffered.subarray(2, 2 + buffered[1]!) };
        buffered = buffered.subarray(2 + buffered[1]!);
        const waiter = waiting.shift();
        if (waiter !== undefined) waiter(frame);
        else frames.push(frame);
      }
    });
    socket.on('error', () => {});
    socket.write(Buffer.concat([Buffer.from(request), after]));
  }, 'the upgrade response');
}

describe('the opening handshake', () => {
  it.each([
    ['another method', upgradeRequest('ws://x/ws', {}, 'POST'), '405'],
    ['a WebSocket version of another era', upgradeRequest('ws://x/ws', { 'Sec-WebSocket-Version': '12' }), '426'],
    ['a key that is not 16 bytes', upgradeRequest('ws://x/ws', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }), '400'],
    ['another Upgrade', upgradeRequest('ws://x/ws', { Upgrade: 'h2c' }), '400'],
  ])('refuses %s before the layer above sees it', async (_name, request, status) => {
    await using server = await startServer([jsonSerializer]);
    const client = await rawClient(server.url, request);
    expect(client.response.split('\r\n')[0]).toContain(status);
    if (status === '426') expect(client.response).toContain('Sec-WebSocket-Version: 13');
    await client.ended;
    expect(server.accepted).toBe(0);
  });

  it('answers 101 with the key RFC 6455 derives and the chosen subprotocol', async () => {
    await using server = await startServer([jsonSerializer]);
    // The example of RFC 6455 §1.3.
    const client = await rawClient(
      server.url,
      upgradeRequest(server.url, { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }),
    );
    expect(client.response).toContain('HTTP/1.1 101 Switching Protocols');
    expect(client.response).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(client.response).toContain('Sec-WebSocket-Protocol: wamp.2.json');
    client.socket.destroy();
  });

  it('reads the frames that came in the same packet as the upgrade request', async () => {
    // The fixture hands transports out a turn late; these frames are read at once, so the handler is set here.
    let received!: (message: unknown) => void;
    const hello = new Promise<unknown>((resolve) => {
      received = resolve;
    });
    const wss = createWebSocketServer({
      serializers: [jsonSerializer],
      path: '/ws',
      keepalive: false,
      onTransport(transport) {
        transport.onmessage = received;
      },
    });
    const { url } = await wss.listen({ port: 0 });
    const client = await rawClient(url, upgradeRequest(url), clientFrame(0x1, '[1,"realm1",{}]'));
    expect(await hello).toEqual([1, 'realm1', {}]);
    client.socket.destroy();
    await wss.close();
  });
});

describe('frames over the socket', () => {
  it('answers a ping with a pong that carries its payload', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await rawClient(server.url, upgradeRequest(server.url));
    client.socket.write(clientFrame(0x9, 'are you there'));
    expect(await client.nextFrame()).toEqual({ opcode: 0xa, payload: Buffer.from('are you there') });
    client.socket.destroy();
  });

  it('puts a fragmented message together, with a ping between its fragments', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await rawClient(server.url, upgradeRequest(server.url));
    const { transport } = await server.nextTransport();
    const received = eventually<unknown>((resolve) => {
      transport.onmessage = resolve;
    }, 'the message');
    client.socket.write(clientFrame(0x1, '[1,"re', false));
    client.socket.write(clientFrame(0x9, ''));
    client.socket.write(clientFrame(0x0, 'alm1",{}]'));
    expect(await client.nextFrame()).toEqual({ opcode: 0xa, payload: Buffer.alloc(0) });
    expect(await received).toEqual([1, 'realm1', {}]);
    client.socket.destroy();
  });
});

describe('the closing handshake', () => {
  it('echoes the peer close frame, closes TCP first, and reports the code and reason as clean', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await rawClient(server.url, upgradeRequest(server.url));
    const { transport } = await server.nextTransport();
    const closed = closeOf(transport);
    client.socket.write(clientFrame(0x8, closePayload(4001, 'bye')));
    expect(await client.nextFrame()).toEqual({ opcode: 0x8, payload: closePayload(4001, 'bye') });
    await client.ended;
    expect(await closed).toEqual({ code: 4001, reason: 'bye', wasClean: true });
  });

  it('answers a close frame without a code with one without a code, reported as 1005', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await rawClient(server.url, upgradeRequest(server.url));
    const { transport } = await server.nextTransport();
    const closed = closeOf(transport);
    client.socket.write(clientFrame(0x8, ''));
    expect(await client.nextFrame()).toEqual({ opcode: 0x8, payload: Buffer.alloc(0) });
    expect(await closed).toEqual({ code: 1005, reason: '', wasClean: true });
  });

  it('sends its own close frame first and completes when a ws client echoes it', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    const serverClosed = closeOf(transport);
    const clientClosed = closeOf(client);
    transport.close(4100, 'maintenance');
    expect(await clientClosed).toEqual({ code: 4100, reason: 'maintenance', wasClean: true });
    expect(await serverClosed).toEqual({ code: 4100, reason: 'maintenance', wasClean: true });
  });

  it('reports 1006 when the peer leaves without a close frame', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await rawClient(server.url, upgradeRequest(server.url));
    const { transport } = await server.nextTransport();
    const closed = closeOf(transport);
    client.socket.end();
    expect(await closed).toEqual({ code: 1006, reason: '', wasClean: false });
  });

  it('fails a connection that breaks the protocol: a close frame with the code, then the TCP close', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await rawClient(server.url, upgradeRequest(server.url));
    const { transport } = await server.nextTransport();
    const closed = closeOf(transport);
    // An unmasked frame from a client.
    client.socket.write(Buffer.from([0x81, 0x02, 0x5b, 0x5d]));
    expect(await client.nextFrame()).toEqual({ opcode: 0x8, payload: closePayload(1002) });
    await client.ended;
    expect(await closed).toMatchObject({ code: 1002, wasClean: false, reason: expect.stringMatching(/masked/) });
  });
});
