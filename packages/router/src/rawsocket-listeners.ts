// The router's RawSocket listeners: a TCP port (TLS with the router's certificate) and a Unix domain socket, each
// connection through the same ConnectionGuard and RouterCore.accept as a WebSocket.
import cluster from 'node:cluster';
import type { Server } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import {
  createRawSocketServer,
  type KeepaliveOptions,
  type RawSocketListenOptions,
  type RawSocketServer,
  UnixSocketInUseError,
} from '@wamp/transport/node';
import type { ConnectionGuard } from './connection-guard.js';
import type { RouterCore } from './core/router-core.js';
import { RouterError, RouterErrorCode } from './errors.js';

/**
 * Where and how {@link Router.listen} serves WAMP-over-RawSocket, beside its WebSocket endpoint.
 *
 * @example
 * ```ts
 * await router.listen({ port: 8080, rawsocket: { port: 8081, unix: '/run/wamp-router.sock', unixMode: 0o660 } });
 * await router.listen({ port: 8080, rawsocket: { sharePort: true } }); // ws://…:8080/ws and rs://…:8080
 * ```
 */
export interface RawSocketOptions {
  /** TCP port: `rs://host:port`, or `rss://` when `listen` has `tls` (the same certificate). 0 picks a free one. */
  port?: number;
  /**
   * Serve RawSocket on the WebSocket port too (`rs://` or `rss://` on `listen`'s `port`): the first octet a client
   * sends decides, 0x7F for a RawSocket handshake and anything else for HTTP. Works beside `port` and `unix`.
   */
  sharePort?: boolean;
  /** Address for `port`. Default: the WebSocket listener's `host`. */
  host?: string;
  /** A Unix domain socket path (`rs+unix:///path`). A file left by a dead process is replaced. */
  unix?: string;
  /** The Unix socket file's mode once listening, e.g. `0o660` (owner and group may connect). Default: the umask's. */
  unixMode?: number;
  /**
   * PINGs every `intervalMs`, cutting a peer without PONG within `timeoutMs`. Default `false`: Autobahn|Python's
   * asyncio RawSocket client (22.7, Debian's) cannot answer a PING and drops the connection.
   */
  keepalive?: KeepaliveOptions | false;
}

/** The RawSocket endpoint of one `listen`, with its URLs. */
export interface RawSocketEndpoint {
  server: RawSocketServer;
  /** TCP first (rs:// or rss://), then the Unix socket (rs+unix://). */
  urls: string[];
  /** The TLS listener, for certificate reloads; null without TLS. */
  tlsServer: TlsServer | null;
}

/** The `listen` error of a RawSocket listener, worded as the flag or config key to change. */
function listenError(error: NodeJS.ErrnoException, where: string, flag: string): RouterError {
  const hint =
    error instanceof UnixSocketInUseError
      ? `${error.message} (--unix, config rawsocket.unix)`
      : error.code === 'EADDRINUSE'
        ? `${where} is in use: stop the other process or pick another with ${flag}`
        : `cannot listen for RawSocket on ${where} (${error.code ?? error.message}): check ${flag}`;
  return new RouterError(RouterErrorCode.LISTEN_FAILED, hint, { cause: error });
}

/**
 * Starts the RawSocket listeners `options` name. Their connections are counted by `guard` from the accept, cut
 * like a WebSocket that never upgrades when the handshake does not come within `limits.upgradeTimeoutMs`, refused
 * with error reply 4 past a connection cap, and handed to `core.accept`.
 *
 * @example
 * ```ts
 * const endpoint = await listenRawSocket(core, guard, { port: 8081 }, '127.0.0.1', undefined);
 * endpoint.urls; // ['rs://127.0.0.1:8081']
 * ```
 */
export async function listenRawSocket(
  core: RouterCore,
  guard: ConnectionGuard,
  options: RawSocketOptions,
  defaultHost: string,
  tls: { cert: string | Buffer; key: string | Buffer } | undefined,
): Promise<RawSocketEndpoint> {
  const { limits } = core.options;
  const server = createRawSocketServer({
    serializers: core.serializers,
    maxMessageBytes: limits.maxMessageBytes,
    highWaterMark: limits.outboundHighWater,
    keepalive: options.keepalive ?? false,
    // The guard's deadline cuts a handshake that does not come.
    handshakeTimeoutMs: 0,
    logger: core.log,
    admit: (socket) => guard.acceptedRawSocket(socket),
    onTransport: (transport, socket) => {
      guard.upgraded(socket as import('node:net').Socket, core.accept(transport));
    },
  });
  const urls: string[] = [];
  let tlsServer: TlsServer | null = null;
  const start = async (where: RawSocketListenOptions, described: string, flag: string): Promise<Server> => {
    try {
      const listening = await server.listen(where);
      urls.push(listening.url);
      return listening.server;
    } catch (error) {
      await server.close();
      throw listenError(error as NodeJS.ErrnoException, described, flag);
    }
  };
  if (options.port !== undefined) {
    const host = options.host ?? defaultHost;
    const listening = await start(
      { port: options.port, host, ...(tls !== undefined && { tls }) },
      `port ${options.port} on ${host}`,
      '--rawsocket-port (config rawsocket.port)',
    );
    if (tls !== undefined) tlsServer = listening as TlsServer;
  }
  if (options.unix !== undefined) {
    await start(
      {
        path: options.unix,
        ...(options.unixMode !== undefined && { mode: options.unixMode }),
        // A worker's listen goes to the primary, which made the socket on the first worker's: not stale.
        replaceStale: !cluster.isWorker,
      },
      `the Unix socket ${options.unix}`,
      '--unix (config rawsocket.unix)',
    );
  }
  return { server, urls, tlsServer };
}
