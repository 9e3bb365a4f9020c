// The transport-independent router: its realms, and the sessions of every connection from accept to detach.
import {
  type AuthenticateMessage,
  CloseUri,
  ErrorUri,
  globalId,
  type HelloMessage,
  ScopedIdGenerator,
  type Serializer,
} from '@wamp/protocol';
import type { Transport } from '@wamp/transport';
import type { Logger } from '../logger.js';
import type { ResolvedOptions } from '../options.js';
import { RouterAdmin } from './admin.js';
import type { Authenticator } from './auth.js';
import { AuthFailures } from './auth-failures.js';
import { RouterCounters } from './counters.js';
import type { Dealer } from './dealer/dealer.js';
import type { Fabric, FabricReceiver, MetaAnswer, MetaQuery, Publication } from './fabric.js';
import { handleAuthenticate, handleHello } from './handshake.js';
import { MetaSession } from './meta/meta-session.js';
import type { Testaments } from './meta/testaments.js';
import { Realm, type RouterScopeIds } from './realm.js';
import { RouterSession, SessionState } from './session.js';
import { SessionLog } from './session-log.js';

/** WebSocket close code when the router shuts down ("going away"). */
const CLOSE_GOING_AWAY = 1001;

/**
 * The transport-independent router: realms, the sessions on every connection, and the handshake. It does no
 * I/O of its own: connections arrive as {@link Transport}s from a WebSocket server or an in-memory pair.
 */
export class RouterCore implements FabricReceiver {
  readonly log: Logger;
  /** Every established session in every realm, by ID; session IDs are unique router-wide. */
  readonly sessionsById = new Map<number, RouterSession>();
  /** Every connection, established or not. */
  readonly connections = new Set<RouterSession>();
  readonly agent: string;
  /** Authentication failures per address, to slow down guessing. */
  readonly authFailures = new AuthFailures();
  /** The info lines of joins and leaves. */
  readonly sessionLog: SessionLog;
  /** Running totals for the metrics endpoint. */
  readonly counters: RouterCounters;
  /** The dashboard's admins and message taps; null while the dashboard is off. */
  readonly admin: RouterAdmin | null;

  private readonly realms = new Map<string, Realm>();
  private readonly ids: RouterScopeIds = {
    subscriptions: new ScopedIdGenerator(),
    registrations: new ScopedIdGenerator(),
  };
  private closing: Promise<void> | null = null;
  private onIdle: (() => void) | null = null;

  /**
   * @param internalPair - makes a connected pair of in-memory transports for the router's own sessions (the meta
   * API of each realm); the core does no I/O and imports no transport itself.
   * @param fabric - the cluster this router is a node of, or null for a router on its own.
   */
  constructor(
    readonly options: ResolvedOptions,
    readonly serializers: readonly Serializer[],
    agent: string,
    private readonly internalPair: () => [client: Transport, server: Transport],
    readonly authenticator: Authenticator,
    private readonly fabric: Fabric | null = null,
  ) {
    this.log = options.logger;
    this.sessionLog = new SessionLog(this.log);
    this.counters = new RouterCounters(options.metrics);
    this.agent = agent;
    this.admin = options.dashboard === null ? null : new RouterAdmin(options.dashboard, () => this.realms.values());
    for (const name of options.realms) this.addRealm(name);
  }

  /** The realm named `name`, created on the spot when `autoCreateRealms` is on; undefined otherwise. */
  realm(name: string): Realm | undefined {
    const realm = this.realms.get(name);
    if (realm !== undefined || !this.options.autoCreateRealms) return realm;
    this.log.info({ realm: name }, 'realm created on first HELLO');
    return this.addRealm(name);
  }

  /** Names of the realms that exist now. */
  realmNames(): string[] {
    return [...this.realms.keys()];
  }

  /** A session ID: random, and in a cluster unique cluster-wide (see {@link Fabric.sessionId}). */
  newSessionId(): number {
    return this.fabric === null ? globalId() : this.fabric.sessionId();
  }

  /** A publication from another node: delivered to this node's subscribers, if the realm exists here. */
  deliver(publication: Publication): void {
    this.realms.get(publication.realm)?.broker.deliver(publication);
  }

  dealer(realm: string): Dealer | undefined {
    return this.realms.get(realm)?.dealer;
  }

  publishOrphanTestaments({ realm, testaments }: { realm: string; testaments: Testaments }): void {
    this.realms.get(realm)?.meta?.publishOrphaned(testaments);
  }

  answerMeta({ realm, procedure, args, kwargs, caller }: MetaQuery): MetaAnswer {
    return (
      this.realms.get(realm)?.meta?.answerLocally(procedure, args, kwargs, caller) ?? { error: ErrorUri.NO_SUCH_REALM }
    );
  }

  /** Takes a new connection; its serializer must be one of the router's. */
  accept(transport: Transport, trusted = false): RouterSession {
    const index = this.serializers.findIndex((serializer) => serializer.subprotocol === transport.protocol);
    if (index === -1) throw new Error(`transport speaks ${transport.protocol}, which this router was not set up for`);
    const session = new RouterSession(this, transport, index, trusted);
    this.connections.add(session);
    if (this.closing !== null) session.goodbye(CloseUri.SYSTEM_SHUTDOWN, CLOSE_GOING_AWAY);
    else if (!trusted) session.expectHello(this.options.limits.helloTimeoutMs);
    return session;
  }

  handshake(session: RouterSession, message: HelloMessage): void {
    handleHello(this, session, message);
  }

  authenticate(session: RouterSession, message: AuthenticateMessage): void {
    handleAuthenticate(this, session, message);
  }

  /** Forgets a connection once its transport closed. */
  detach(session: RouterSession): void {
    this.connections.delete(session);
    if (!session.trusted) this.counters.countClosed(session.transport);
    if (this.connections.size === 0) this.onIdle?.();
  }

  /**
   * Says GOODBYE (`wamp.close.system_shutdown`) to every session and closes each connection with 1001 when it
   * answers (connections without a session at once), then cuts off whatever has not closed after the grace period.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      const closed = () => {
        this.sessionLog.stop();
        resolve();
      };
      if (this.connections.size === 0) {
        closed();
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      this.onIdle = () => {
        clearTimeout(timer);
        closed();
      };
      for (const session of [...this.connections]) {
        if (session.state === SessionState.ESTABLISHED) session.goodbye(CloseUri.SYSTEM_SHUTDOWN, CLOSE_GOING_AWAY);
        else session.transport.close(CLOSE_GOING_AWAY, CloseUri.SYSTEM_SHUTDOWN);
      }
      if (this.connections.size === 0) return;
      // Armed after the GOODBYEs, so that a session's own grace (logged per session) expires first at equal times.
      timer = setTimeout(() => {
        // Whoever did not finish closing in time is cut off; their peers see 1006. One line for all of them.
        this.log.warn(
          { connections: this.connections.size, shutdownGraceMs: this.options.limits.shutdownGraceMs },
          'shutdown: connections still open after the grace period cut',
        );
        for (const session of this.connections) session.transport.terminate();
      }, this.options.limits.shutdownGraceMs);
    });
    return this.closing;
  }

  /** Client sessions in every realm, the router's own not counted. */
  clientSessionCount(): number {
    let count = 0;
    for (const realm of this.realms.values()) count += realm.clientCount;
    return count;
  }

  /** Every realm. */
  allRealms(): IterableIterator<Realm> {
    return this.realms.values();
  }

  private addRealm(name: string): Realm {
    const realm = new Realm(name, this.options, this.serializers, this.ids, this.fabric, this.counters, this.admin);
    this.realms.set(name, realm);
    const [client, server] = this.internalPair();
    this.accept(server, true);
    realm.meta = new MetaSession(realm, client, this.fabric, this.options.limits, this.serializers[0]!);
    return realm;
  }
}
