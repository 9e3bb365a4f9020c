import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Serializer } from '@wamp/protocol';
import type WebSocket from 'ws';
import { WebSocketServer as WsServer } from 'ws';
import { negotiate, parseProtocolHeader } from '../negotiate.js';
import { createOriginCheck } from '../origin.js';
import type { PeerInfo, Transport } from '../transport.js';
import { Keepalive, type KeepaliveOptions } from './keepalive.js';
import type { TransportLogger } from './logger.js';
import { WsTransport } from './ws-transport.js';

/** Options of {@link createWebSocketServer}. */
export interface WebSocketServerOptions {
  /** Serializers the server speaks, in order of preference. */
  serializers: readonly Serializer[];
  /** The path WebSocket upgrades are accepted on, e.g. `/ws`. */
  path: string;
  /** Origins allowed to connect (exact, `*.example.com`, or `*`); absent allows any. Others get 403. */
  allowedOrigins?: readonly string[];
  /** Largest inbound message in bytes; a larger one closes the connection with 1009. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Outbound bytes queued per connection above which it stops being writable. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued bytes at or below which `ondrain` fires again. Default a quarter of the high-water mark. */
  lowWaterMark?: number;
  /** Ping/pong keepalive, or `false`. Default: ping every 30 s, drop after 10 s without pong. */
  keepalive?: KeepaliveOptions | false;
  /** Negotiate `permessage-deflate`. Default false. */
  perMessageDeflate?: boolean;
  /** Where handshake refusals and socket errors are reported. */
  logger?: TransportLogger;
  /** Receives every accepted connection. */
  onTransport(transport: Transport, request: IncomingMessage): void;
}

/** A WAMP WebSocket endpoint, attachable to any number of HTTP(S) servers. */
export interface WebSocketServer {
  /**
   * Handles WebSocket upgrades for the configured path on `server`. Upgrades for other paths are left to other
   * `upgrade` listeners, or refused with 404 when there are none.
   */
  attach(server: HttpServer | HttpsServer): void;
  /** Stops accepting upgrades and detaches from every server. Open connections stay open. */
  close(): Promise<void>;
  /** Connections accepted and not yet closed. */
  readonly connectionCount: number;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`,
    );
  }
  socket.destroy();
}

function peerOf(request: IncomingMessage): PeerInfo {
  const peer: PeerInfo = { remoteAddress: `${request.socket.remoteAddress}:${request.socket.remotePort}` };
  const origin = request.headers.origin;
  const userAgent = request.headers['user-agent'];
  if (origin !== undefined) peer.origin = origin;
  if (userAgent !== undefined) peer.userAgent = userAgent;
  return peer;
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * A WebSocket server for WAMP on `ws`. Before any WebSocket exists it checks, in order, the path (404), the
 * `Origin` (403) and the offered subprotocols (400 when none is ours), so a refused handshake never reaches the
 * layer above; then it picks the subprotocol itself, by the server's preference, never by `ws`'s default.
 *
 * @example
 * ```ts
 * const wss = createWebSocketServer({
 *   serializers: [jsonSerializer, cborSerializer],
 *   path: '/ws',
 *   onTransport: (transport) => router.accept(transport),
 * });
 * wss.attach(httpServer);
 * ```
 */
export function createWebSocketServer(options: WebSocketServerOptions): WebSocketServer {
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const marks = { highWaterMark, lowWaterMark: options.lowWaterMark ?? highWaterMark >>> 2 };
  const originAllowed = options.allowedOrigins !== undefined ? createOriginCheck(options.allowedOrigins) : undefined;
  const supported = options.serializers.map((serializer) => serializer.subprotocol).join(', ');
  const chosen = new WeakMap<IncomingMessage, Serializer>();
  const keepalive =
    options.keepalive === false ? null : new Keepalive(options.keepalive ?? { intervalMs: 30_000, timeoutMs: 10_000 });
  const transports = new Set<WsTransport>();
  const attached = new Set<HttpServer | HttpsServer>();
  const logger = options.logger;

  const wss = new WsServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxMessageBytes ?? 1 << 20,
    perMessageDeflate: options.perMessageDeflate ?? false,
    handleProtocols: (_offered: Set<string>, request: IncomingMessage) => chosen.get(request)?.subprotocol ?? false,
  });

  function accept(socket: WebSocket, request: IncomingMessage): void {
    const serializer = chosen.get(request)!;
    const transport = new WsTransport(socket, serializer, peerOf(request), marks, logger);
    transports.add(transport);
    socket.once('close', () => transports.delete(transport));
    keepalive?.track(socket);
    options.onTransport(transport, request);
  }

  function onUpgrade(this: HttpServer | HttpsServer, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Errors on the raw socket before the handshake completes must not become uncaught exceptions.
    socket.on('error', () => socket.destroy());
    if (pathOf(request.url) !== options.path) {
      if (this.listenerCount('upgrade') === 1) refuse(socket, 404, `no WebSocket endpoint at ${pathOf(request.url)}`);
      return;
    }
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    if (originAllowed !== undefined && !originAllowed(request.headers.origin)) {
      logger?.info({ peer, origin: request.headers.origin }, 'handshake refused: origin not allowed');
      refuse(socket, 403, `origin ${request.headers.origin} is not allowed`);
      return;
    }
    const offered = parseProtocolHeader(request.headers['sec-websocket-protocol']);
    const serializer = negotiate(offered, options.serializers);
    if (serializer === null) {
      logger?.info({ peer, offered }, 'handshake refused: no WAMP subprotocol in common');
      refuse(socket, 400, `offer one of the WAMP subprotocols ${supported} in Sec-WebSocket-Protocol`);
      return;
    }
    chosen.set(request, serializer);
    wss.handleUpgrade(request, socket, head, accept);
  }

  return {
    attach(server) {
      server.on('upgrade', onUpgrade);
      attached.add(server);
    },
    async close() {
      for (const server of attached) server.off('upgrade', onUpgrade);
      attached.clear();
      keepalive?.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    get connectionCount() {
      return transports.size;
    },
  };
}
