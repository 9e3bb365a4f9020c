// Calls between the cluster's nodes: the messages about calls in flight, and what ends when a node is gone.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ErrorUri, ScopedIdGenerator } from '@wamp/protocol';
import type { Dealer } from '../core/dealer/dealer.js';
import type { CalleeEnd } from '../core/dealer/ends.js';
import type { Registration } from '../core/dealer/registrations.js';
import type {
  CalleeRef,
  CalleeRegistration,
  ClusterCallee,
  ClusterRegisterOutcome,
  ClusterRegistration,
  FabricReceiver,
} from '../core/fabric.js';
import type { Testaments } from '../core/meta/testaments.js';
import type { Logger } from '../logger.js';
import { Announcements } from './announcements.js';
import { withDeadline } from './deadline.js';
import { answerHere, calleeGone, interruptHere, invokeHere, revokeHere } from './local-delivery.js';
import { Membership, type MembershipTiming } from './membership.js';
import type { NodeNumbers } from './node-numbers.js';
import { Registry } from './registry.js';
import { RegistryAdoption } from './registry-adoption.js';
import { RemoteCallee, RemoteCaller } from './remote-ends.js';
import type { SendLimit } from './send-limit.js';
import { nodeSubject, undeliveredSubject } from './subjects.js';
import { TestamentStore } from './testament-store.js';
import { decodeNodeCall, encodeNodeCall, MalformedFabricMessage, type NodeCall } from './wire.js';

/** NATS's status code for a message with a reply subject that no subscription received. */
const NO_RESPONDERS = 503;
/** How a refusal names each kind of call message. */
const SENT_AS: Record<NodeCall['kind'], string> = {
  invoke: 'the call',
  result: 'the result',
  error: 'the error',
  interrupt: 'the interrupt',
  revoke: 'the revocation',
};
/** Answers kept for other nodes while the link to NATS is down. */
const MAX_UNSENT = 10_000;

/**
 * Calls between nodes: the remote ends of calls in flight, the messages about them on each node's subject, and
 * what ends when a node is gone. It also runs what calls rest on: following the registry (adopted into the dealers
 * by `registry-adoption.ts`, this node's callees kept by `announcements.ts`) and which nodes are alive (heartbeats). A caller's node sends INVOCATION input and
 * INTERRUPT to the callee's node; that node answers with RESULT (progressive or final) or ERROR. When a node is
 * gone, calls in flight with it end (callers get `wamp.error.canceled`), and its callees leave the registry.
 */
export class ClusterCalls {
  /** INVOCATION request IDs for callees on other nodes; they also identify the call between the two nodes. */
  private readonly callIds = new ScopedIdGenerator();
  private readonly callees = new Map<string, RemoteCallee>();
  private readonly callers = new Map<string, RemoteCaller>();
  private readonly announced: Announcements;
  private readonly adoption: RegistryAdoption;
  private readonly subscriptions: Subscription[] = [];
  private rejected = 0;
  /** Call messages (calls, results, errors, interrupts) published to other nodes, and received from them. */
  messagesOut = 0;
  messagesIn = 0;
  /** False while the link to NATS is down. */
  private linked = true;
  /** Answers to callers on other nodes made while the link was down, sent once it is back (bounded). */
  private readonly unsent: [node: string, data: Uint8Array][] = [];

  private readonly node: string;
  /** Each node's subject, escaped once rather than per message. */
  private readonly subjects = new Map<string, string>();
  /** This node's subject for undelivered call input, up to the call ID. */
  private readonly undeliveredPrefix: string;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly numbers: NodeNumbers,
    private readonly testaments: TestamentStore,
    private readonly registry: Registry,
    private readonly membership: Membership,
    private readonly receiver: () => FabricReceiver | null,
    private readonly limit: SendLimit,
    private readonly log: Logger,
  ) {
    this.node = numbers.name;
    this.undeliveredPrefix = undeliveredSubject(this.node, '');
    this.announced = new Announcements(registry, this.node, log);
    this.adoption = new RegistryAdoption(this.node, (realm, callee) => this.remoteCallee(realm, callee));
  }

  private subjectOf(node: string): string {
    let subject = this.subjects.get(node);
    if (subject === undefined) {
      subject = nodeSubject(node);
      this.subjects.set(node, subject);
    }
    return subject;
  }

  /** Opens the registry and listens on the node's subject; {@link ClusterCalls.follow} then starts the rest. */
  static async start(
    connection: NatsConnection,
    numbers: NodeNumbers,
    timing: MembershipTiming,
    receiver: () => FabricReceiver | null,
    limit: SendLimit,
    log: Logger,
  ): Promise<ClusterCalls> {
    const node = numbers.name;
    const registry = await Registry.open(connection, log);
    const testaments = await TestamentStore.open(connection, node, log);
    const membership = new Membership(connection, node, timing, log);
    const calls = new ClusterCalls(connection, numbers, testaments, registry, membership, receiver, limit, log);
    calls.subscriptions.push(
      connection.subscribe(nodeSubject(node), { callback: (error, message) => calls.onMessage(error, message) }),
      connection.subscribe(undeliveredSubject(node, '*'), {
        callback: (_error, message) => calls.onUndelivered(message),
      }),
    );
    await connection.flush();
    return calls;
  }

  /**
   * Starts following the registry (its current registrations first) and the heartbeats. Separate from `start` so
   * that the fabric can hand out remote callees for the registrations the watch delivers at once.
   */
  async follow(): Promise<void> {
    await this.registry.watch((realm, procedure, match, registration) => {
      for (const callee of registration?.callees ?? []) this.membership.expect(callee.node);
      const dealer = this.receiver()?.dealer(realm);
      if (dealer !== undefined) this.adoption.changed(dealer, procedure, match, registration);
      this.announced.check(realm, procedure, match, registration);
    });
    // Nodes that hold a number are expected to be heard: one that died with nobody left to notice (a lone node
    // killed and restarted under another name) is declared gone after the failure timeout and cleaned up then.
    for (const name of await this.numbers.claimedNames()) this.membership.expect(name);
    this.membership.start((gone) => this.nodeGone(gone));
  }

  register(callee: CalleeRegistration): Promise<ClusterRegisterOutcome> {
    return this.announced.register(callee);
  }

  unregister(callee: CalleeRef): Promise<void> {
    return this.announced.unregister(callee);
  }

  /** See {@link RegistryAdoption.adopt}. */
  adopt(dealer: Dealer, record: ClusterRegistration): Registration {
    return this.adoption.adopt(dealer, record);
  }

  keepTestaments(realm: string, session: number, testaments: Testaments | null): void {
    this.testaments.keep(realm, session, testaments);
  }

  /** How many other nodes are alive, as far as this node knows. */
  get otherNodes(): number {
    return this.membership.others;
  }

  /** See {@link Registry.caughtUp}; without a link to NATS the node answers from what it has seen, at once. */
  caughtUp(): Promise<void> {
    return this.linked ? this.registry.caughtUp() : Promise.resolve();
  }

  revokeRemote(realm: string, callee: CalleeEnd, registrationId: number, reason: string | undefined): void {
    if (!(callee instanceof RemoteCallee)) return;
    this.send(callee.node, {
      kind: 'revoke',
      realm,
      callId: this.callIds.next(),
      calleeSession: callee.id,
      registration: registrationId,
      details: reason === undefined ? {} : { reason },
      uri: '',
      args: undefined,
      kwargs: undefined,
    });
  }

  remoteCallee(realm: string, callee: ClusterCallee): RemoteCallee {
    const key = `${realm}\u0000${callee.node}\u0000${callee.session}`;
    let remote = this.callees.get(key);
    if (remote === undefined) {
      remote = new RemoteCallee(realm, callee, this.callIds, this.send);
      this.callees.set(key, remote);
      this.membership.expect(callee.node);
    }
    return remote;
  }

  /**
   * NATS is gone for now (see {@link Membership.suspend}). Calls from this node to other nodes fail at once with
   * `wamp.error.canceled`: NATS keeps nothing for a node while it is away, so their answers would be lost.
   */
  disconnected(): void {
    this.linked = false;
    this.membership.suspend();
    const receiver = this.receiver();
    for (const callee of this.callees.values()) {
      const dealer = receiver?.dealer(callee.realm);
      for (const invocation of [...callee.invocations.keys()]) {
        dealer?.endCall(
          callee,
          invocation,
          ErrorUri.CANCELED,
          'the link to the cluster broke while the call was in flight',
        );
      }
    }
  }

  /** NATS is back: the others get time to be heard, answers made meanwhile go out, and callees are announced again. */
  reconnected(): Promise<void> {
    this.linked = true;
    this.membership.resume();
    for (const [node, data] of this.unsent.splice(0)) this.connection.publish(this.subjectOf(node), data);
    return this.announced.announceAgain();
  }

  /**
   * Leaves the cluster: the others clean up this node's callees and calls at once. Its own registry entries are
   * removed for at most `deadlineMs` (NATS may be gone); whatever is left, the others remove as for a dead node.
   */
  async stop(deadlineMs = 1_000): Promise<void> {
    this.registry.stop();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.membership.leave();
    const removals = this.announced.removeAll();
    removals.push(this.numbers.release(this.node));
    await withDeadline(Promise.all(removals), deadlineMs);
  }

  private readonly send = (node: string, call: Omit<NodeCall, 'from'>): void => {
    if (this.connection.isClosed()) return;
    const data = encodeNodeCall(call, this.node);
    const refusal = this.limit.refusal(data.length, SENT_AS[call.kind]);
    if (refusal !== undefined) {
      this.refuseOversized(node, call, refusal);
      return;
    }
    if (!this.linked) {
      this.sendWhileUnlinked(node, call, data);
      return;
    }
    this.messagesOut++;
    // Call input carries a reply subject only so that NATS says so when no node listens (the callee's node is gone
    // or not back yet); the call then fails at once instead of waiting for an answer that cannot come.
    if (call.kind === 'invoke') {
      this.connection.publish(this.subjectOf(node), data, { reply: this.undeliveredPrefix + call.callId });
    } else {
      this.connection.publish(this.subjectOf(node), data);
    }
  };

  /**
   * A message too big for NATS never throws out of the dealer: call input fails the call with ERROR
   * `wamp.error.invalid_argument` (once the dealer finished routing it), and an answer too big reaches the caller as
   * that ERROR instead, which is small. Interrupts and revocations are small; one too big is dropped (and logged).
   */
  private refuseOversized(node: string, call: Omit<NodeCall, 'from'>, refusal: string): void {
    if (call.kind === 'invoke') {
      const callee = this.callees.get(`${call.realm}\u0000${node}\u0000${call.calleeSession}`);
      if (callee !== undefined) {
        queueMicrotask(() => this.callLost(callee, call.callId, ErrorUri.INVALID_ARGUMENT, refusal));
      }
    } else if (call.kind === 'result' || call.kind === 'error') {
      const { realm, callId, calleeSession, registration } = call;
      const uri = ErrorUri.INVALID_ARGUMENT;
      this.send(node, {
        kind: 'error',
        realm,
        callId,
        calleeSession,
        registration,
        details: {},
        uri,
        args: [refusal],
        kwargs: undefined,
      });
    }
  }

  /**
   * Without a link, new call input fails at once (after the dealer finished routing it), and answers wait for the
   * link in a bounded queue: the caller's node still waits for them unless it declares this node gone.
   */
  private sendWhileUnlinked(node: string, call: Omit<NodeCall, 'from'>, data: Uint8Array): void {
    if (call.kind === 'invoke') {
      const callee = this.callees.get(`${call.realm}\u0000${node}\u0000${call.calleeSession}`);
      if (callee !== undefined) {
        queueMicrotask(() =>
          this.callLost(callee, call.callId, ErrorUri.UNAVAILABLE, 'the link to the cluster is down: try again'),
        );
      }
      return;
    }
    if (call.kind === 'interrupt') return;
    if (this.unsent.length >= MAX_UNSENT) {
      this.log.warn({ node, kind: call.kind }, 'link to the cluster down: an answer to another node was dropped');
      return;
    }
    this.unsent.push([node, data]);
  }

  /** A remote caller's call is over: forget it (one function for every call, not a closure per call). */
  private readonly forget = (caller: RemoteCaller): void => {
    this.callers.delete(`${caller.node}\u0000${caller.callId}`);
  };

  private onUndelivered(message: Msg): void {
    if (message.headers?.code !== NO_RESPONDERS) return;
    const callId = Number(message.subject.slice(message.subject.lastIndexOf('.') + 1));
    for (const callee of this.callees.values()) {
      if (!callee.invocations.has(callId)) continue;
      this.callLost(callee, callId, ErrorUri.UNAVAILABLE, "the callee's router node is not reachable: try again");
      return;
    }
  }

  private onMessage(error: Error | null, message: Msg): void {
    if (error !== null) return;
    let call: NodeCall;
    try {
      if (message.data.length > this.limit.maxMessageBytes) throw new MalformedFabricMessage('over the size limit');
      call = decodeNodeCall(message.data);
    } catch (failure) {
      if (!(failure instanceof MalformedFabricMessage)) throw failure;
      const rejected = ++this.rejected;
      if ((rejected & (rejected - 1)) === 0) this.log.warn({ rejected, why: failure.message }, 'call message dropped');
      return;
    }
    this.messagesIn++;
    const receiver = this.receiver();
    if (receiver === null) return;
    try {
      this.route(receiver, call);
    } catch (failure) {
      this.log.error({ err: failure, kind: call.kind, from: call.from }, 'handling a call message failed');
    }
  }

  /** A call to a callee on another node cannot complete: the caller gets ERROR `uri` with `why`. */
  private callLost(callee: RemoteCallee, invocation: number, uri: string, why: string): void {
    this.receiver()?.dealer(callee.realm)?.endCall(callee, invocation, uri, why);
  }

  /** Hands a message about a call to the dealer of its realm, with the remote end it comes from. */
  private route(receiver: FabricReceiver, call: NodeCall): void {
    const callerKey = `${call.from}\u0000${call.callId}`;
    const dealer = receiver.dealer(call.realm);
    switch (call.kind) {
      case 'invoke': {
        let caller = this.callers.get(callerKey);
        if (caller === undefined) {
          caller = new RemoteCaller(call.realm, call.from, call.callId, call.calleeSession, this.send, this.forget);
          this.callers.set(callerKey, caller);
          this.membership.expect(call.from);
        }
        invokeHere(dealer, caller, call);
        return;
      }
      case 'revoke':
        revokeHere(dealer, call);
        return;
      case 'interrupt': {
        const caller = this.callers.get(callerKey);
        if (caller !== undefined) interruptHere(dealer, caller, call);
        return;
      }
      case 'result':
      case 'error': {
        const callee = this.callees.get(`${call.realm}\u0000${call.from}\u0000${call.calleeSession}`);
        if (callee !== undefined) answerHere(dealer, callee, call);
        return;
      }
    }
  }

  /** A node is gone: calls in flight with it end, and its callees leave the registry (any node may do that). */
  private nodeGone(node: string): void {
    this.subjects.delete(node);
    const receiver = this.receiver();
    for (const [key, callee] of this.callees) {
      if (callee.node !== node) continue;
      this.callees.delete(key);
      calleeGone(receiver?.dealer(callee.realm), callee);
    }
    for (const [key, caller] of this.callers) {
      if (caller.node !== node) continue;
      this.callers.delete(key);
      receiver?.dealer(caller.realm)?.callerLeft(caller);
    }
    this.registry.removeNode(node).catch((error: unknown) => {
      this.log.warn({ err: error, node }, 'registry: removing a gone node failed');
    });
    this.testaments
      .publishOrphans(node, (realm, testaments) => receiver?.publishOrphanTestaments({ realm, testaments }))
      .catch((error: unknown) => this.log.warn({ err: error, node }, 'publishing a gone node’s testaments failed'));
    this.numbers.release(node).catch((error: unknown) => {
      this.log.warn({ err: error, node }, 'releasing a gone node’s number failed');
    });
  }
}
