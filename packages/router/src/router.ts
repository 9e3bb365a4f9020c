// createRouter and the Router it returns: the core, its servers and, in a cluster, its fabric, as one object.
import type { Transport } from '@wamp/transport';
import { createMemoryPair } from '@wamp/transport/node';
import { RealmAuthenticator } from './auth/realm-authenticator.js';
import type { FabricStats, NatsFabric } from './cluster/nats-fabric.js';
import { RouterCore } from './core/router-core.js';
import { DashboardAuthenticator } from './dashboard/authenticator.js';
import { createDashboardHandler } from './dashboard/http.js';
import { RouterError, RouterErrorCode } from './errors.js';
import { createHealthHandler } from './health.js';
import type { PathHandler } from './http-paths.js';
import { createMetricsHandler, listenForMetrics } from './metrics/endpoint.js';
import { type ResolvedOptions, type RouterOptions, resolveOptions } from './options.js';
import { applicationSerializer, serializersFor } from './serializers.js';
import { type AttachOptions, type ListenOptions, type ListenResult, RouterServers } from './server.js';

/** Counts of the router's tables, for monitoring and leak checks. */
export interface RouterStats {
  /** Open connections, with or without a session. */
  connections: number;
  /** Established sessions in every realm. */
  sessions: number;
  subscriptions: number;
  registrations: number;
  /** Calls in flight (CALL received, RESULT or ERROR not yet sent). */
  pendingCalls: number;
  /** Events not sent to slow subscribers (the `drop` policy), summed over the open sessions. */
  droppedEvents: number;
  /** What this node exchanged with the cluster; null for a router on its own. */
  cluster: FabricStats | null;
}

/**
 * A WAMP router: realms with a broker and a dealer each. Serve it on its own port with `listen`, share an
 * existing HTTP(S) server with `attach`, or connect in-process peers with `createLocalTransport`.
 */
export interface Router {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedOptions;
  /** Names of the realms that exist now. */
  readonly realms: string[];
  /**
   * Starts an HTTP (or, with `tls`, HTTPS) server and serves WAMP over WebSocket on `path`.
   *
   * @example
   * ```ts
   * const { url } = await router.listen({ host: '127.0.0.1', port: 8080, path: '/ws' });
   * ```
   */
  listen(options?: ListenOptions): Promise<ListenResult>;
  /**
   * Serves WAMP on `path` of a server you own; other paths and plain HTTP requests stay yours. A cluster node
   * takes upgrades once its cluster code is loaded: start your server's `listen` after `await router.ready()`.
   *
   * @example
   * ```ts
   * const server = https.createServer({ cert, key }, app);
   * router.attach(server, { path: '/ws' });
   * server.listen(443);
   * ```
   */
  attach(server: import('node:http').Server | import('node:https').Server, options?: AttachOptions): void;
  /**
   * A transport connected to this router in-process, for a backend session living beside the router.
   *
   * @example
   * ```ts
   * const transport = router.createLocalTransport();
   * transport.send(hello('realm1', { roles: { callee: {} } }));
   * ```
   */
  createLocalTransport(): Transport;
  /** Counts of the router's tables. */
  stats(): RouterStats;
  /**
   * Resolves once the router routes: at once for a router on its own; for a cluster node, once it joined the
   * cluster (rejects with `ROUTER_ERR_CLUSTER_UNAVAILABLE` when NATS cannot be reached). `listen` waits for it.
   *
   * @example
   * ```ts
   * const router = createRouter({ cluster: { nats: { servers: 'nats://127.0.0.1:4222' } } });
   * await router.ready();
   * ```
   */
  ready(): Promise<void>;
  /**
   * Replaces the certificate and key of the `wss://` servers started by `listen`, without a restart: new
   * connections get the new certificate. Returns how many servers were updated.
   *
   * @example
   * ```ts
   * process.on('SIGHUP', () => router.reloadTls({ cert: readFileSync(certFile), key: readFileSync(keyFile) }));
   * ```
   */
  reloadTls(tls: { cert: string | Buffer; key: string | Buffer }): number;
  /**
   * GOODBYE (`wamp.close.system_shutdown`) to every session, close 1001, stop listening.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => router.close());
   * ```
   */
  close(): Promise<void>;
}

const AGENT = 'wamp-router';

/**
 * Creates a router. Options are validated here; a bad one throws a `RouterError` naming it.
 *
 * @example
 * ```ts
 * import { createRouter } from '@wamp/router';
 * const router = createRouter({ realms: ['realm1'] });
 * const { url } = await router.listen({ port: 8080 });
 * console.log(`listening on ${url}`);
 * ```
 */
export function createRouter(options: RouterOptions = {}): Router {
  const resolved = resolveOptions(options);
  const serializers = serializersFor(resolved.serializers);
  const localPair = () =>
    createMemoryPair(applicationSerializer(serializers[0]!), { serverSerializer: serializers[0]! });
  // The authenticator reaches dynamic authenticators through each realm's internal session, once the core exists.
  let callRealm: (realm: string, procedure: string, args: unknown[], timeoutMs: number) => Promise<unknown[]> = () =>
    Promise.reject(new Error('router not ready'));
  const realmAuthenticator = new RealmAuthenticator(resolved.auth, (realm, procedure, args, timeoutMs) =>
    callRealm(realm, procedure, args, timeoutMs),
  );
  // The dashboard's token logs its page in on any realm, ahead of the realm's own authentication.
  const dashboardToken = resolved.dashboard?.token ?? null;
  const authenticator =
    dashboardToken === null
      ? realmAuthenticator
      : new DashboardAuthenticator(realmAuthenticator, dashboardToken, resolved.dashboard!.allowedOrigins);
  const makeCore = (fabric: NatsFabric | null) =>
    new RouterCore(resolved, serializers, AGENT, localPair, authenticator, fabric);
  let fabric: NatsFabric | null = null;
  let core: RouterCore | null = null;
  let servers: RouterServers | null = null;
  let closed = false;
  const health = createHealthHandler(() => (closed ? 'shutting down' : fabric?.readiness()));
  let metrics: PathHandler | null = null;
  /** Metrics on an address of their own, once `listen` started them. */
  let metricsServer: Promise<{ url: string; close(): Promise<void> }> | null = null;
  /** The router's own HTTP paths on the servers it listens on: health, and metrics when they are served there. */
  function pathHandlers(madeCore: RouterCore): PathHandler[] {
    if (resolved.metrics !== null) {
      metrics = createMetricsHandler(
        async () => (await import('./metrics/prometheus.js')).routerMetrics(madeCore, fabric),
        (error) => resolved.logger.error({ err: error }, 'metrics could not be collected'),
      );
    }
    return resolved.metrics?.where === 'router' && metrics !== null ? [health, metrics] : [health];
  }
  /** The dashboard's paths on the servers `listen` starts, for the WebSocket path each serves; none while it is off. */
  function dashboardPaths(madeCore: RouterCore): (webSocketPath: string) => PathHandler[] {
    const settings = resolved.dashboard;
    if (settings === null) return () => [];
    const dashboard = createDashboardHandler({ settings, metrics, firstRealm: () => madeCore.realmNames()[0] });
    return (webSocketPath) => [dashboard(webSocketPath)];
  }
  /** Starts the metrics server of their own address on the first `listen`, and adds its URL to what it returns. */
  async function withMetrics(listening: Promise<ListenResult>): Promise<ListenResult> {
    const result = await listening;
    const own = resolved.metrics;
    if (own === null || own.where !== 'own' || metrics === null) return result;
    metricsServer ??= listenForMetrics(own.host, own.port, [health, metrics]);
    return { ...result, metricsUrl: (await metricsServer).url };
  }

  const made = (madeCore: RouterCore): RouterCore => {
    core = madeCore;
    // pathHandlers first: the dashboard serves the metrics handler it makes.
    const ownPaths = pathHandlers(madeCore);
    servers = new RouterServers(madeCore, ownPaths, dashboardPaths(madeCore));
    callRealm = (realm, procedure, args, timeoutMs) => {
      const meta = madeCore.realm(realm)?.meta;
      return meta === null || meta === undefined
        ? Promise.reject(new Error(`no realm ${realm}`))
        : meta.call(procedure, args, timeoutMs);
    };
    return madeCore;
  };
  // A router on its own has its core at once; a cluster node once the NATS fabric is loaded (only then: a router
  // on its own never loads NATS), and it joins at once: `ready()` and `listen()` report a failure, which is logged.
  let coreMade: Promise<RouterCore>;
  let joined: Promise<void>;
  if (resolved.cluster === null) {
    coreMade = Promise.resolve(made(makeCore(null)));
    joined = Promise.resolve();
  } else {
    const cluster = resolved.cluster;
    coreMade = import('./cluster/nats-fabric.js').then(({ NatsFabric }) => {
      fabric = new NatsFabric(
        { ...cluster, maxMessageBytes: resolved.limits.maxMessageBytes, retainedLimits: resolved.limits },
        resolved.logger,
      );
      const clusterCore = made(makeCore(fabric));
      fabric.attach(clusterCore);
      return clusterCore;
    });
    joined = coreMade
      .then(() => fabric!.start())
      .catch((error: Error) => {
        throw new RouterError(RouterErrorCode.CLUSTER_UNAVAILABLE, error.message, { cause: error });
      });
    joined.catch((error: Error) => resolved.logger.error({ err: error }, 'cannot join the cluster'));
  }
  /** Runs `use` with the core: at once when it exists, else once the fabric is loaded. */
  const withCore = (use: (madeCore: RouterCore, madeServers: RouterServers) => void): void => {
    if (core !== null) use(core, servers!);
    else void coreMade.then((madeCore) => use(madeCore, servers!));
  };
  const ensureOpen = () => {
    if (closed) throw new RouterError(RouterErrorCode.CLOSED, 'the router was closed: create a new one');
  };

  return {
    options: resolved,
    get realms() {
      return core === null ? [...resolved.realms] : core.realmNames();
    },
    listen(listenOptions) {
      ensureOpen();
      return withMetrics(
        resolved.cluster === null ? servers!.listen(listenOptions) : joined.then(() => servers!.listen(listenOptions)),
      );
    },
    ready() {
      return joined;
    },
    attach(server, attachOptions) {
      ensureOpen();
      withCore((_core, madeServers) => madeServers.attach(server, attachOptions));
    },
    createLocalTransport() {
      ensureOpen();
      const [client, server] = localPair();
      if (core !== null) core.accept(server);
      else {
        // What the client sends before the core exists waits in the pair.
        server.pauseReading?.();
        withCore((madeCore) => {
          madeCore.accept(server);
          server.resumeReading?.();
        });
      }
      return client;
    },
    stats() {
      if (core === null) {
        const none = { connections: 0, sessions: 0, subscriptions: 0, registrations: 0, pendingCalls: 0 };
        return { ...none, droppedEvents: 0, cluster: null };
      }
      // The router's own sessions (the meta API) and what they hold are left out: these are the clients' tables.
      let subscriptions = 0;
      let registrations = 0;
      let pendingCalls = 0;
      let connections = 0;
      let droppedEvents = 0;
      for (const session of core.connections) {
        if (session.trusted) {
          registrations -= session.registrations.size;
          continue;
        }
        connections++;
        pendingCalls += session.calls.size;
        droppedEvents += session.droppedEvents;
      }
      for (const realm of core.allRealms()) {
        subscriptions += realm.broker.subscriptionCount;
        registrations += realm.dealer.registrationCount;
      }
      return {
        connections,
        sessions: core.clientSessionCount(),
        subscriptions,
        registrations,
        pendingCalls,
        droppedEvents,
        cluster: fabric === null ? null : fabric.stats(),
      };
    },
    reloadTls(tls) {
      ensureOpen();
      return servers === null ? 0 : servers.reloadTls(tls);
    },
    async close() {
      if (closed) return;
      closed = true;
      const madeCore = await coreMade;
      await madeCore.close();
      await fabric?.close();
      await servers!.close();
      await (await metricsServer?.catch(() => null))?.close();
    },
  };
}
