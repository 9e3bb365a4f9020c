// Sessions on other nodes as the dealer sees them: caller and callee ends whose messages travel to their node.
import { type Dict, type HelloDetails, type Message, MessageCode, type ScopedIdGenerator } from '@wamp/protocol';
import type { CalleeEnd, CallerEnd } from '../core/dealer/ends.js';
import type { Invocation } from '../core/dealer/invocations.js';
import type { ClusterCallee } from '../core/fabric.js';
import type { NodeCall } from './wire.js';

/** Sends a message about a call to another node. */
export type NodeSender = (node: string, call: Omit<NodeCall, 'from'>) => void;

/**
 * A callee session on another node, as this node's dealer sees it: the INVOCATION and INTERRUPT messages the
 * dealer sends it travel to that node. Its INVOCATION request IDs come from one generator of this node, so that
 * they also identify the call between the two nodes.
 */
export class RemoteCallee implements CalleeEnd {
  readonly trusted = false;
  readonly invocations = new Map<number, Invocation>();
  readonly id: number;
  readonly node: string;
  private readonly features: ReadonlySet<string>;

  constructor(
    readonly realm: string,
    callee: ClusterCallee,
    readonly outboundRequests: ScopedIdGenerator,
    private readonly sendTo: NodeSender,
  ) {
    this.id = callee.session;
    this.node = callee.node;
    this.features = new Set(callee.features);
  }

  supports(role: keyof HelloDetails['roles'], feature: string): boolean {
    return role === 'callee' && this.features.has(feature);
  }

  /** NATS buffers for a while and the callee's node applies its own backpressure: never refused here. */
  isWritable(): boolean {
    return true;
  }

  send(message: Message): void {
    if (message[0] === MessageCode.INVOCATION) {
      this.sendTo(this.node, {
        kind: 'invoke',
        realm: this.realm,
        callId: message[1],
        calleeSession: this.id,
        registration: message[2],
        details: message[3],
        uri: '',
        args: message[4],
        kwargs: message[5],
      });
    } else if (message[0] === MessageCode.INTERRUPT) {
      this.sendTo(this.node, {
        kind: 'interrupt',
        realm: this.realm,
        callId: message[1],
        calleeSession: this.id,
        registration: 0,
        details: message[2] as Dict,
        uri: '',
        args: undefined,
        kwargs: undefined,
      });
    }
  }
}

/**
 * The caller of one call from another node, as this node's dealer sees it: the RESULT and ERROR messages the
 * dealer sends it go back to the caller's node. One per call; `onDone` runs once the final answer left.
 */
export class RemoteCaller implements CallerEnd {
  /** The caller's identity travels in the INVOCATION details its node made; the callee's node needs none. */
  readonly id = 0;
  readonly authid = '';
  readonly authrole = '';
  readonly calls = new Map<number, Invocation>();

  constructor(
    readonly realm: string,
    readonly node: string,
    readonly callId: number,
    readonly calleeSession: number,
    private readonly sendTo: NodeSender,
    private readonly onDone: (caller: RemoteCaller) => void,
  ) {}

  send(message: Message): void {
    if (message[0] === MessageCode.RESULT) {
      const details = message[2] as Dict;
      this.sendTo(this.node, {
        kind: 'result',
        realm: this.realm,
        callId: this.callId,
        calleeSession: this.calleeSession,
        registration: 0,
        details,
        uri: '',
        args: message[3],
        kwargs: message[4],
      });
      if (details.progress !== true) this.onDone(this);
    } else if (message[0] === MessageCode.ERROR) {
      this.sendTo(this.node, {
        kind: 'error',
        realm: this.realm,
        callId: this.callId,
        calleeSession: this.calleeSession,
        registration: 0,
        details: message[3] as Dict,
        uri: message[4],
        args: message[5],
        kwargs: message[6],
      });
      this.onDone(this);
    }
  }
}
