// The registrations of one realm, found by procedure and match policy, or by ID.
import type { MatchPolicy } from '@wamp/protocol';
import { UriMatcher } from '../matching/uri-matcher.js';
import type { CalleeEnd } from './ends.js';
import type { Registration } from './registrations.js';

/**
 * The registrations of one realm, found by procedure and policy (exact ones with one `Map` lookup, patterns in
 * O(URI length)) and by ID; a registration leaves both indexes when its last callee goes.
 *
 * @example
 * ```ts
 * const table = new RegistrationTable();
 * table.put(new Registration(1, 'com.app.add', 'exact', 'single'));
 * table.best('com.app.add'); // that registration
 * ```
 */
export class RegistrationTable {
  private readonly byUri = new UriMatcher<Registration>();
  private readonly ids = new Map<number, Registration>();

  /** Number of registrations. */
  get size(): number {
    return this.ids.size;
  }

  /** The registration stored under exactly this procedure and policy. */
  get(procedure: string, match: MatchPolicy): Registration | undefined {
    return this.byUri.get(procedure, match);
  }

  /** The registration a call to `procedure` goes to (exact, then longest prefix, then wildcard). */
  best(procedure: string): Registration | undefined {
    return this.byUri.best(procedure);
  }

  /** The registration with this ID. */
  byId(id: number): Registration | undefined {
    return this.ids.get(id);
  }

  /** Every registration of the realm. */
  all(): IterableIterator<Registration> {
    return this.ids.values();
  }

  /** Stores a registration under its procedure, policy and ID, in place of the one stored under them before. */
  put(registration: Registration): void {
    const previous = this.byUri.get(registration.procedure, registration.match);
    if (previous !== undefined) this.ids.delete(previous.id);
    this.byUri.set(registration.procedure, registration.match, registration);
    this.ids.set(registration.id, registration);
  }

  /** Takes a callee out of a registration; the last one takes the registration away. */
  removeCallee(registration: Registration, callee: CalleeEnd): void {
    const callees = registration.callees;
    const index = callees.indexOf(callee);
    if (index !== -1) callees.splice(index, 1);
    this.dropIfEmpty(registration);
  }

  /** Forgets a registration without callees (if it is still the one stored). */
  dropIfEmpty(registration: Registration): void {
    if (registration.callees.length === 0 && this.ids.get(registration.id) === registration) {
      this.byUri.delete(registration.procedure, registration.match);
      this.ids.delete(registration.id);
    }
  }
}
