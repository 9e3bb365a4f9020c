import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ErrorUri, type InvocationPolicy, type MatchPolicy, ScopedIdGenerator } from '@wamp/protocol';
import type { ClusterCallee, ClusterRegisterOutcome, FabricReceiver } from '../core/fabric.js';
import type { Logger } from '../logger.js';
import { Membership, type MembershipTiming } from './membership.js';
import { Registry } from './registry.js';
import { RemoteCallee, RemoteCaller } from './remote-ends.js';
import { escapeToken } from './subjects.js';
import { decodeNodeCall, encodeNodeCall, MalformedFabricMessage, type NodeCall } from './wire.js';

/** The subject a node receives messages about calls on: `wamp.node.<node>`. */
export function nodeSubject(node: string): string {
  return `wamp.node.${escapeToken(node)}`;
}

/** A registration this node made for one of its callees, to announce again after an outage. */
interface Announced {
  realm: string;
  procedure: string;
  match: MatchPolicy;
  invoke: InvocationPolicy;
  callee: Omit<ClusterCallee, 'order'>;
}

/**
 * RPC across the cluster: the registry of registrations (JetStream key-value), which nodes are alive (heartbeats),
 * and calls between nodes (each node listens on its own subject). A caller's node sends INVOCATION input and
 * INTERRUPT to the callee's node; that node answers with RESULT (progressive or final) or ERROR. When a node is
 * gone, calls in flight with it end (callers get `wamp.error.canceled`), and its callees leave the registry.
 */
export class ClusterCalls {
  /** INVOCATION request IDs for callees on other nodes; they also identify the call between the two nodes. */
  private readonly callIds = new ScopedIdGenerator();
  private readonly callees = new Map<string, RemoteCallee>();
  private readonly callers = new Map<string, RemoteCaller>();
  private readonly announced = new Map<string, Announced>();
  private subscription: Subscription | null = null;
  private rejected = 0;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly node: string,
    private readonly registry: Registry,
    private readonly membership: Membership,
    private readonly receiver: () => FabricReceiver | null,
    private readonly maxMessageBytes: number,
    private readonly log: Logger,
  ) {}

  /** Opens the registry and starts following it, the node's subject and the heartbeats. */
  static async start(
    connection: NatsConnection,
    node: string,
    timing: MembershipTiming,
    receiver: () => FabricReceiver | null,
    maxMessageBytes: number,
    log: Logger,
  ): Promise<ClusterCalls> {
    const registry = await Registry.open(connection, log);
    const membership = new Membership(connection, node, timing, log);
    const calls = new ClusterCalls(connection, node, registry, membership, receiver, maxMessageBytes, log);
    calls.subscription = connection.subscribe(nodeSubject(node), {
      callback: (error, message) => calls.onMessage(error, message),
    });
    await registry.watch((realm, procedure, match, registration) =>
      receiver()?.registrationChanged(realm, procedure, match, registration),
    );
    membership.start((gone) => calls.nodeGone(gone));
    await connection.flush();
    return calls;
  }

  async register(
    realm: string,
    procedure: string,
    match: MatchPolicy,
    invoke: InvocationPolicy,
    callee: { session: number; features: string[] },
  ): Promise<ClusterRegisterOutcome> {
    const entry: Announced = { realm, procedure, match, invoke, callee: { ...callee, node: this.node } };
    const outcome = await this.registry.add(realm, procedure, match, invoke, entry.callee);
    if ('registration' in outcome) this.announced.set(announcedKey(realm, procedure, match, callee.session), entry);
    return outcome;
  }

  unregister(realm: string, procedure: string, match: MatchPolicy, session: number): void {
    this.announced.delete(announcedKey(realm, procedure, match, session));
    this.registry.remove(realm, procedure, match, this.node, session).catch((error: unknown) => {
      this.log.warn({ err: error, procedure, session }, 'registry: removing a callee failed');
    });
  }

  caughtUp(): Promise<void> {
    return this.registry.caughtUp();
  }

  remoteCallee(realm: string, callee: ClusterCallee): RemoteCallee {
    const key = `${realm}\u0000${callee.node}\u0000${callee.session}`;
    let remote = this.callees.get(key);
    if (remote === undefined) {
      remote = new RemoteCallee(realm, callee, this.callIds, this.send);
      this.callees.set(key, remote);
    }
    return remote;
  }

  /**
   * Adds this node's callees to the registry again (after NATS came back: the others may have declared this node
   * gone and removed them meanwhile). A `single` registration taken by another node meanwhile stays theirs.
   */
  async announceAgain(): Promise<void> {
    for (const entry of this.announced.values()) {
      const outcome = await this.registry.add(entry.realm, entry.procedure, entry.match, entry.invoke, entry.callee);
      if ('error' in outcome && !outcome.message.startsWith('this session')) {
        this.log.warn({ procedure: entry.procedure, why: outcome.message }, 'could not register again after an outage');
      }
    }
  }

  /** Leaves the cluster: the others clean up this node's callees and calls at once. */
  async stop(): Promise<void> {
    this.registry.stop();
    this.subscription?.unsubscribe();
    this.membership.leave();
    for (const entry of this.announced.values()) {
      await this.registry
        .remove(entry.realm, entry.procedure, entry.match, this.node, entry.callee.session)
        .catch(() => undefined);
    }
  }

  private readonly send = (node: string, call: Omit<NodeCall, 'from'>): void => {
    if (this.connection.isClosed()) return;
    this.connection.publish(nodeSubject(node), encodeNodeCall({ ...call, from: this.node }));
  };

  private onMessage(error: Error | null, message: Msg): void {
    if (error !== null) return;
    let call: NodeCall;
    try {
      if (message.data.length > this.maxMessageBytes) throw new MalformedFabricMessage('over the size limit');
      call = decodeNodeCall(message.data);
    } catch (failure) {
      if (!(failure instanceof MalformedFabricMessage)) throw failure;
      const rejected = ++this.rejected;
      if ((rejected & (rejected - 1)) === 0) this.log.warn({ rejected, why: failure.message }, 'call message dropped');
      return;
    }
    const receiver = this.receiver();
    if (receiver === null) return;
    try {
      this.route(receiver, call);
    } catch (failure) {
      this.log.error({ err: failure, kind: call.kind, from: call.from }, 'handling a call message failed');
    }
  }

  private route(receiver: FabricReceiver, call: NodeCall): void {
    const callerKey = `${call.from}\u0000${call.callId}`;
    switch (call.kind) {
      case 'invoke': {
        let caller = this.callers.get(callerKey);
        if (caller === undefined) {
          caller = new RemoteCaller(call.realm, call.from, call.callId, call.calleeSession, this.send, (done) =>
            this.callers.delete(`${done.node}\u0000${done.callId}`),
          );
          this.callers.set(callerKey, caller);
        }
        const { realm, callId, calleeSession, registration, details, args, kwargs } = call;
        receiver.remoteInvocation(realm, caller, callId, calleeSession, registration, details, args, kwargs);
        return;
      }
      case 'interrupt': {
        const caller = this.callers.get(callerKey);
        const mode = typeof call.details.mode === 'string' ? call.details.mode : 'killnowait';
        const reason = typeof call.details.reason === 'string' ? call.details.reason : ErrorUri.CANCELED;
        if (caller !== undefined) receiver.remoteInterrupt(call.realm, caller, call.callId, mode, reason);
        return;
      }
      case 'result':
      case 'error': {
        const callee = this.callees.get(`${call.realm}\u0000${call.from}\u0000${call.calleeSession}`);
        if (callee === undefined) return;
        if (call.kind === 'result') {
          receiver.remoteResult(call.realm, callee, call.callId, call.details, call.args, call.kwargs);
        } else {
          receiver.remoteError(call.realm, callee, call.callId, call.details, call.uri, call.args, call.kwargs);
        }
        return;
      }
    }
  }

  /** A node is gone: calls in flight with it end, and its callees leave the registry (any node may do that). */
  private nodeGone(node: string): void {
    const receiver = this.receiver();
    for (const [key, callee] of this.callees) {
      if (callee.node !== node) continue;
      this.callees.delete(key);
      receiver?.calleeGone(callee.realm, callee);
    }
    for (const [key, caller] of this.callers) {
      if (caller.node !== node) continue;
      this.callers.delete(key);
      receiver?.callerGone(caller.realm, caller);
    }
    this.registry.removeNode(node).catch((error: unknown) => {
      this.log.warn({ err: error, node }, 'registry: removing a gone node failed');
    });
  }
}

function announcedKey(realm: string, procedure: string, match: MatchPolicy, session: number): string {
  return `${realm}\u0000${procedure}\u0000${match}\u0000${session}`;
}
