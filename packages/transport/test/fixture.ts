import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Serializer } from '@wamp/protocol';
import WebSocket from 'ws';
import {
  createWebSocketServer,
  type Transport,
  type TransportCloseEvent,
  type WebSocketServerOptions,
} from '../src/node.js';

/** Resolves with the value once `register` has been called back, failing after `timeoutMs`. */
export function eventually<T>(
  register: (resolve: (value: T) => void) => void,
  what: string,
  timeoutMs = 3_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** A WAMP WebSocket server on 127.0.0.1 with a free port, handing accepted transports out in order. */
export interface ServerFixture extends AsyncDisposable {
  url: string;
  accepted: number;
  /** The next accepted server-side transport. */
  nextTransport(): Promise<{ transport: Transport; request: IncomingMessage }>;
}

export async function startServer(
  serializers: readonly Serializer[],
  options: Partial<Omit<WebSocketServerOptions, 'serializers' | 'onTransport'>> = {},
): Promise<ServerFixture> {
  const http = createServer((_request, response) => response.writeHead(426).end());
  const queue: { transport: Transport; request: IncomingMessage }[] = [];
  const waiting: ((value: { transport: Transport; request: IncomingMessage }) => void)[] = [];
  const transports: Transport[] = [];
  const fixture = { accepted: 0 } as ServerFixture;
  const wss = createWebSocketServer({
    path: '/ws',
    keepalive: false,
    ...options,
    serializers,
    onTransport(transport, request) {
      fixture.accepted++;
      transports.push(transport);
      const waiter = waiting.shift();
      if (waiter) waiter({ transport, request });
      else queue.push({ transport, request });
    },
  });
  wss.attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return Object.assign(fixture, {
    url: `ws://127.0.0.1:${port}/ws`,
    nextTransport() {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return eventually<{ transport: Transport; request: IncomingMessage }>(
        (resolve) => waiting.push(resolve),
        'a connection',
      );
    },
    async [Symbol.asyncDispose]() {
      for (const transport of transports) transport.terminate();
      await wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  });
}

/** A raw handshake: resolves with the HTTP status and body of a refused upgrade, or 101. */
export function handshake(
  url: string,
  protocols: string | undefined,
  origin?: string,
): Promise<{ status: number; body: string }> {
  const { host, pathname } = new URL(url.replace('ws:', 'http:'));
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: host.split(':')[0],
      port: Number(host.split(':')[1]),
      path: pathname,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(protocols !== undefined && { 'Sec-WebSocket-Protocol': protocols }),
        ...(origin !== undefined && { Origin: origin }),
      },
    });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, body: '' });
    });
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

export function closeOf(transport: Transport): Promise<TransportCloseEvent> {
  return eventually((resolve) => {
    transport.onclose = resolve;
  }, 'close');
}

/** A bare `ws` client (no Transport around it), open. */
export function openRaw(url: string, protocols: string[], options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, protocols, options);
  return eventually((resolve) => socket.once('open', () => resolve(socket)), 'a raw connection');
}
