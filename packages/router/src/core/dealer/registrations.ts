// The Registration: one procedure or pattern with its policies, and its callees in registration order.
import type { InvocationPolicy, MatchPolicy } from '@wamp/protocol';
import type { CalleeEnd } from './ends.js';

/**
 * One registration: a procedure (or pattern) with its match and invocation policy, and the callees serving
 * it in the order they registered (the order `first`/`last`/`roundrobin` need).
 */
export class Registration {
  readonly callees: CalleeEnd[] = [];
  /** Position of the next callee under `roundrobin`. */
  private turn = 0;
  /** When the first callee created it (for the meta API). */
  readonly created = new Date();
  /** Its series in the call latency metrics once it has one of its own (see `CallStats`); 0 until then. */
  latencySlot = 0;
  /** Calls routed to its callees on this node (`router.registration.stats`). */
  calls = 0;

  constructor(
    readonly id: number,
    readonly procedure: string,
    readonly match: MatchPolicy,
    readonly invoke: InvocationPolicy,
  ) {}

  /** The callee for the next call, by the registration's invocation policy (shared registration). */
  pickCallee(): CalleeEnd | undefined {
    const callees = this.callees;
    switch (this.invoke) {
      case 'roundrobin':
        if (this.turn >= callees.length) this.turn = 0;
        return callees[this.turn++];
      case 'random':
        return callees[Math.floor(Math.random() * callees.length)];
      case 'last':
        return callees[callees.length - 1];
      default:
        // `single` has one callee; `first` is the one that registered first.
        return callees[0];
    }
  }
}
