// The WAMP WebSocket server: HTTP(S) listening, the handshake and subprotocol negotiation, keepalive. Its
// connections run on ServerSocketTransport; ws serves only those that negotiate permessage-deflate.
import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Serializer } from '@wamp/protocol';
import type WebSocket from 'ws';
import { type ServerOptions, WebSocketServer as WsServer } from 'ws';
import { CloseCode } from '../close-codes.js';
import { negotiate, parseProtocolHeader } from '../negotiate.js';
import { createOriginCheck } from '../origin.js';
import type { Transport } from '../transport.js';
import { answerPings, Keepalive } from './keepalive.js';
import type { TransportLogger } from './logger.js';
import { logServerErrors } from './server-errors.js';
import { validateServerOptions } from './server-options.js';
import { type ServerConnectionSettings, ServerSocketTransport } from './server-transport.js';
import { checkHandshake, offersPerMessageDeflate, pathOf, peerOf, refuse, writeSwitchingProtocols } from './upgrade.js';
import { WsTransport } from './ws-transport.js';

// Declared here rather than beside Keepalive: the public declarations then never reach a file that names ws's
// types, so a consumer needs no @types/ws.

/**
 * Ping every `intervalMs`; a connection that has not answered a ping within `timeoutMs` is dropped.
 *
 * @example
 * ```ts
 * const keepalive: KeepaliveOptions = { intervalMs: 15_000, timeoutMs: 5_000 };
 * createWebSocketServer({ serializers, path: '/ws', keepalive, onTransport });
 * ```
 */
export interface KeepaliveOptions {
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Options of {@link createWebSocketServer}. Checked once, by `createWebSocketServer`, which throws a `TypeError`
 * or `RangeError` naming the bad option.
 *
 * @example
 * ```ts
 * const options: WebSocketServerOptions = {
 *   serializers: [cborSerializer, jsonSerializer],
 *   path: '/ws',
 *   allowedOrigins: ['https://app.example.com'],
 *   maxMessageBytes: 256 * 1024,
 *   keepalive: { intervalMs: 15_000, timeoutMs: 5_000 },
 *   onTransport: (transport) => router.accept(transport),
 * };
 * ```
 */
export interface WebSocketServerOptions {
  /** Serializers the server speaks, in order of preference. */
  serializers: readonly Serializer[];
  /** The path WebSocket upgrades are accepted on, e.g. `/ws`. */
  path: string;
  /** Origins allowed to connect (exact, `*.example.com`, or `*`); absent allows any. Others get 403. */
  allowedOrigins?: readonly string[];
  /** Largest inbound message in bytes; a larger one closes the connection with 1009. Default 16 MiB, as the client. */
  maxMessageBytes?: number;
  /** Outbound bytes queued per connection above which it stops being writable. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued bytes at or below which `ondrain` fires again. Default a quarter of the high-water mark. */
  lowWaterMark?: number;
  /** Ping/pong keepalive, or `false`. Default: ping every 30 s, drop after 10 s without pong. */
  keepalive?: KeepaliveOptions | false;
  /** Negotiate `permessage-deflate`. Default false: compression costs CPU and memory on every connection. */
  perMessageDeflate?: boolean;
  /** How long a closing handshake may take before the connection is dropped. Default 5 s (ws's own is 30 s). */
  closeTimeoutMs?: number;
  /** Where handshake refusals (debug), socket errors and cut connections (warn) are reported. */
  logger?: TransportLogger;
  /**
   * Asked about every upgrade request that passed the path, origin and subprotocol checks, just before the
   * upgrade: a string refuses it with `503 Service Unavailable` and that text (e.g. a connection cap is reached),
   * undefined lets it through. The caller logs its own refusals.
   */
  admit?(request: IncomingMessage): string | undefined;
  /** Receives every accepted connection. */
  onTransport(transport: Transport, request: IncomingMessage): void;
}

/**
 * Options of {@link WebSocketServer.listen}.
 *
 * @example
 * ```ts
 * await wss.listen({ host: '0.0.0.0', port: 8080 });
 * ```
 */
export interface ListenOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
}

/**
 * Where {@link WebSocketServer.listen} ended up listening.
 *
 * @example
 * ```ts
 * const { url } = await wss.listen({ port: 0 }); // 'ws://127.0.0.1:41234/ws'
 * ```
 */
export interface ListenResult {
  /** The URL clients connect to, with the path. */
  url: string;
  host: string;
  port: number;
}

/**
 * A WAMP WebSocket endpoint on one path: listening on a port of its own, attached to any number of the
 * application's HTTP(S) servers, or both.
 *
 * @example
 * ```ts
 * const wss = createWebSocketServer({ serializers: [jsonSerializer], path: '/ws', onTransport });
 * const { url } = await wss.listen({ port: 8080 });
 * console.log(url, wss.transports.size);
 * await wss.close(); // every connection sees 1001
 * ```
 */
export interface WebSocketServer {
  /**
   * Starts a plain HTTP server of its own on `host:port` (answering 426 to anything but a WebSocket upgrade).
   * For `wss://`, create an `https.Server` with the certificate and {@link WebSocketServer.attach} to it.
   */
  listen(options: ListenOptions): Promise<ListenResult>;
  /**
   * Handles WebSocket upgrades for the configured path on `server`. Upgrades for other paths are left to the
   * server's other `upgrade` listeners; when the only listeners are WAMP endpoints and none serves the path, the
   * last of them answers 404.
   */
  attach(server: HttpServer | HttpsServer): void;
  /**
   * Stops accepting upgrades, closes every open connection with `code` (default 1001) and `reason`, resolves
   * once they are all closed (at most `closeTimeoutMs` later), and stops the servers `listen` started.
   */
  close(code?: number, reason?: string): Promise<void>;
  /** The connections accepted and not yet closed. */
  readonly transports: ReadonlySet<Transport>;
  /** `transports.size`. */
  readonly connectionCount: number;
}

// Module-level on purpose: several endpoints (one per path) may share an HTTP server, and each must know
// whether another one already took a request, or whether anyone other than a WAMP endpoint listens.
const endpointListeners = new WeakSet<(...args: never[]) => unknown>();
const claimed = new WeakSet<IncomingMessage>();

function destroyOnError(this: Duplex): void {
  this.destroy();
}

function answerPlainHttp(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
  response.end('This is a WAMP WebSocket endpoint: connect with a WebSocket client.\n');
}

/** True when `listener` is the server's last `upgrade` listener and every other one is a WAMP endpoint. */
function isLastEndpoint(server: HttpServer | HttpsServer, listener: (...args: never[]) => unknown): boolean {
  const listeners = server.listeners('upgrade');
  if (listeners[listeners.length - 1] !== listener) return false;
  for (const other of listeners) if (!endpointListeners.has(other as (...args: never[]) => unknown)) return false;
  return true;
}

/**
 * A WebSocket server for WAMP. Before any WebSocket exists it checks, in order, the path (404), the
 * `Origin` (403) and the offered subprotocols (400 when none is ours), so a refused handshake never reaches
 * `onTransport`; then it picks the subprotocol itself, by the server's preference, never by `ws`'s default.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:https';
 * const https = createServer({ cert, key });
 * const wss = createWebSocketServer({
 *   serializers: [cborSerializer, jsonSerializer],
 *   path: '/ws',
 *   onTransport: (transport) => router.accept(transport),
 * });
 * wss.attach(https); // wss://host:8443/ws
 * https.listen(8443);
 * ```
 */
export function createWebSocketServer(options: WebSocketServerOptions): WebSocketServer {
  validateServerOptions(options);
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const marks = { highWaterMark, lowWaterMark: options.lowWaterMark ?? highWaterMark >>> 2 };
  const originAllowed = options.allowedOrigins !== undefined ? createOriginCheck(options.allowedOrigins) : undefined;
  const supported = options.serializers.map((serializer) => serializer.subprotocol).join(', ');
  const chosen = new WeakMap<IncomingMessage, Serializer>();
  const logger = options.logger;
  const keepalive =
    options.keepalive === false
      ? null
      : new Keepalive(options.keepalive ?? { intervalMs: 30_000, timeoutMs: 10_000 }, logger);
  const transports = new Set<Transport>();
  const attached = new Set<HttpServer | HttpsServer>();
  const owned: HttpServer[] = [];
  let closing: Promise<void> | null = null;
  let closeCode: number = CloseCode.GOING_AWAY;
  let closeReason = '';
  let onLastClosed: (() => void) | null = null;

  const maxMessageBytes = options.maxMessageBytes ?? 16 << 20;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  const settings: ServerConnectionSettings = {
    marks,
    maxMessageBytes,
    closeTimeoutMs,
    keepalive,
    logger,
    closed: forget,
  };
  // ws, for the connections that negotiate permessage-deflate. `closeTimeout` exists in ws ≥ 8.23 but not yet in
  // @types/ws. Pings are answered by `answerPings`, not ws.
  const deflating = options.perMessageDeflate
    ? new WsServer({
        autoPong: false,
        noServer: true,
        clientTracking: false,
        maxPayload: maxMessageBytes,
        perMessageDeflate: true,
        closeTimeout: closeTimeoutMs,
        handleProtocols: (_offered: Set<string>, request: IncomingMessage) => chosen.get(request)?.subprotocol ?? false,
      } as ServerOptions & { closeTimeout: number })
    : null;

  function forget(transport: Transport): void {
    transports.delete(transport);
    if (transports.size === 0) onLastClosed?.();
  }

  function acceptDeflating(socket: WebSocket, request: IncomingMessage): void {
    const transport = new WsTransport(socket, chosen.get(request)!, peerOf(request), marks, logger);
    socket.once('close', () => forget(transport));
    answerPings(socket, transport.peer.remoteAddress, logger);
    if (keepalive !== null) {
      keepalive.track(socket, transport.peer.remoteAddress);
      socket.on('pong', () => keepalive.answered(socket));
      socket.once('close', () => keepalive.untrack(socket));
    }
    accept(transport, request);
  }

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, serializer: Serializer): void {
    // The client sent its FIN (or failed) while the request was read.
    if (!socket.readable || !socket.writable) {
      socket.destroy();
      return;
    }
    writeSwitchingProtocols(socket, request, serializer.subprotocol);
    const tcp = socket as Duplex & { setNoDelay?(noDelay: boolean): void; setTimeout?(ms: number): void };
    tcp.setTimeout?.(0);
    tcp.setNoDelay?.(true);
    socket.off('error', destroyOnError);
    if (head.length > 0) socket.unshift(head);
    accept(new ServerSocketTransport(socket, serializer, peerOf(request), settings), request);
  }

  function accept(transport: Transport, request: IncomingMessage): void {
    if (closing !== null) {
      // The handshake finished while the server was shutting down.
      transport.close(closeCode, closeReason);
      return;
    }
    transports.add(transport);
    try {
      options.onTransport(transport, request);
    } catch (error) {
      // Thrown from inside the HTTP server's upgrade event, it would take the process down.
      logger?.error({ peer: transport.peer.remoteAddress, error }, 'onTransport threw; closing the connection');
      transport.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
  }

  function onUpgrade(this: HttpServer | HttpsServer, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (claimed.has(request)) return;
    const path = pathOf(request.url);
    if (path !== options.path) {
      if (isLastEndpoint(this, onUpgrade)) {
        socket.on('error', destroyOnError);
        refuse(socket, 404, `no WebSocket endpoint at ${path}`);
      }
      return;
    }
    claimed.add(request);
    // Errors on the raw socket before the handshake completes must not become uncaught exceptions.
    socket.on('error', destroyOnError);
    const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    if (originAllowed !== undefined && !originAllowed(request.headers.origin)) {
      logger?.debug({ peer, origin: request.headers.origin }, 'handshake refused: origin not allowed');
      refuse(socket, 403, `origin ${request.headers.origin} is not allowed`);
      return;
    }
    const offered = parseProtocolHeader(request.headers['sec-websocket-protocol']);
    const serializer = negotiate(offered, options.serializers);
    if (serializer === null) {
      logger?.debug({ peer, offered }, 'handshake refused: no WAMP subprotocol in common');
      refuse(socket, 400, `offer one of the WAMP subprotocols ${supported} in Sec-WebSocket-Protocol`);
      return;
    }
    const invalid = checkHandshake(request);
    if (invalid !== null) {
      logger?.debug(
        { peer, status: invalid.status, reason: invalid.reason },
        'handshake refused: not a WebSocket handshake',
      );
      refuse(socket, invalid.status, invalid.reason, invalid.header);
      return;
    }
    const refusal = options.admit?.(request);
    if (refusal !== undefined) {
      refuse(socket, 503, refusal);
      return;
    }
    if (deflating !== null && offersPerMessageDeflate(request)) {
      chosen.set(request, serializer);
      deflating.handleUpgrade(request, socket, head, acceptDeflating);
    } else {
      upgrade(request, socket, head, serializer);
    }
  }
  endpointListeners.add(onUpgrade);

  function attach(server: HttpServer | HttpsServer): void {
    if (closing !== null) throw new Error('attach: this WebSocket server was closed; create a new one');
    if (attached.has(server)) return;
    server.on('upgrade', onUpgrade);
    attached.add(server);
  }

  async function shutDown(): Promise<void> {
    for (const server of attached) server.off('upgrade', onUpgrade);
    attached.clear();
    if (transports.size > 0) {
      const allClosed = new Promise<void>((resolve) => {
        onLastClosed = resolve;
      });
      for (const transport of transports) transport.close(closeCode, closeReason);
      await allClosed;
    }
    keepalive?.stop();
    if (deflating !== null) await new Promise<void>((resolve) => deflating.close(() => resolve()));
    await Promise.all(
      owned.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  return {
    async listen({ port, host = '127.0.0.1' }) {
      if (closing !== null) throw new Error('listen: this WebSocket server was closed; create a new one');
      const server = createServer(answerPlainHttp);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      owned.push(server);
      logServerErrors(server, logger);
      attach(server);
      const address = server.address() as AddressInfo;
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `ws://${urlHost}:${address.port}${options.path}`, host: address.address, port: address.port };
    },
    attach,
    close(code = CloseCode.GOING_AWAY, reason = '') {
      if (closing === null) {
        closeCode = code;
        closeReason = reason;
        closing = shutDown();
      }
      return closing;
    },
    transports,
    get connectionCount() {
      return transports.size;
    },
  };
}
