import type { InvocationPolicy, MatchPolicy } from '@wamp/protocol';
import type { RouterSession } from '../session.js';

/**
 * One registration: a procedure (or pattern) with its match and invocation policy, and the callees serving
 * it in the order they registered (the order `first`/`last`/`roundrobin` need).
 */
export class Registration {
  readonly callees: RouterSession[] = [];
  /** When the first callee created it (for the meta API). */
  readonly created = new Date();

  constructor(
    readonly id: number,
    readonly procedure: string,
    readonly match: MatchPolicy,
    readonly invoke: InvocationPolicy,
  ) {}

  /** The callee for the next call under `single`; shared registrations pick by their policy (advanced profile). */
  pickCallee(): RouterSession | undefined {
    return this.callees[0];
  }
}
