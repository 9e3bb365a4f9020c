// The WAMP-over-RawSocket server: listening on TCP, TLS or a Unix domain socket, the router's side of the
// handshake on each accepted socket, and the connections' lifetime. `accept` takes a socket accepted elsewhere (with
// the bytes read from it so far), so a listener that tells RawSocket from HTTP by the first octet can hand it over.
import { chmod } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, TLSSocket } from 'node:tls';
import type { Serializer } from '@wamp/protocol';
import { CloseCode } from '../close-codes.js';
import type { PeerInfo, Transport } from '../transport.js';
import { Keepalive } from './keepalive.js';
import type { TransportLogger } from './logger.js';
import {
  handshakeOctets,
  lengthExponent,
  lengthOf,
  RAWSOCKET_MAGIC,
  RawSocketError,
  readRequest,
  refusal,
} from './rawsocket-handshake.js';
import { type RawSocketSettings, RawSocketTransport } from './rawsocket-transport.js';
import type { KeepaliveOptions } from './server.js';
import { logServerErrors } from './server-errors.js';
import { freeSocketPath } from './unix-socket.js';

/**
 * Options of {@link createRawSocketServer}, checked once by it (a `TypeError` or `RangeError` names the option).
 *
 * @example
 * ```ts
 * const options: RawSocketServerOptions = {
 *   serializers: [cborSerializer, jsonSerializer],
 *   maxMessageBytes: 1 << 20,
 *   onTransport: (transport) => router.accept(transport),
 * };
 * ```
 */
export interface RawSocketServerOptions {
  /** Serializers the server speaks; the client's handshake picks one, and any other is refused (error 1). */
  serializers: readonly Serializer[];
  /**
   * Largest inbound message in bytes. The handshake announces the largest power of two at or below it (512 bytes to
   * 16 MiB), and a longer frame fails the connection. Default 16 MiB.
   */
  maxMessageBytes?: number;
  /** Outbound bytes queued per connection above which it stops being writable. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued bytes at or below which `ondrain` fires again. Default a quarter of the high-water mark. */
  lowWaterMark?: number;
  /**
   * PINGs every `intervalMs`, cutting a peer without PONG within `timeoutMs`; default `false` (off): some clients
   * (Autobahn|Python's asyncio RawSocket, up to at least 22.7) cannot answer a PING and drop the connection.
   */
  keepalive?: KeepaliveOptions | false;
  /** How long `close` waits for the peer to end its side before dropping the socket. Default 5 s. */
  closeTimeoutMs?: number;
  /** How long a client may take to send its 4 handshake octets; 0 for no limit (the caller has one). Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Where refused handshakes and protocol errors (warn), and closes (debug) are reported. */
  logger?: TransportLogger;
  /**
   * Asked about every connection the server's own listeners accept, before its handshake: a string refuses it (a
   * plain connection gets error reply 4, "maximum connection count reached"; a TLS one is closed, as no TLS
   * session exists yet), undefined lets it through. The caller logs its own refusals.
   */
  admit?(socket: Socket): string | undefined;
  /** Receives every connection whose handshake succeeded, with its socket (a `TLSSocket` over TLS). */
  onTransport(transport: Transport, socket: Duplex): void;
}

/**
 * Where {@link RawSocketServer.listen} listens: a TCP port (with `tls`, RawSocket over TLS), or a Unix socket.
 *
 * @example
 * ```ts
 * await server.listen({ host: '0.0.0.0', port: 8081 });
 * await server.listen({ path: '/run/wamp-router.sock', mode: 0o660 });
 * ```
 */
export type RawSocketListenOptions =
  | {
      /** TCP port; 0 picks a free one. */
      port: number;
      /** Address to bind. Default `127.0.0.1`. */
      host?: string;
      /** PEM certificate and key: RawSocket over TLS (`rss://`). */
      tls?: { cert: string | Buffer; key: string | Buffer };
    }
  | {
      /** The socket file. One left by a process that died is replaced; one a live process listens on is refused. */
      path: string;
      /** The file's mode once listening (who may connect), e.g. `0o660`. Default: as the umask leaves it. */
      mode?: number;
      /**
       * Replace a stale socket file first. Default true; false in a `node:cluster` worker, whose primary holds the
       * socket that the first worker's listen made.
       */
      replaceStale?: boolean;
    };

/**
 * Where {@link RawSocketServer.listen} ended up listening.
 *
 * @example
 * ```ts
 * const { url } = await server.listen({ port: 0 }); // 'rs://127.0.0.1:41234'
 * ```
 */
export interface RawSocketListenResult {
  /** `rs://host:port`, `rss://host:port` over TLS, or `rs+unix:///absolute/path`. */
  url: string;
  /** The Node server, e.g. to reload its certificate with `setSecureContext`. */
  server: Server;
}

/**
 * A WAMP-over-RawSocket endpoint: its own listeners (TCP, TLS, Unix sockets, any number of them) and sockets
 * handed to it.
 *
 * @example
 * ```ts
 * const server = createRawSocketServer({ serializers: [jsonSerializer], onTransport });
 * const { url } = await server.listen({ port: 8081 }); // 'rs://127.0.0.1:8081'
 * await server.close(); // every connection sees its socket end
 * ```
 */
export interface RawSocketServer {
  /** Starts a listener; resolves with its URL, or rejects (e.g. `EADDRINUSE`, `UnixSocketInUseError`). */
  listen(options: RawSocketListenOptions): Promise<RawSocketListenResult>;
  /**
   * Runs the handshake on a socket accepted elsewhere; `head` holds what was read from it already (e.g. the first
   * octet a shared port looked at). The socket must not be read by anyone else from here on.
   */
  accept(socket: Duplex, head?: Buffer, peer?: PeerInfo): void;
  /** Stops the listeners, ends every connection and resolves once all are closed. */
  close(code?: number, reason?: string): Promise<void>;
  /** The connections open now. */
  readonly transports: ReadonlySet<Transport>;
  readonly connectionCount: number;
}

function positiveInteger(name: string, value: number | undefined, allowZero = false): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`createRawSocketServer: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
}

function destroy(this: Duplex): void {
  this.destroy();
}

function validate(options: RawSocketServerOptions): void {
  if (!Array.isArray(options.serializers) || options.serializers.length === 0) {
    throw new TypeError('createRawSocketServer: serializers must list at least one serializer');
  }
  if (typeof options.onTransport !== 'function') {
    throw new TypeError('createRawSocketServer: onTransport must be a function');
  }
  positiveInteger('maxMessageBytes', options.maxMessageBytes);
  positiveInteger('highWaterMark', options.highWaterMark);
  positiveInteger('lowWaterMark', options.lowWaterMark, true);
  positiveInteger('closeTimeoutMs', options.closeTimeoutMs);
  positiveInteger('handshakeTimeoutMs', options.handshakeTimeoutMs, true);
  if (options.keepalive !== undefined && options.keepalive !== false) {
    positiveInteger('keepalive.intervalMs', options.keepalive.intervalMs);
    positiveInteger('keepalive.timeoutMs', options.keepalive.timeoutMs);
  }
}

/** `ip:port` of a TCP peer (and its TLS channel binding), or what stands for a Unix socket's peer. */
function peerOf(socket: Duplex, unixPath: string | undefined): PeerInfo {
  const net = socket as Socket;
  if (net.remoteAddress === undefined) return { remoteAddress: `unix:${unixPath ?? ''}` };
  const peer: PeerInfo = { remoteAddress: `${net.remoteAddress}:${net.remotePort}` };
  // The client's Finished is the one this end received.
  const finished = socket instanceof TLSSocket ? socket.getPeerFinished() : undefined;
  if (finished !== undefined) peer.tlsUnique = finished;
  return peer;
}

/**
 * A WAMP-over-RawSocket server. Each connection starts with the client's 4 handshake octets: a first octet other
 * than 0x7F fails it (no reply), reserved octets get error 3, a serializer not spoken error 1, and a success reply
 * announces `maxMessageBytes`. Only then does `onTransport` see it.
 *
 * @example
 * ```ts
 * const server = createRawSocketServer({
 *   serializers: [cborSerializer, jsonSerializer],
 *   onTransport: (transport) => router.accept(transport),
 * });
 * await server.listen({ port: 8081 });
 * await server.listen({ path: '/run/wamp-router.sock', mode: 0o660 });
 * ```
 */
export function createRawSocketServer(options: RawSocketServerOptions): RawSocketServer {
  validate(options);
  const logger = options.logger;
  const exponent = lengthExponent(options.maxMessageBytes ?? 16 << 20);
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const marks = { highWaterMark, lowWaterMark: options.lowWaterMark ?? highWaterMark >>> 2 };
  const closeTimeoutMs = options.closeTimeoutMs ?? 5_000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const keepalive = options.keepalive ? new Keepalive(options.keepalive, logger) : null;
  const transports = new Set<Transport>();
  /** Sockets whose handshake has not arrived yet, ended by `close`. */
  const handshaking = new Set<Duplex>();
  const servers: Server[] = [];
  let closing: Promise<void> | null = null;
  let closeCode: number = CloseCode.GOING_AWAY;
  let closeReason = '';
  let onLastClosed: (() => void) | null = null;

  function forget(transport: RawSocketTransport): void {
    transports.delete(transport);
    if (transports.size === 0) onLastClosed?.();
  }

  /** Sends an error reply and ends the socket, reading on until the peer ends its side too (or a timeout). */
  function endWith(socket: Duplex, reply: Buffer): void {
    socket.on('error', destroy);
    socket.end(reply);
    socket.resume();
    setTimeout(() => socket.destroy(), closeTimeoutMs).unref();
  }

  function refuse(socket: Duplex, peer: PeerInfo, reply: Buffer | null, reason: string): void {
    logger?.warn({ peer: peer.remoteAddress, error: reason }, 'RawSocket handshake refused');
    if (reply === null) socket.destroy();
    else endWith(socket, reply);
  }

  function handshake(socket: Duplex, octets: Buffer, peer: PeerInfo): void {
    const request = readRequest(octets, options.serializers);
    if (!request.ok) {
      refuse(socket, peer, request.reply, request.reason);
      return;
    }
    if (closing !== null) {
      refuse(socket, peer, refusal(RawSocketError.MAX_CONNECTIONS_REACHED), 'the server is shutting down');
      return;
    }
    socket.write(handshakeOctets(exponent, request.serializerId));
    const settings: RawSocketSettings = {
      marks,
      receiveLimit: lengthOf(exponent),
      sendLimit: request.maxBytes,
      closeTimeoutMs,
      keepalive,
      logger,
      closed: forget,
    };
    const transport = new RawSocketTransport(socket, request.serializer, peer, settings);
    transports.add(transport);
    try {
      options.onTransport(transport, socket);
    } catch (error) {
      logger?.error({ peer: peer.remoteAddress, error }, 'onTransport threw; closing the connection');
      transport.close(CloseCode.INTERNAL_ERROR, 'internal error');
      return;
    }
    // What came behind the 4 octets (a client may send its HELLO before the reply), now that onTransport has set
    // the handlers: before any later chunk, which the transport's own listener gets.
    if (octets.length > 4) transport.receive(octets.subarray(4));
  }

  function accept(socket: Duplex, head: Buffer = Buffer.alloc(0), peer = peerOf(socket, undefined)): void {
    const tcp = socket as Duplex & { setNoDelay?(noDelay: boolean): void };
    tcp.setNoDelay?.(true);
    let received = head;
    let timer: NodeJS.Timeout | null = null;
    const done = () => {
      handshaking.delete(socket);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (timer !== null) clearTimeout(timer);
    };
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      // A wrong first octet is known at once: a client speaking HTTP (or nothing we know) waits for nothing.
      if (received.length < 4 && received[0] === RAWSOCKET_MAGIC) return;
      done();
      handshake(socket, received, peer);
    };
    const onError = () => socket.destroy();
    const onClose = () => done();
    handshaking.add(socket);
    socket.on('error', onError);
    socket.on('close', onClose);
    if (handshakeTimeoutMs > 0) {
      timer = setTimeout(() => {
        done();
        logger?.warn(
          { peer: peer.remoteAddress, handshakeTimeoutMs },
          'connection cut: no RawSocket handshake in time',
        );
        socket.destroy();
      }, handshakeTimeoutMs);
      timer.unref();
    }
    socket.on('data', onData);
    if (head.length > 0) onData(Buffer.alloc(0));
  }

  async function listen(where: RawSocketListenOptions): Promise<RawSocketListenResult> {
    if (closing !== null) throw new Error('listen: this RawSocket server was closed; create a new one');
    const unixPath = 'path' in where ? resolvePath(where.path) : undefined;
    const tls = 'tls' in where ? where.tls : undefined;
    const admit = options.admit;
    let server: Server;
    if (tls !== undefined) {
      server = createTlsServer({ cert: tls.cert, key: tls.key }, (socket) =>
        accept(socket, undefined, peerOf(socket, undefined)),
      );
      // Before TLS's own 'connection' listener: a refused TCP connection never gets a TLS session.
      if (admit !== undefined) {
        server.prependListener('connection', (socket: Socket) => {
          if (admit(socket) !== undefined) socket.destroy();
        });
      }
    } else {
      server = createServer((socket) => {
        if (admit?.(socket) === undefined) accept(socket, undefined, peerOf(socket, unixPath));
        else endWith(socket, refusal(RawSocketError.MAX_CONNECTIONS_REACHED));
      });
    }
    if (unixPath !== undefined && ('replaceStale' in where ? where.replaceStale !== false : true)) {
      await freeSocketPath(unixPath);
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const listening = () => {
        server.off('error', reject);
        resolve();
      };
      if (unixPath !== undefined) server.listen(unixPath, listening);
      else server.listen((where as { port: number }).port, (where as { host?: string }).host ?? '127.0.0.1', listening);
    });
    servers.push(server);
    logServerErrors(server, logger);
    if (unixPath !== undefined) {
      const mode = (where as { mode?: number }).mode;
      if (mode !== undefined) await chmod(unixPath, mode);
      return { url: `rs+unix://${unixPath}`, server };
    }
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `${tls !== undefined ? 'rss' : 'rs'}://${host}:${address.port}`, server };
  }

  async function shutDown(): Promise<void> {
    const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const socket of handshaking) socket.destroy();
    if (transports.size > 0) {
      const allClosed = new Promise<void>((resolve) => {
        onLastClosed = resolve;
      });
      for (const transport of transports) transport.close(closeCode, closeReason);
      await allClosed;
    }
    keepalive?.stop();
    await Promise.all(stopped);
  }

  return {
    listen,
    accept: (socket, head, peer) => {
      if (closing !== null) socket.destroy();
      else accept(socket, head, peer);
    },
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
