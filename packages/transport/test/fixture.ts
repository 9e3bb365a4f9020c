import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Serializer } from '@wamp/protocol';
import { createWebSocketServer, type Transport, type WebSocketServerOptions } from '../src/node.js';

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
