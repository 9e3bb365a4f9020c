// Authorization: the roles of a realm and what each may do, by permissions or a dynamic authorizer.
import type { MatchPolicy } from '@wamp/protocol';
import { ADMIN_PERMISSIONS, withAdminPermissions } from './admin.js';
import { type AuthorizerCall, type DynamicAuthorization, DynamicAuthorizer } from './dynamic-authorizer.js';
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

/** A role: its list of permissions, or a procedure that decides each action (a dynamic authorizer). */
export type RoleAuthorization = readonly Permission[] | DynamicAuthorization;

/** The outcome of a check: denied, or allowed (and whether identity must be disclosed). */
export type Verdict = 'deny' | 'allow' | 'allow-disclosed';

/**
 * The meta procedures that act on other sessions. A realm without roles lets every session do everything else, but
 * not these: they must be granted to a role, as Nexus ships them (`enable_meta_kill`, `enable_meta_modify` off).
 */
const MODIFYING_META_PROCEDURES = new Set([
  'wamp.session.kill',
  'wamp.session.kill_by_authid',
  'wamp.session.kill_by_authrole',
  'wamp.session.kill_all',
  'wamp.registration.remove',
  'wamp.subscription.remove',
]);

/** The verdict on a realm that configures no roles: everything is allowed but the meta procedures that act on others. */
export function openRealmVerdict(action: Action, uri: string): Verdict {
  return action === 'call' && MODIFYING_META_PROCEDURES.has(uri) ? 'deny' : 'allow';
}

/** Lookups a role keeps before its cache starts over: a client naming ever new URIs cannot grow it. */
const LOOKUPS_CACHED_PER_ROLE = 4096;

/**
 * One role's permissions. With patterns among them a lookup walks the tries; its answer per URI is kept, since a
 * session asks about the same few URIs on every call and publication.
 */
class RolePermissions {
  private readonly cache = new Map<string, Permission | null>();

  constructor(private readonly matcher: UriMatcher<Permission>) {}

  best(uri: string): Permission | undefined {
    const matcher = this.matcher;
    if (!matcher.hasPatterns) return matcher.best(uri);
    const cached = this.cache.get(uri);
    if (cached !== undefined) return cached ?? undefined;
    const found = matcher.best(uri);
    if (this.cache.size >= LOOKUPS_CACHED_PER_ROLE) this.cache.clear();
    this.cache.set(uri, found ?? null);
    return found;
  }
}

function permissionsOf(permissions: readonly Permission[]): RolePermissions {
  const matcher = new UriMatcher<Permission>();
  for (const permission of permissions) matcher.set(permission.uri, permission.match ?? 'exact', permission);
  return new RolePermissions(matcher);
}

/**
 * The roles of one realm and what each may do. For a role with permissions, the most specific permission for a URI
 * decides (exact, then the longest prefix, then wildcard, as for calls); for a role with a dynamic authorizer, its
 * procedure decides (and the answer may come later: a promise). A role without a matching permission, or an unknown
 * role, is denied. The router's own sessions are always allowed.
 *
 * @example
 * ```ts
 * const permissions = new Permissions({ user: [{ uri: 'com.app.', match: 'prefix', allow: ['call'] }] }, callRealm);
 * permissions.check(session, 'call', 'com.app.add'); // 'allow' for a session with authrole 'user'
 * ```
 */
export class Permissions {
  private readonly roles = new Map<string, RolePermissions | DynamicAuthorizer>();

  /**
   * @param adminRoles - the dashboard's admin roles: each gets {@link ADMIN_PERMISSIONS} on top of its own
   * permissions (a role decided by a dynamic authorizer must allow them itself), and one the realm does not
   * configure gets only those.
   */
  constructor(
    roles: Readonly<Record<string, RoleAuthorization>>,
    callProcedure: AuthorizerCall,
    adminRoles: ReadonlySet<string> = new Set(),
  ) {
    for (const [role, authorization] of Object.entries(roles)) {
      if (!Array.isArray(authorization)) {
        this.roles.set(role, new DynamicAuthorizer(authorization as DynamicAuthorization, callProcedure));
        continue;
      }
      const permissions = authorization as readonly Permission[];
      this.roles.set(role, permissionsOf(adminRoles.has(role) ? withAdminPermissions(permissions) : permissions));
    }
    for (const role of adminRoles) if (!this.roles.has(role)) this.roles.set(role, permissionsOf(ADMIN_PERMISSIONS));
  }

  check(session: RouterSession, action: Action, uri: string): Verdict | Promise<Verdict> {
    if (session.trusted) return 'allow';
    const role = this.roles.get(session.authrole);
    if (role === undefined) return 'deny';
    if (role instanceof DynamicAuthorizer) return role.check(session, action, uri);
    const permission = role.best(uri);
    if (permission === undefined || !permission.allow.includes(action)) return 'deny';
    return permission.disclose === true ? 'allow-disclosed' : 'allow';
  }
}
