// Authorization sections for tests, shared by the whole-router fixture and the core fixture.
import type { RealmAuth } from '../../src/auth/options.js';

/**
 * An `auth` section whose anonymous sessions (role `operator`) may do everything in `realms`, the meta procedures
 * that act on other sessions included: those are refused on a realm that configures no roles.
 *
 * @example
 * ```ts
 * await using fixture = await startRouter({ auth: grantEverything('realm1') });
 * ```
 */
export function grantEverything(...realms: string[]): Record<string, RealmAuth> {
  const everything: RealmAuth = {
    anonymous: { role: 'operator' },
    roles: { operator: [{ uri: '', match: 'prefix', allow: ['call', 'register', 'publish', 'subscribe'] }] },
  };
  return Object.fromEntries(realms.map((realm) => [realm, everything]));
}
