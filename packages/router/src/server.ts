// The router's Node servers: WebSocket over HTTP(S), listened on or attached, handing their connections to the core.
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createWebSocketServer, logServerErrors, type WebSocketServer } from '@wamp/transport/node';
import { ConnectionGuard } from './connection-guard.js';
import type { RouterCore } from './core/router-core.js';
import { DescriptorCeiling } from './descriptor-limit.js';
import { RouterError, RouterErrorCode } from './errors.js';
import type { PathHandler } from './http-paths.js';
import { createLongPollEndpoint, type LongPollEndpoint, type LongPollOptions } from './longpoll/longpoll-endpoint.js';
import { listenRawSocket, type RawSocketEndpoint, type RawSocketOptions } from './rawsocket-listeners.js';
import { type SharedPort, sharePort } from './shared-port.js';
import { createStaticHandler } from './static-files.js';

/** Where and how {@link Router.listen} serves. */
export interface ListenOptions {
  /** Address to bind. Default `127.0.0.1`; `0.0.0.0` for every interface. */
  host?: string;
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** WebSocket path. Default `/ws`. */
  path?: string;
  /** PEM certificate and key: serve `wss://` instead of `ws://`. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** A directory whose files are served over plain HTTP on the same port (e.g. a web app using the router). */
  staticDir?: string;
  /** Also serve WAMP-over-RawSocket: on a TCP port (TLS with `tls`) and/or a Unix domain socket. */
  rawsocket?: RawSocketOptions;
  /** Also serve WAMP over HTTP long-poll on this port, under `longpoll.path` (default `/lp`). */
  longpoll?: LongPollOptions;
}

/** Where the router ended up listening. */
export interface ListenResult {
  /** The WebSocket URL clients connect to, e.g. `ws://127.0.0.1:8080/ws`. */
  url: string;
  host: string;
  port: number;
  /** Where Prometheus scrapes the router's metrics, when they are on. */
  metricsUrl?: string;
  /** The operator dashboard's page, when it is on (without its token). */
  dashboardUrl?: string;
  /** The RawSocket URLs, when `rawsocket` was asked for: `rs://` (or `rss://`) first, then `rs+unix://`. */
  rawsocketUrls?: string[];
  /** The long-poll base URL (`open` is under it), when `longpoll` was asked for, e.g. `http://127.0.0.1:8080/lp`. */
  longpollUrl?: string;
}

/** Options of {@link Router.attach}. */
export interface AttachOptions {
  /** WebSocket path on the server. Default `/ws`. */
  path?: string;
  /** Origins allowed on this path; default: the router's `allowedOrigins`. */
  allowedOrigins?: string[];
}

function answerPlainHttp(request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
  response.end(
    `This is a WAMP router: connect with a WebSocket client (subprotocols wamp.2.json, wamp.2.cbor, wamp.2.msgpack), not ${request.method}.\n`,
  );
}

/**
 * Answers the router's own paths (health, metrics), serves static files when configured, and explains the
 * endpoint for anything else.
 */
function httpHandler(
  staticDir: string | undefined,
  handlers: readonly PathHandler[],
): (request: IncomingMessage, response: ServerResponse) => void {
  const serveFile = staticDir === undefined ? null : createStaticHandler(staticDir);
  return (request, response) => {
    for (const handle of handlers) if (handle(request, response)) return;
    if (serveFile === null) answerPlainHttp(request, response);
    else if (!serveFile(request, response)) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  };
}

const DESCRIPTOR_HINT =
  ', or lower limits.maxConnectionsPerAddress, limits.maxPendingConnections or limits.maxSessions';

/**
 * The Node side of a router: WebSocket servers on HTTP(S) servers, each handing its connections to the core.
 */
export class RouterServers {
  private readonly webSockets: WebSocketServer[] = [];
  private readonly owned: (HttpServer | HttpsServer)[] = [];
  private readonly rawSockets: RawSocketEndpoint[] = [];
  private readonly sharedPorts: SharedPort[] = [];
  private readonly longPolls: LongPollEndpoint[] = [];
  private readonly guard: ConnectionGuard;

  /**
   * @param pathHandlers - the router's own HTTP paths (health, metrics) on the servers `listen` starts.
   * @param perPath - more of them that need the WebSocket path of the server (the dashboard's).
   */
  constructor(
    private readonly core: RouterCore,
    private readonly pathHandlers: readonly PathHandler[],
    private readonly perPath: (webSocketPath: string) => readonly PathHandler[] = () => [],
  ) {
    this.guard = new ConnectionGuard(core.options.limits, core.log, new DescriptorCeiling(core.log));
  }

  attach(server: HttpServer | HttpsServer, options: AttachOptions = {}): void {
    const { limits, keepalive, perMessageDeflate } = this.core.options;
    const allowedOrigins = options.allowedOrigins ?? this.core.options.allowedOrigins;
    const webSocket = createWebSocketServer({
      serializers: this.core.serializers,
      path: options.path ?? '/ws',
      ...(allowedOrigins !== undefined && { allowedOrigins }),
      maxMessageBytes: limits.maxMessageBytes,
      highWaterMark: limits.outboundHighWater,
      keepalive,
      perMessageDeflate,
      logger: this.core.log,
      admit: (request) => this.guard.admit(request.socket),
      onTransport: (transport, request) => {
        this.guard.upgraded(request.socket, this.core.accept(transport));
      },
    });
    webSocket.attach(server);
    this.webSockets.push(webSocket);
  }

  async listen(options: ListenOptions = {}): Promise<ListenResult> {
    const host = options.host ?? '127.0.0.1';
    const path = options.path ?? '/ws';
    const longPoll =
      options.longpoll === undefined ? null : createLongPollEndpoint(this.core, this.guard, options.longpoll);
    if (longPoll !== null) this.longPolls.push(longPoll);
    const serve = httpHandler(options.staticDir, [
      ...(longPoll === null ? [] : [longPoll.handler]),
      ...this.pathHandlers,
      ...this.perPath(path),
    ]);
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      this.guard.requested(request.socket);
      serve(request, response);
    };
    const server =
      options.tls !== undefined
        ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler)
        : createHttpServer(handler);
    const shared = options.rawsocket?.sharePort === true;
    // Counted from the TCP accept (for TLS: before its handshake), so a flood of idle sockets meets the caps.
    server.on('connection', shared ? this.guard.acceptedOnSharedPort : this.guard.accepted);
    this.attach(server, { path });
    // On a shared port the RawSocket server must be there before the first connection.
    const sharedEndpoint = shared ? await this.listenRawSocket(options, host) : undefined;
    if (sharedEndpoint !== undefined) this.sharedPorts.push(sharePort(server, sharedEndpoint.server));
    await this.listenOn(server, options.port ?? 8080, host).catch(async (error: unknown) => {
      if (sharedEndpoint !== undefined) {
        this.rawSockets.splice(this.rawSockets.indexOf(sharedEndpoint), 1);
        await sharedEndpoint.server.close();
      }
      throw error;
    });
    this.owned.push(server);
    const address = server.address() as AddressInfo;
    const scheme = options.tls !== undefined ? 'wss' : 'ws';
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const result: ListenResult = {
      url: `${scheme}://${urlHost}:${address.port}${path}`,
      host: address.address,
      port: address.port,
    };
    const httpRoot = `${options.tls !== undefined ? 'https' : 'http'}://${urlHost}:${address.port}`;
    if (this.core.options.metrics?.where === 'router') result.metricsUrl = `${httpRoot}/metrics`;
    if (this.core.options.dashboard !== null) result.dashboardUrl = `${httpRoot}/dashboard/`;
    if (longPoll !== null) result.longpollUrl = `${httpRoot}${longPoll.path}`;
    if (sharedEndpoint !== undefined) {
      const sharedUrl = `${options.tls !== undefined ? 'rss' : 'rs'}://${urlHost}:${address.port}`;
      result.rawsocketUrls = [sharedUrl, ...sharedEndpoint.urls];
    } else if (options.rawsocket !== undefined) {
      const endpoint = await this.listenRawSocket(options, host).catch(async (error: unknown) => {
        // All or nothing: the WebSocket listener just started stops again.
        this.owned.splice(this.owned.indexOf(server), 1);
        await new Promise((resolve) => server.close(resolve));
        throw error;
      });
      result.rawsocketUrls = endpoint.urls;
    }
    return result;
  }

  /** Starts the RawSocket listeners of `options.rawsocket` (none but the shared port's may be asked for). */
  private async listenRawSocket(options: ListenOptions, host: string): Promise<RawSocketEndpoint> {
    const endpoint = await listenRawSocket(this.core, this.guard, options.rawsocket!, host, options.tls);
    this.rawSockets.push(endpoint);
    return endpoint;
  }

  /** Listens, or rejects with the error worded as what to change. */
  private async listenOn(server: HttpServer | HttpsServer, port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) => {
        const hint =
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use: stop the other process or pick another port`
            : `cannot listen on ${host}:${port} (${error.code ?? error.message})`;
        reject(new RouterError(RouterErrorCode.LISTEN_FAILED, hint, { cause: error }));
      };
      server.once('error', failed);
      server.listen(port, host, () => {
        // From now on an error (a failed accept) is logged, not handed to a promise already settled.
        server.off('error', failed);
        logServerErrors(server, this.core.log, DESCRIPTOR_HINT);
        resolve();
      });
    });
  }

  /** Swaps the certificate and key of every `wss://` server the router started; open connections keep theirs. */
  reloadTls(tls: { cert: string | Buffer; key: string | Buffer }): number {
    let reloaded = 0;
    for (const server of this.owned) {
      if ('setSecureContext' in server) {
        server.setSecureContext({ cert: tls.cert, key: tls.key });
        reloaded++;
      }
    }
    for (const { tlsServer } of this.rawSockets) {
      tlsServer?.setSecureContext({ cert: tls.cert, key: tls.key });
      if (tlsServer !== null) reloaded++;
    }
    return reloaded;
  }

  /** Stops accepting connections and closes the servers the router created itself. */
  async close(): Promise<void> {
    for (const shared of this.sharedPorts) shared.close();
    for (const longPoll of this.longPolls) longPoll.close();
    await Promise.all([
      ...this.webSockets.map((webSocket) => webSocket.close()),
      ...this.rawSockets.map(({ server }) => server.close()),
    ]);
    await Promise.all(
      this.owned.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }
}
