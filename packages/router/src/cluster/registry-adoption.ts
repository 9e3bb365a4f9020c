// Registry adoption: the cluster's registry (`registry.ts`) is the truth about registrations, and each node's
// dealer holds a copy of it to route calls with one lookup. A record becomes the dealer's registration: this
// node's callees are its sessions, the other nodes' are remote callees. The registry is eventually consistent, so
// a session of this node that holds the registration stays a callee while a record does not list it yet.
import type { MatchPolicy } from '@wamp/protocol';
import type { Dealer } from '../core/dealer/dealer.js';
import type { CalleeEnd } from '../core/dealer/ends.js';
import { Registration } from '../core/dealer/registrations.js';
import type { ClusterCallee, ClusterRegistration } from '../core/fabric.js';

/** The callee end for a session of another node (one per node and session, see `ClusterCalls.remoteCallee`). */
export type RemoteCalleeOf = (realm: string, callee: ClusterCallee) => CalleeEnd;

/**
 * Adopts the registry's records into this node's dealers.
 *
 * @example
 * ```ts
 * const adoption = new RegistryAdoption('node-1', (realm, callee) => calls.remoteCallee(realm, callee));
 * const registration = adoption.adopt(dealer, record);
 * ```
 */
export class RegistryAdoption {
  constructor(
    private readonly node: string,
    private readonly remote: RemoteCalleeOf,
  ) {}

  /**
   * The dealer's registration for a cluster record: the existing one (callees in the record's order), or a new one
   * under the record's ID, which this node's sessions that held the one before move to.
   */
  adopt(dealer: Dealer, record: ClusterRegistration): Registration {
    const table = dealer.registrations;
    let registration = table.get(record.procedure, record.match);
    if (registration === undefined || registration.id !== record.id) {
      const previous = registration;
      registration = new Registration(record.id, record.procedure, record.match, record.invoke);
      // Sessions of this node that held the previous registration move over to this one.
      for (const callee of previous?.callees ?? []) {
        const session = dealer.localSession(callee.id);
        if (session?.registrations.delete(previous!)) session.registrations.add(registration);
      }
      table.put(registration);
    }
    const callees: CalleeEnd[] = [];
    for (const callee of [...record.callees].sort((a, b) => a.order - b.order)) {
      if (callee.node !== this.node) {
        callees.push(this.remote(dealer.realmName, callee));
        continue;
      }
      const session = dealer.localSession(callee.session);
      if (session !== undefined) callees.push(session);
    }
    for (const callee of registration.callees) {
      const session = dealer.localSession(callee.id);
      if (session?.registrations.has(registration) && !callees.includes(session)) callees.push(session);
    }
    registration.callees.length = 0;
    registration.callees.push(...callees);
    return registration;
  }

  /**
   * The registry's record of `(procedure, match)` changed, or is gone (null): the dealer's copy follows. Gone, the
   * callees of other nodes go; this node's own stay until they unregister.
   */
  changed(dealer: Dealer, procedure: string, match: MatchPolicy, record: ClusterRegistration | null): void {
    const table = dealer.registrations;
    if (record !== null) {
      table.dropIfEmpty(this.adopt(dealer, record));
      return;
    }
    const registration = table.get(procedure, match);
    if (registration === undefined) return;
    for (const callee of [...registration.callees]) {
      if (dealer.localSession(callee.id)?.registrations.has(registration) !== true) {
        table.removeCallee(registration, callee);
      }
    }
  }
}
