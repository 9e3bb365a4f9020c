import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { hello } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createWebSocketServer,
  type Transport,
  type WebSocketServer,
  type WebSocketServerOptions,
} from '../src/node.js';
import { closeOf, eventually, handshake } from './fixture.js';

/** An endpoint that collects its transports; disposed by closing it. */
function endpoint(
  options: Partial<WebSocketServerOptions> = {},
): { wss: WebSocketServer; next(): Promise<Transport> } & AsyncDisposable {
  const waiting: ((transport: Transport) => void)[] = [];
  const queue: Transport[] = [];
  const wss = createWebSocketServer({
    serializers: [jsonSerializer],
    path: '/ws',
    keepalive: false,
    ...options,
    onTransport(transport) {
      const waiter = waiting.shift();
      if (waiter) waiter(transport);
      else queue.push(transport);
    },
  });
  return {
    wss,
    next() {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : eventually((resolve) => waiting.push(resolve), 'a connection');
    },
    async [Symbol.asyncDispose]() {
      for (const transport of wss.transports) transport.terminate();
      await wss.close();
    },
  };
}

async function listening(server: Server): Promise<{ port: number } & AsyncDisposable> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('listen and close', () => {
  it('listens on a port of its own and answers plain HTTP with 426', async () => {
    await using ep = endpoint();
    const { url, host, port } = await ep.wss.listen({ port: 0 });
    expect(host).toBe('127.0.0.1');
    expect(url).toBe(`ws://127.0.0.1:${port}/ws`);
    const response = await fetch(`http://127.0.0.1:${port}/ws`);
    expect(response.status).toBe(426);
    await response.text();
    const client = await connect(url, { serializers: [jsonSerializer] });
    await ep.next();
    expect(ep.wss.connectionCount).toBe(1);
    client.close();
  });

  it('closes every connection with 1001 and the reason, then stops listening', async () => {
    await using ep = endpoint();
    const { url } = await ep.wss.listen({ port: 0 });
    const clients = [
      await connect(url, { serializers: [jsonSerializer] }),
      await connect(url, { serializers: [jsonSerializer] }),
    ];
    const servers = [await ep.next(), await ep.next()];
    const seen = [...clients, ...servers].map(closeOf);
    expect(ep.wss.transports.size).toBe(2);
    await ep.wss.close(undefined, 'wamp.close.system_shutdown');
    for (const event of await Promise.all(seen)) {
      expect(event).toEqual({ code: 1001, reason: 'wamp.close.system_shutdown', wasClean: true });
    }
    expect(ep.wss.transports.size).toBe(0);
    await expect(connect(url, { serializers: [jsonSerializer] })).rejects.toThrow(/ECONNREFUSED/);
    expect(() => ep.wss.attach(createHttpServer())).toThrow(/closed/);
  });

  it('closes with another code when told to', async () => {
    await using ep = endpoint();
    const { url } = await ep.wss.listen({ port: 0 });
    const client = await connect(url, { serializers: [jsonSerializer] });
    await ep.next();
    const closed = closeOf(client);
    await ep.wss.close(1011, 'maintenance');
    expect(await closed).toEqual({ code: 1011, reason: 'maintenance', wasClean: true });
  });

  it('drops a peer that does not answer the close frame after closeTimeoutMs', async () => {
    await using ep = endpoint({ closeTimeoutMs: 100 });
    const { url } = await ep.wss.listen({ port: 0 });
    const client = await connect(url, { serializers: [jsonSerializer] });
    const server = await ep.next();
    // The client stops reading, so it never sees (or answers) the close frame.
    (client as unknown as { socket: { _socket: import('node:net').Socket } }).socket._socket.pause();
    const serverClosed = closeOf(server);
    await ep.wss.close();
    expect((await serverClosed).wasClean).toBe(false);
    client.terminate();
  });
});

describe('attach', () => {
  it('serves wss:// on the application https server with its certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const https = createHttpsServer({ cert: pems.cert, key: pems.private });
    await using ep = endpoint();
    ep.wss.attach(https);
    await using server = await listening(https);
    const url = `wss://127.0.0.1:${server.port}/ws`;
    const client = await connect(url, { serializers: [jsonSerializer], tls: { ca: pems.cert } });
    const transport = await ep.next();
    const received = eventually<unknown>((resolve) => {
      transport.onmessage = resolve;
    }, 'a message over TLS');
    client.send(hello('realm1', { roles: { caller: {} } }));
    expect(await received).toEqual([1, 'realm1', { roles: { caller: {} } }]);
    // Both ends know the same tls-unique channel binding data, and another connection has other data.
    expect(client.peer.tlsUnique?.length).toBeGreaterThanOrEqual(12);
    expect(Buffer.from(transport.peer.tlsUnique!)).toEqual(Buffer.from(client.peer.tlsUnique!));
    const second = await connect(url, { serializers: [jsonSerializer], tls: { ca: pems.cert } });
    expect(Buffer.from(second.peer.tlsUnique!)).not.toEqual(Buffer.from(client.peer.tlsUnique!));
    second.close();
    await expect(connect(url, { serializers: [jsonSerializer] })).rejects.toThrow(/self-signed/);
    client.close();
  });

  it('shares one server between endpoints on different paths; 404 for a path none serves', async () => {
    const http = createHttpServer();
    await using json = endpoint({ path: '/json' });
    await using cbor = endpoint({ path: '/cbor', serializers: [cborSerializer] });
    json.wss.attach(http);
    cbor.wss.attach(http);
    await using server = await listening(http);
    const base = `ws://127.0.0.1:${server.port}`;
    const viaCbor = await connect(`${base}/cbor`, { serializers: [jsonSerializer, cborSerializer] });
    const viaJson = await connect(`${base}/json`, { serializers: [jsonSerializer, cborSerializer] });
    expect(viaCbor.protocol).toBe('wamp.2.cbor');
    expect(viaJson.protocol).toBe('wamp.2.json');
    expect((await cbor.next()).protocol).toBe('wamp.2.cbor');
    expect((await json.next()).protocol).toBe('wamp.2.json');
    expect((await handshake(`${base}/other`, 'wamp.2.json')).status).toBe(404);
    viaCbor.close();
    viaJson.close();
  });

  it("leaves other paths to the application's own upgrade listener", async () => {
    const http = createHttpServer();
    http.on('upgrade', (request, socket) => {
      if (request.url === '/ws') return;
      socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await using ep = endpoint();
    ep.wss.attach(http);
    await using server = await listening(http);
    const base = `ws://127.0.0.1:${server.port}`;
    expect((await handshake(`${base}/chat`, 'wamp.2.json')).status).toBe(418);
    expect((await handshake(`${base}/ws`, 'wamp.2.json')).status).toBe(101);
  });
});

describe('options', () => {
  const base = { serializers: [jsonSerializer], path: '/ws', onTransport() {} };
  it.each<[string, Partial<WebSocketServerOptions>, RegExp]>([
    ['no serializers', { serializers: [] }, /serializers/],
    ['a relative path', { path: 'ws' }, /path must start with '\/'/],
    ['a zero message size', { maxMessageBytes: 0 }, /maxMessageBytes must be a positive integer, got 0/],
    ['a fractional high-water mark', { highWaterMark: 1.5 }, /highWaterMark must be a positive integer/],
    ['a low mark above the high one', { highWaterMark: 10, lowWaterMark: 11 }, /lowWaterMark must be/],
    ['a negative keepalive interval', { keepalive: { intervalMs: -1, timeoutMs: 10 } }, /keepalive\.intervalMs/],
    ['a zero close timeout', { closeTimeoutMs: 0 }, /closeTimeoutMs/],
  ])('refuses %s, naming the option', (_name, bad, message) => {
    expect(() => createWebSocketServer({ ...base, ...bad })).toThrow(message);
  });
});

describe('onTransport', () => {
  it('closes the connection with 1011 when it throws, and the server keeps serving', async () => {
    let calls = 0;
    const errors: string[] = [];
    const log = () => {};
    const wss = createWebSocketServer({
      serializers: [jsonSerializer],
      path: '/ws',
      keepalive: false,
      logger: { debug: log, info: log, warn: log, error: (_fields, message) => errors.push(message) },
      onTransport() {
        if (++calls === 1) throw new Error('bug in the application');
      },
    });
    try {
      const { url } = await wss.listen({ port: 0 });
      const first = await connect(url, { serializers: [jsonSerializer] });
      expect(await closeOf(first)).toEqual({ code: 1011, reason: 'internal error', wasClean: true });
      expect(errors).toEqual(['onTransport threw; closing the connection']);
      const second = await connect(url, { serializers: [jsonSerializer] });
      expect(second.readyState).toBe(1);
    } finally {
      await wss.close();
    }
  });
});
