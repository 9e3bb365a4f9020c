// The seam between the core and the cluster, and nothing else: the only file of `core/` that knows a cluster may
// exist. Modelled on socket.io's cluster adapter (the server calls a few methods of any adapter; the adapter calls
// back into the namespace) and on nexus's linked peers (a session on another node is a peer whose messages travel).
//
// The design, for whoever edits this file:
// - OUT (core → cluster) is `Fabric`, made of one small interface per part of the core: `PubSubFabric` (what the
//   broker asks), `RpcFabric` (what the dealer asks), `MetaFabric` (what the meta API asks),
//   and `sessionId()` for the router core. Every method takes ONE object (`TopicRef`, `Publication`,
//   `RetainedRecord`, `CalleeRegistration`, `Adoption`, …) or nothing; every object carries its realm.
// - IN (cluster → core) is `FabricReceiver`: `deliver(publication)` for pub/sub, `dealer(realm)` for everything
//   about calls (the cluster then drives the realm's `Dealer` as it drives it for a local session: a session on
//   another node is a `CalleeEnd`/`CallerEnd` of `cluster/remote-ends.ts`), and `answerMeta`/`publishOrphanTestaments`
//   for the meta API.
// - The core holds the fabric as `X | null` and checks it once where a fabric may act; a router on its own pays
//   that null check and nothing else. What only a cluster does (registry adoption, calls between nodes, retained
//   events and testaments in KV, the meta scatter-gather) lives in `../cluster/`.
import type { Dict, EventDetails, InvocationPolicy, MatchPolicy } from '@wamp/protocol';
import type { ReceiverLists } from './broker/receivers.js';
import type { Dealer } from './dealer/dealer.js';
import type { CalleeEnd } from './dealer/ends.js';
import type { Registration } from './dealer/registrations.js';
import type { Testaments } from './meta/testaments.js';

/** A topic or pattern of one realm, as a subscription names it. */
export interface TopicRef {
  realm: string;
  topic: string;
  match: MatchPolicy;
}

/** A publication as it travels between nodes: everything a node needs to deliver it to its own subscribers. */
export interface Publication {
  realm: string;
  /** The publication ID, the same on every node. */
  id: number;
  topic: string;
  args: unknown[] | undefined;
  kwargs: Dict | undefined;
  /** EVENT details as the publisher's node made them (publisher disclosure, payload passthru keys). */
  details: EventDetails;
  /** The publisher's session ID when it is excluded from receiving (`exclude_me`, the default); 0 otherwise. */
  excludedSession: number;
  receivers: ReceiverLists | null;
}

/** The retained event of a topic (event retention), as the cluster keeps it. */
export interface RetainedRecord {
  realm: string;
  topic: string;
  publication: number;
  details: EventDetails;
  args: unknown[] | undefined;
  kwargs: Dict | undefined;
  receivers: ReceiverLists | null;
}

/** One callee of a registration, somewhere in the cluster. */
export interface ClusterCallee {
  /** The node its session is on. */
  node: string;
  session: number;
  /** Cluster-wide registration order: `first` and `last` pick by it, `roundrobin` goes in it. */
  order: number;
  /** The callee features its session announced (`call_canceling`, `progressive_call_invocations`, …). */
  features: string[];
}

/** A registration as the whole cluster sees it. */
export interface ClusterRegistration {
  /** The registration ID, the same on every node. */
  id: number;
  procedure: string;
  match: MatchPolicy;
  invoke: InvocationPolicy;
  callees: ClusterCallee[];
}

/** A callee of this node in the cluster's registration of `(procedure, match)` in `realm`. */
export interface CalleeRef {
  realm: string;
  procedure: string;
  match: MatchPolicy;
  session: number;
}

/** A callee of this node joining a registration, with what the registry keeps of it. */
export interface CalleeRegistration extends CalleeRef {
  invoke: InvocationPolicy;
  /** The callee features its session announced. */
  features: string[];
}

/** The outcome of registering a callee cluster-wide: the registration it joined, or the error URI. */
export type ClusterRegisterOutcome = { registration: ClusterRegistration } | { error: string; message: string };

/** A registration of the cluster for a dealer of this node to take as its own. */
export interface Adoption {
  dealer: Dealer;
  record: ClusterRegistration;
}

/** What the broker asks of the cluster. */
export interface PubSubFabric {
  /**
   * The ID of the subscription to a topic: the same on every node (a hash), so that the meta API's answers about
   * subscriptions merge across nodes.
   */
  subscriptionId(topic: TopicRef): number;
  /**
   * This node needs publications to `topic` (one hold per call, for a subscription being made or made): they come
   * here from the other nodes. Resolves once they do, so that SUBSCRIBED never promises events the cluster would not
   * deliver. Each call is matched by one {@link PubSubFabric.unfollow}.
   */
  follow(topic: TopicRef): Promise<void>;
  /** Drops one hold of {@link PubSubFabric.follow}; the last one stops publications to `topic` coming here. */
  unfollow(topic: TopicRef): void;
  /**
   * A session of this node published: other nodes' subscribers get it too. Returns why it cannot go to the other
   * nodes (too big for NATS), and then the broker refuses the publication before any subscriber gets it.
   */
  publish(publication: Publication): string | undefined;
  /**
   * Keeps a topic's retained event for the whole cluster (replacing the one before), within the retention byte
   * bounds. Resolves with undefined once it is kept (or keeping it failed, which is logged), or with why a bound
   * refused it (the topic then has no retained event): it never rejects.
   */
  retain(record: RetainedRecord): Promise<string | undefined>;
  /** The cluster's retained events of the topics a subscription to `topic` matches; never rejects. */
  retained(topic: TopicRef): Promise<RetainedRecord[]>;
}

/** What the dealer asks of the cluster. */
export interface RpcFabric {
  /**
   * Adds a callee of this node to the cluster's registration, creating it if there is none (atomically: two nodes
   * cannot both create a `single` registration). Resolves with the registration, or with
   * `wamp.error.procedure_already_exists` and the like.
   */
  register(callee: CalleeRegistration): Promise<ClusterRegisterOutcome>;
  /**
   * Makes the cluster's registration the dealer's own (callees of other nodes included), and returns it: after
   * {@link RpcFabric.register}, in the same turn as the check that the registering session is still there.
   */
  adopt(adoption: Adoption): Registration;
  /**
   * Removes a callee of this node from the cluster's registration; resolves once the registry no longer lists it
   * (or the attempt failed, which is logged): it never rejects.
   */
  unregister(callee: CalleeRef): Promise<void>;
  /**
   * Resolves once this node has seen every registration change made in the cluster so far: a call that finds no
   * registration waits for it before `no_such_procedure`, since the registration may be brand new on another node.
   */
  registryCaughtUp(): Promise<void>;
}

// ---- the meta API

/** One node's answer to a meta API call: the result's arguments, or the error URI (and its arguments). */
export type MetaAnswer = { result: unknown[] } | { error: string; args?: unknown[] };

/** A meta API call: which realm, procedure and arguments, and who called. */
export interface MetaQuery {
  realm: string;
  procedure: string;
  args: unknown[];
  kwargs: Dict;
  /** The calling session's ID. */
  caller: number;
}

/**
 * A meta API call this node serves, put to the whole cluster: which realm, procedure and arguments, who called, and
 * this node's own meta API to answer from its view alone (the cluster merges that with the other nodes' answers).
 */
export interface MetaQuestion extends MetaQuery {
  /** This node's answer to a meta procedure (or unregistered query) of `realm`, for `caller`. */
  local(procedure: string, args: unknown[], kwargs: Dict): MetaAnswer;
}

/** A session's testaments as the cluster keeps a copy of them; null once they were published here. */
export interface KeptTestaments {
  realm: string;
  session: number;
  testaments: Testaments | null;
}

/** A callee of another node to be revoked from a registration (`wamp.registration.remove`). */
export interface RemoteRevocation {
  realm: string;
  callee: CalleeEnd;
  registration: number;
  reason: string | undefined;
}

/** What the meta API asks of the cluster. */
export interface MetaFabric {
  /**
   * The answer to a meta API call served on this node, for the whole cluster: this node's own where the procedure
   * concerns it alone (at once), else merged with the other nodes' answers (nodes that do not answer within a moment
   * are left out). It never rejects: when the cluster fails, the caller still gets an answer.
   */
  askCluster(question: MetaQuestion): MetaAnswer | Promise<MetaAnswer>;
  /**
   * Keeps the cluster's copy of a session's testaments up to date (null: the session ended and its testaments were
   * published here), so that another node publishes them if this node dies with the session.
   */
  keepTestaments(kept: KeptTestaments): void;
  /** Asks another node to revoke its callee's registration (`wamp.registration.remove` for a remote callee). */
  revokeRemote(revocation: RemoteRevocation): void;
}

/** What the meta API of this node answers for the cluster. */
export interface MetaReceiver {
  /** The testaments of a session whose node died with it, for this node to publish in their realm. */
  publishOrphanTestaments(orphaned: { realm: string; testaments: Testaments }): void;
  /** This node's own answer to a meta API call made on another node (about this node's sessions only). */
  answerMeta(query: MetaQuery): MetaAnswer;
}

/**
 * What a node's broker, dealer and meta API ask of the rest of the cluster. A router on its own has none. The
 * clustered implementation runs on NATS (`../cluster/nats-fabric.ts`).
 *
 * @example
 * ```ts
 * const notSent = fabric?.publish(publication); // null check: a router on its own routes in-process only
 * ```
 */
export interface Fabric extends PubSubFabric, RpcFabric, MetaFabric {
  /** A new session ID that no other node of the cluster hands out (the caller checks it against its own). */
  sessionId(): number;
}

/**
 * What the fabric reaches in this node.
 *
 * @example
 * ```ts
 * receiver.deliver(decodePublication(message.data, realm));
 * receiver.dealer(call.realm)?.yield(callee, yieldMessage);
 * ```
 */
export interface FabricReceiver extends MetaReceiver {
  /** A publication from another node, for this node's subscribers in its realm. */
  deliver(publication: Publication): void;
  /** The dealer of `realm` on this node, for the registry's changes and the calls between nodes; undefined if none. */
  dealer(realm: string): Dealer | undefined;
}
