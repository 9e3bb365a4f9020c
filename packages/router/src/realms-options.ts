// The `realms` and `autoCreateRealms` options: which realms a router serves from the start, checked.
import { isValidUri } from '@wamp/protocol';
import { booleanOption, invalid, stringList } from './option-checks.js';

/** The realms served from the start, and whether a HELLO may create one. */
export interface ResolvedRealms {
  realms: string[];
  autoCreateRealms: boolean;
}

/**
 * Checks `realms` (default `['realm1']`) and `autoCreateRealms` (default false): at least one realm unless realms are
 * created on demand. A realm with an auth section (`authRealms`) is served even when `realms` leaves it out, so that
 * its section is never ignored. Every realm is a valid URI.
 *
 * @example
 * ```ts
 * resolveRealms(['app'], undefined, ['admin']); // { realms: ['app', 'admin'], autoCreateRealms: false }
 * ```
 */
export function resolveRealms(
  realms: unknown,
  autoCreateRealms: unknown,
  authRealms: readonly string[],
): ResolvedRealms {
  const served = [...(stringList('realms', realms) ?? ['realm1'])];
  const autoCreate = booleanOption('autoCreateRealms', autoCreateRealms, false);
  if (served.length === 0 && !autoCreate) {
    throw invalid('realms', 'at least one realm (or autoCreateRealms: true)', served);
  }
  for (const realm of authRealms) if (!served.includes(realm)) served.push(realm);
  for (const [index, realm] of served.entries()) {
    if (!isValidUri(realm)) {
      throw invalid(`realms[${index}]`, 'a realm URI such as "realm1" or "com.example.app"', realm);
    }
  }
  return { realms: served, autoCreateRealms: autoCreate };
}
