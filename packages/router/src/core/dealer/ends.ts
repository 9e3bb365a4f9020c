// The two ends of a call in flight as the dealer needs them, a session here or on another node: CallerEnd, CalleeEnd.
import type { HelloDetails, Message, ScopedIdGenerator } from '@wamp/protocol';
import type { Invocation } from './invocations.js';

/**
 * The caller of a call in flight, as the dealer needs it: a session of this router, or (in a cluster) a session
 * on another node, reached through the fabric.
 */
export interface CallerEnd {
  readonly id: number;
  readonly authid: string;
  readonly authrole: string;
  /** Its calls in flight, by CALL request ID. */
  readonly calls: Map<number, Invocation>;
  send(message: Message): void;
}

/** The callee of a call in flight: a session of this router, or (in a cluster) a session on another node. */
export interface CalleeEnd {
  readonly id: number;
  /** The router's own session (the meta API): it always learns who calls it. */
  readonly trusted: boolean;
  /** Its calls in flight, by INVOCATION request ID. */
  readonly invocations: Map<number, Invocation>;
  /** INVOCATION request IDs, in its session's scope. */
  readonly outboundRequests: ScopedIdGenerator;
  /** True when it announced `feature` for `role` in HELLO. */
  supports(role: keyof HelloDetails['roles'], feature: string): boolean;
  /** False while its outbound queue is past the high-water mark: calls to it then fail fast. */
  isWritable(): boolean;
  send(message: Message): void;
}
