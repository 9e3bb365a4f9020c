// This node's callees in the cluster's registry, remembered so that they can be put back: after an outage (the
// others may have declared this node gone and removed them meanwhile), or when a change to the registry dropped
// one whose session still holds the registration. They are taken out when the node leaves.
import type { MatchPolicy } from '@wamp/protocol';
import type { CalleeRef, CalleeRegistration, ClusterRegisterOutcome, ClusterRegistration } from '../core/fabric.js';
import type { Logger } from '../logger.js';
import type { Registry } from './registry.js';

/** A registration this node made for one of its callees. */
interface Announced {
  realm: string;
  procedure: string;
  match: MatchPolicy;
  invoke: CalleeRegistration['invoke'];
  callee: { node: string; session: number; features: string[] };
}

function registrationKey(realm: string, procedure: string, match: MatchPolicy): string {
  return `${realm}\u0000${procedure}\u0000${match}`;
}

/**
 * This node's callees in the registry.
 *
 * @example
 * ```ts
 * const announced = new Announcements(registry, 'node-1', log);
 * await announced.register({ realm, procedure, match, invoke, session, features });
 * ```
 */
export class Announcements {
  /** By registration (realm, procedure, policy), then by session. */
  private readonly announced = new Map<string, Map<number, Announced>>();

  constructor(
    private readonly registry: Registry,
    private readonly node: string,
    private readonly log: Logger,
  ) {}

  async register(request: CalleeRegistration): Promise<ClusterRegisterOutcome> {
    const { realm, procedure, match, invoke, session, features } = request;
    const entry: Announced = { realm, procedure, match, invoke, callee: { session, features, node: this.node } };
    const outcome = await this.registry.add(realm, procedure, match, invoke, entry.callee);
    if ('registration' in outcome) {
      const key = registrationKey(realm, procedure, match);
      let callees = this.announced.get(key);
      if (callees === undefined) {
        callees = new Map();
        this.announced.set(key, callees);
      }
      callees.set(session, entry);
    }
    return outcome;
  }

  unregister({ realm, procedure, match, session }: CalleeRef): Promise<void> {
    const key = registrationKey(realm, procedure, match);
    const callees = this.announced.get(key);
    callees?.delete(session);
    if (callees?.size === 0) this.announced.delete(key);
    return this.registry.remove(realm, procedure, match, this.node, session).catch((error: unknown) => {
      this.log.warn({ err: error, procedure, session }, 'registry: removing a callee failed');
    });
  }

  /** Adds every callee of this node to the registry again; a `single` registration taken meanwhile stays theirs. */
  async announceAgain(): Promise<void> {
    for (const entry of this.all()) {
      const outcome = await this.registry.add(entry.realm, entry.procedure, entry.match, entry.invoke, entry.callee);
      if ('error' in outcome) {
        this.log.warn({ procedure: entry.procedure, why: outcome.message }, 'could not register again after an outage');
      }
    }
  }

  /**
   * Puts this node's callees back when a change to the registry dropped them while their sessions still hold the
   * registration (another node declared this one gone during an outage that this node survived).
   */
  check(realm: string, procedure: string, match: MatchPolicy, registration: ClusterRegistration | null): void {
    for (const entry of this.announced.get(registrationKey(realm, procedure, match))?.values() ?? []) {
      const listed = registration?.callees.some(
        (callee) => callee.node === this.node && callee.session === entry.callee.session,
      );
      if (listed === true) continue;
      this.log.warn(
        { procedure, session: entry.callee.session },
        'registry lost a callee of this node; adding it again',
      );
      this.registry.add(realm, procedure, match, entry.invoke, entry.callee).catch((error: unknown) => {
        this.log.warn({ err: error, procedure }, 'registry: adding a callee again failed');
      });
    }
  }

  /** Removes every callee of this node from the registry (the node leaves); failures are ignored. */
  removeAll(): Promise<unknown>[] {
    return [...this.all()].map((entry) =>
      this.registry
        .remove(entry.realm, entry.procedure, entry.match, this.node, entry.callee.session)
        .catch(() => undefined),
    );
  }

  private *all(): Iterable<Announced> {
    for (const callees of this.announced.values()) yield* callees.values();
  }
}
