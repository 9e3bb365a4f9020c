import type { Dict, EventDetails, InvocationPolicy, MatchPolicy } from '@wamp/protocol';
import type { ReceiverLists } from './broker/receivers.js';
import type { CalleeEnd, CallerEnd } from './dealer/ends.js';
import type { Testaments } from './meta/testaments.js';

/** A publication as it travels between nodes: everything a node needs to deliver it to its own subscribers. */
export interface Publication {
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

/** One node's answer to a meta API call: the result's arguments, or the error URI (and its arguments). */
export type MetaAnswer = { result: unknown[] } | { error: string; args?: unknown[] };

/**
 * A meta API call this node serves, put to the whole cluster: which realm, procedure and arguments, who called, and
 * this node's own meta API to answer from its view alone (the cluster merges that with the other nodes' answers).
 */
export interface MetaQuestion {
  realm: string;
  procedure: string;
  args: unknown[];
  kwargs: Dict;
  /** The calling session's ID. */
  caller: number;
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

/** The outcome of registering a callee cluster-wide: the registration it joined, or the error URI. */
export type ClusterRegisterOutcome = { registration: ClusterRegistration } | { error: string; message: string };

/**
 * What a node's brokers and dealers tell the rest of the cluster. A router on one node has none: the
 * brokers then route in-process only and pay nothing for the seam (a null check per publication). The clustered
 * implementation runs on NATS (see `../cluster/`).
 */
export interface Fabric {
  /**
   * Makes publications matching `(pattern, match)` in `realm` come to this node, before its first subscription to
   * them exists; resolves once they do, so that SUBSCRIBED never promises events the cluster would not deliver.
   * Each call is followed by one {@link Fabric.releaseInterest}, whether the subscription was made or not.
   */
  prepareInterest(realm: string, pattern: string, match: MatchPolicy): Promise<void>;
  /** Ends what one {@link Fabric.prepareInterest} started; the interest stays while a subscription needs it. */
  releaseInterest(realm: string, pattern: string, match: MatchPolicy): void;
  /** This node has its first subscriber to `(pattern, match)` in `realm`: publications to it should come here. */
  subscriptionCreated(realm: string, pattern: string, match: MatchPolicy): void;
  /** This node's last subscriber to `(pattern, match)` in `realm` left. */
  subscriptionDeleted(realm: string, pattern: string, match: MatchPolicy): void;
  /**
   * A session of this node published: other nodes' subscribers get it too. Returns why it cannot go to the other
   * nodes (too big for NATS), and then the broker refuses the publication before any subscriber gets it.
   */
  publish(realm: string, publication: Publication): string | undefined;
  /**
   * Keeps a topic's retained event for the whole cluster (replacing the one before), within the retention byte
   * bounds. Resolves with undefined once it is kept (or keeping it failed, which is logged), or with why a bound
   * refused it (the topic then has no retained event): it never rejects.
   */
  retain(realm: string, record: RetainedRecord): Promise<string | undefined>;
  /** The cluster's retained events of the topics a subscription `(pattern, match)` matches. */
  retainedEvents(realm: string, pattern: string, match: MatchPolicy): Promise<RetainedRecord[]>;

  /** This node's name in the cluster. */
  readonly node: string;
  /** A new session ID that no other node of the cluster hands out (the caller checks it against its own). */
  sessionId(): number;
  /**
   * The ID of the subscription to `(topic, match)` in `realm`: the same on every node (a hash), so that the meta
   * API's answers about subscriptions merge across nodes.
   */
  subscriptionId(realm: string, topic: string, match: MatchPolicy): number;
  /**
   * Adds a callee of this node to the cluster's registration of `(procedure, match)`, creating it if there is none
   * (atomically: two nodes cannot both create a `single` registration). Resolves with the registration, or with
   * `wamp.error.procedure_already_exists` and the like.
   */
  register(
    realm: string,
    procedure: string,
    match: MatchPolicy,
    invoke: InvocationPolicy,
    callee: { session: number; features: string[] },
  ): Promise<ClusterRegisterOutcome>;
  /**
   * Removes a callee of this node from the cluster's registration; resolves once the registry no longer lists it
   * (or the attempt failed, which is logged): it never rejects.
   */
  unregister(realm: string, procedure: string, match: MatchPolicy, session: number): Promise<void>;
  /**
   * Resolves once this node has seen every registration change made in the cluster so far: a call that finds no
   * registration waits for it before `no_such_procedure`, since the registration may be brand new on another node.
   */
  registryCaughtUp(): Promise<void>;
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
  /** The callee end for a session of another node, through which INVOCATION and INTERRUPT reach it. */
  remoteCallee(realm: string, callee: ClusterCallee): CalleeEnd;
}

/** What the fabric delivers into this node. */
export interface FabricReceiver {
  /** A publication from another node, for this node's subscribers in `realm`. */
  deliverPublication(realm: string, publication: Publication): void;
  /** The testaments of a session whose node died with it, for this node to publish. */
  publishOrphanTestaments(realm: string, testaments: Testaments): void;
  /** This node's own answer to a meta API call made on another node (about this node's sessions only). */
  answerMeta(realm: string, procedure: string, args: unknown[], kwargs: Dict, caller: number): MetaAnswer;
  /** The cluster's registration of `(procedure, match)` in `realm` changed, or is gone (null). */
  registrationChanged(
    realm: string,
    procedure: string,
    match: MatchPolicy,
    registration: ClusterRegistration | null,
  ): void;
  /** INVOCATION input for a callee of this node from a caller on another node (the first, or more input). */
  remoteInvocation(
    realm: string,
    caller: CallerEnd,
    callRequest: number,
    calleeSession: number,
    registrationId: number,
    details: Dict,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
  ): void;
  /** Another node asks to revoke this node's callee `calleeSession` from registration `registrationId`. */
  remoteRevoke(realm: string, calleeSession: number, registrationId: number, reason: string | undefined): void;
  /** A caller on another node canceled (or timed out) its call to a callee of this node. */
  remoteInterrupt(realm: string, caller: CallerEnd, callRequest: number, mode: string, reason: string): void;
  /** A callee on another node answered (RESULT, progressive or final) a call from this node. */
  remoteResult(
    realm: string,
    callee: CalleeEnd,
    invocation: number,
    details: Dict,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
  ): void;
  /** A callee on another node failed a call from this node. */
  remoteError(
    realm: string,
    callee: CalleeEnd,
    invocation: number,
    details: Dict,
    uri: string,
    args: unknown[] | undefined,
    kwargs: Dict | undefined,
  ): void;
  /**
   * A call to a callee on another node cannot be completed: the caller gets ERROR `uri` with `why` (`unavailable`
   * when its input never reached the callee, `canceled` when the link broke while it was in flight).
   */
  callLost(realm: string, callee: CalleeEnd, invocation: number, uri: string, why: string): void;
  /** A node left the cluster (or was declared dead): what involved it is cleaned up. */
  calleeGone(realm: string, callee: CalleeEnd): void;
  callerGone(realm: string, caller: CallerEnd): void;
}
