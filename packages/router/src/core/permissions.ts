import type { MatchPolicy } from '@wamp/protocol';
import { UriMatcher } from './matching/uri-matcher.js';
import type { RouterSession } from './session.js';

/** What a session does to a URI, as permissions name it. */
export type Action = 'call' | 'register' | 'publish' | 'subscribe';

/** One permission of a role: a URI (or pattern), the actions it allows, and whether the caller/publisher is disclosed. */
export interface Permission {
  uri: string;
  match?: MatchPolicy;
  allow: Action[];
  /** Force caller or publisher disclosure for calls and publications under this permission. */
  disclose?: boolean;
}

/** The outcome of a check: denied, or allowed (and whether identity must be disclosed). */
export type Verdict = 'deny' | 'allow' | 'allow-disclosed';

/**
 * The roles of one realm and what each may do. The most specific permission for a URI decides (exact, then the
 * longest prefix, then wildcard, as for calls); a role without a matching permission, or an unknown role, is
 * denied. The router's own sessions are always allowed.
 *
 * @example
 * ```ts
 * const permissions = new Permissions({ user: [{ uri: 'com.app.', match: 'prefix', allow: ['call'] }] });
 * permissions.check(session, 'call', 'com.app.add'); // 'allow' for a session with authrole 'user'
 * ```
 */
export class Permissions {
  private readonly roles = new Map<string, UriMatcher<Permission>>();

  constructor(roles: Readonly<Record<string, readonly Permission[]>>) {
    for (const [role, permissions] of Object.entries(roles)) {
      const matcher = new UriMatcher<Permission>();
      for (const permission of permissions) matcher.set(permission.uri, permission.match ?? 'exact', permission);
      this.roles.set(role, matcher);
    }
  }

  check(session: RouterSession, action: Action, uri: string): Verdict {
    if (session.trusted) return 'allow';
    const permission = this.roles.get(session.authrole)?.best(uri);
    if (permission === undefined || !permission.allow.includes(action)) return 'deny';
    return permission.disclose === true ? 'allow-disclosed' : 'allow';
  }
}
