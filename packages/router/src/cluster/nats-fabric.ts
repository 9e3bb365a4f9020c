// The cluster's Fabric on NATS: the object the router core talks to, with interest-routed pub/sub between nodes.
import { createHash } from 'node:crypto';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ErrorUri, globalId } from '@wamp/protocol';
import type { RetainedLimits } from '../core/broker/retained.js';
import type { Registration } from '../core/dealer/registrations.js';
import type {
  Adoption,
  CalleeRef,
  CalleeRegistration,
  ClusterRegisterOutcome,
  Fabric,
  FabricReceiver,
  KeptTestaments,
  MetaAnswer,
  MetaQuestion,
  Publication,
  RemoteRevocation,
  RetainedRecord,
  TopicRef,
} from '../core/fabric.js';
import type { Logger } from '../logger.js';
import { ClusterCalls } from './cluster-calls.js';
import { ClusterMeta } from './cluster-meta.js';
import { withDeadline } from './deadline.js';
import { DEFAULT_TIMING, type MembershipTiming } from './membership.js';
import { clusterAnswer, type MetaQuery } from './meta-merge.js';
import { natsClient } from './nats-client.js';
import { NodeNumbers } from './node-numbers.js';
import { RecentIds } from './recent-ids.js';
import { RetainedStore } from './retained-store.js';
import { SendLimit } from './send-limit.js';
import { eventSubject, interestSubject } from './subjects.js';
import { decodePublication, encodePublication, MalformedFabricMessage } from './wire.js';

/** Where the cluster's NATS is, and who this node is. */
export interface NatsFabricOptions {
  /** NATS server URLs, e.g. `['nats://127.0.0.1:4222']`; the client fails over between them. */
  servers: string[];
  /** This node's name in the cluster: the NATS connection's name, and in logs. */
  name: string;
  /**
   * Fabric messages larger than this are neither sent nor accepted (the router's `maxMessageBytes`); sends are also
   * bound by the NATS server's `max_payload`.
   */
  maxMessageBytes: number;
  /** The byte bounds on retained events, as on a router on its own (the router's limits). */
  retainedLimits: RetainedLimits;
  /** Heartbeat period and failure timeout of the nodes; default 1 s and 3 s. */
  timing?: MembershipTiming;
}

/** What a node's fabric did so far, for monitoring and tests. */
export interface FabricStats {
  node: string;
  /** NATS subjects this node listens on for publications. */
  subjects: number;
  /** Publications sent to the cluster. */
  publicationsOut: number;
  /** Publications from other nodes delivered here (copies from overlapping subjects not counted). */
  publicationsIn: number;
  /** Call messages (calls, results, errors, interrupts) sent to other nodes, and received from them. */
  callMessagesOut: number;
  callMessagesIn: number;
  /** Malformed or oversize fabric messages dropped. */
  rejected: number;
}

/** The node's interest in one subject: who needs it, the NATS subscription, and when NATS confirmed it. */
interface Interest {
  realm: string;
  /** Holds of the subject: subscriptions of this node being made or made (see {@link Fabric.follow}). */
  count: number;
  subscription: Subscription | null;
  /** Resolves once the NATS server has the subscription (a flush round trip after SUB). */
  confirmed: Promise<void>;
}

/** Copies of one message arrive back to back; 4,096 is far more than a node's overlapping subjects. */
const DUPLICATE_WINDOW = 4_096;

/**
 * The clustered {@link Fabric}: the router's nodes meet on NATS. Pub/sub is interest-routed: a node subscribes to
 * the subject of each (topic, policy) its own sessions subscribe to (see {@link interestSubject}) and publishes each
 * local publication once on the topic's subject, so a node only receives publications it has subscribers for,
 * exactly once (copies from overlapping subjects are dropped), in each publisher's order (NATS keeps the order of
 * one connection's messages). The NATS client reconnects on its own and re-subscribes its subjects.
 *
 * @example
 * ```ts
 * const fabric = new NatsFabric({ servers: ['nats://127.0.0.1:4222'], name: 'node-1', maxMessageBytes: 1 << 20, retainedLimits }, log);
 * const core = new RouterCore(options, serializers, agent, pair, authenticator, fabric);
 * fabric.attach(core);
 * await fabric.start();
 * ```
 */
export class NatsFabric implements Fabric {
  private connection: NatsConnection | null = null;
  private receiver: FabricReceiver | null = null;
  private calls: ClusterCalls | null = null;
  private numbers: NodeNumbers | null = null;
  private meta: ClusterMeta | null = null;
  private retainedStore: RetainedStore | null = null;
  private limit: SendLimit | null = null;
  private readonly interests = new Map<string, Interest>();
  private readonly recent = new RecentIds(DUPLICATE_WINDOW);
  /** Malformed or oversize messages dropped; logged when the count reaches a power of two. */
  private rejected = 0;
  private publicationsOut = 0;
  private publicationsIn = 0;
  private closed = false;
  /** Joined the cluster and, after an outage, back on NATS with the node announced again. */
  private linked = false;

  constructor(
    private readonly options: NatsFabricOptions,
    private readonly log: Logger,
  ) {}

  get node(): string {
    return this.options.name;
  }

  /** Why this node is not ready for sessions, for `/readyz`; undefined once it is linked to the cluster. */
  readiness(): string | undefined {
    if (this.linked) return undefined;
    return this.connection === null
      ? `not yet joined the cluster on NATS at ${this.options.servers.join(', ')}`
      : 'lost the connection to NATS: reconnecting';
  }

  /** Sets what receives other nodes' messages (the router core, which is made after the fabric). */
  attach(receiver: FabricReceiver): void {
    this.receiver = receiver;
  }

  /**
   * Connects to NATS and subscribes to the subjects this node needs so far. Rejects, with what to do, when no NATS
   * server answers; after that, outages are handled by reconnecting.
   */
  async start(): Promise<void> {
    const { servers, name } = this.options;
    const { connect } = await natsClient();
    let connection: NatsConnection;
    try {
      connection = await connect({
        servers,
        name,
        noEcho: true, // this node delivered its own publications already
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        pingInterval: 5_000,
        maxPingOut: 3,
      });
    } catch (error) {
      throw new Error(
        `cannot reach NATS at ${servers.join(', ')} (${(error as Error).message}): start nats-server there, or fix --cluster`,
      );
    }
    if (this.closed) {
      await connection.close();
      return;
    }
    const limit = new SendLimit(connection, this.options.maxMessageBytes, this.log);
    try {
      this.numbers = await NodeNumbers.claim(connection, name, this.log);
      this.retainedStore = await RetainedStore.open(connection, this.options.retainedLimits, this.log);
      this.calls = await ClusterCalls.start(
        connection,
        this.numbers,
        this.options.timing ?? DEFAULT_TIMING,
        () => this.receiver,
        limit,
        this.log,
      );
      await this.calls.follow();
    } catch (error) {
      await connection.close();
      throw new Error(
        `cannot use the registry on NATS at ${servers.join(', ')} (${(error as Error).message}): start nats-server with JetStream (-js)`,
      );
    }
    this.connection = connection;
    this.limit = limit;
    this.meta = new ClusterMeta(connection, () => this.receiver, this.log);
    this.meta.start();
    for (const [subject, interest] of this.interests) {
      interest.subscription = this.subscribe(subject, interest.realm);
      interest.confirmed = this.confirm(interest.subscription);
    }
    this.linked = true;
    this.log.info({ node: name, number: this.numbers.number, nats: connection.getServer() }, 'joined the cluster');
    void this.watchStatus(connection);
  }

  subscriptionId({ realm, topic, match }: TopicRef): number {
    const digest = createHash('sha256').update(`${realm}\u0000${match}\u0000${topic}`).digest();
    // 53 bits of the digest, plus one: a WAMP ID in [1, 2^53].
    return (digest.readUInt32BE(0) & 0x1fffff) * 2 ** 32 + digest.readUInt32BE(4) + 1;
  }

  sessionId(): number {
    return this.numbers === null ? globalId() : this.numbers.sessionId();
  }

  register(callee: CalleeRegistration): Promise<ClusterRegisterOutcome> {
    if (this.calls === null) {
      return Promise.resolve({ error: ErrorUri.UNAVAILABLE, message: 'this node has not joined the cluster yet' });
    }
    return this.calls.register(callee);
  }

  adopt({ dealer, record }: Adoption): Registration {
    return this.calls!.adopt(dealer, record);
  }

  unregister(callee: CalleeRef): Promise<void> {
    return this.calls === null ? Promise.resolve() : this.calls.unregister(callee);
  }

  retain(record: RetainedRecord): Promise<string | undefined> {
    return this.retainedStore === null ? Promise.resolve(undefined) : this.retainedStore.keep(record);
  }

  retained(topic: TopicRef): Promise<RetainedRecord[]> {
    if (this.retainedStore === null) return Promise.resolve([]);
    return this.retainedStore.matching(topic).catch((error: unknown) => {
      this.log.warn({ err: error, pattern: topic.topic }, 'retained events could not be read from the cluster');
      return [];
    });
  }

  keepTestaments({ realm, session, testaments }: KeptTestaments): void {
    this.calls?.keepTestaments(realm, session, testaments);
  }

  askCluster(question: MetaQuestion): MetaAnswer | Promise<MetaAnswer> {
    return clusterAnswer(question, (query) => this.askNodes(query), this.log);
  }

  /** The other nodes' answers to a meta query; none before this node joined. */
  private askNodes(query: MetaQuery): Promise<MetaAnswer[]> {
    if (this.meta === null || this.calls === null) return Promise.resolve([]);
    return this.meta.ask(query, this.calls.otherNodes);
  }

  registryCaughtUp(): Promise<void> {
    return this.calls === null ? Promise.resolve() : this.calls.caughtUp();
  }

  revokeRemote({ realm, callee, registration, reason }: RemoteRevocation): void {
    this.calls?.revokeRemote(realm, callee, registration, reason);
  }

  follow({ realm, topic, match }: TopicRef): Promise<void> {
    const subject = interestSubject(realm, topic, match);
    let interest = this.interests.get(subject);
    if (interest === undefined) {
      // Subscribed on NATS at once when connected, else on joining (see `start`).
      const subscription = this.connection === null ? null : this.subscribe(subject, realm);
      interest = { realm, count: 0, subscription, confirmed: this.confirm(subscription) };
      this.interests.set(subject, interest);
    }
    interest.count++;
    return interest.confirmed;
  }

  unfollow({ realm, topic, match }: TopicRef): void {
    const subject = interestSubject(realm, topic, match);
    const interest = this.interests.get(subject);
    if (interest === undefined || --interest.count > 0) return;
    this.interests.delete(subject);
    interest.subscription?.unsubscribe();
  }

  /**
   * Resolves once the NATS server has processed the subscription: a flush is a PING after the SUB, and its PONG
   * comes after the server handled both. Before the node joined, or when NATS is unreachable, it resolves at once:
   * the subscription works locally, and NATS gets it on (re)connect.
   */
  private confirm(subscription: Subscription | null): Promise<void> {
    if (subscription === null || this.connection === null) return Promise.resolve();
    return this.connection.flush().catch((error: unknown) => {
      this.log.warn({ err: error }, 'NATS did not confirm a subscription; it applies once reconnected');
    });
  }

  publish(publication: Publication): string | undefined {
    const connection = this.connection;
    if (connection === null || connection.isClosed()) return undefined;
    const data = encodePublication(publication);
    const refusal = this.limit!.refusal(data.length, `the publication to ${publication.topic}`);
    if (refusal !== undefined) return refusal;
    connection.publish(eventSubject(publication.realm, publication.topic), data);
    this.publicationsOut++;
    return undefined;
  }

  stats(): FabricStats {
    return {
      node: this.node,
      subjects: this.interests.size,
      publicationsOut: this.publicationsOut,
      publicationsIn: this.publicationsIn,
      callMessagesOut: this.calls?.messagesOut ?? 0,
      callMessagesIn: this.calls?.messagesIn ?? 0,
      rejected: this.rejected,
    };
  }

  /** Leaves the cluster: pending messages are flushed, subscriptions dropped, the connection closed. */
  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    this.meta?.stop();
    await this.calls?.stop();
    if (connection === null || connection.isClosed()) return;
    // Draining flushes what is pending; with NATS gone it could wait for a reconnect, so it gets a deadline.
    await withDeadline(connection.drain(), 2_000);
    if (!connection.isClosed()) await connection.close();
  }

  private subscribe(subject: string, realm: string): Subscription {
    return this.connection!.subscribe(subject, {
      callback: (error, message) => this.onPublication(realm, error, message),
    });
  }

  private onPublication(realm: string, error: Error | null, message: Msg): void {
    if (error !== null) {
      this.log.warn({ err: error, node: this.options.name }, 'NATS subscription error');
      return;
    }
    if (message.data.length > this.options.maxMessageBytes) {
      this.reject(`a ${message.data.length}-byte message on ${message.subject}, over the limit`);
      return;
    }
    let publication: Publication;
    try {
      publication = decodePublication(message.data, realm);
    } catch (failure) {
      if (!(failure instanceof MalformedFabricMessage)) throw failure;
      this.reject(`malformed message on ${message.subject}: ${failure.message}`);
      return;
    }
    if (!this.recent.firstTime(publication.id)) return;
    this.publicationsIn++;
    try {
      this.receiver?.deliver(publication);
    } catch (failure) {
      // A bug of ours in delivery must not stop this subscription's callback for the messages after it.
      this.log.error(
        { err: failure, realm, topic: publication.topic },
        'delivering a publication from the cluster failed',
      );
    }
  }

  private reject(why: string): void {
    const rejected = ++this.rejected;
    if ((rejected & (rejected - 1)) === 0) {
      this.log.warn({ node: this.options.name, rejected, why }, 'fabric message dropped');
    }
  }

  private async watchStatus(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.linked = false;
        this.log.warn({ nats: status.server }, 'lost the connection to NATS');
        this.calls?.disconnected();
      } else if (status.type === 'reconnect') {
        this.log.info({ nats: status.server }, 'reconnected to NATS');
        this.calls
          ?.reconnected()
          .then(() => {
            this.linked = true;
          })
          .catch((error: unknown) => this.log.warn({ err: error }, 'announcing again failed'));
      } else if (status.type === 'error') this.log.warn({ err: status.error }, 'NATS error');
    }
  }
}
