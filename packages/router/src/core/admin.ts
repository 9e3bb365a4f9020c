// The router's admins, as the core sees them (the operator dashboard's sessions): which roles they have, what
// those roles may reach, the router's own `router.` namespace, and the message taps.
import type { Permission } from './permissions.js';
import type { Realm } from './realm.js';
import type { RouterSession } from './session.js';
import { type TapLimits, Taps } from './tap.js';

/**
 * The URI namespace of the router's own procedures (`router.realm.list`, `router.session.stats`,
 * `router.registration.stats`, `router.tap.*`): what the spec's `wamp.*` meta API lacks. Like `wamp.`, only the
 * router registers or subscribes in it.
 */
export const ROUTER_NAMESPACE = 'router.';

/** The authid and authrole of a session that logged in with the dashboard's token. */
export const DASHBOARD_ROLE = 'router.dashboard';

/**
 * True for URIs in the router's own namespace, where clients may not register or subscribe.
 *
 * @example
 * ```ts
 * isRouterUri('router.tap.start'); // true
 * isRouterUri('routers.x'); // false
 * ```
 */
export function isRouterUri(uri: string): boolean {
  return uri.startsWith(ROUTER_NAMESPACE) || uri === 'router';
}

/** The meta procedures the dashboard reads with (never those that act on other sessions). */
const READING_META_PROCEDURES = [
  'wamp.session.count',
  'wamp.session.list',
  'wamp.session.get',
  'wamp.session.peer_address',
  'wamp.registration.list',
  'wamp.registration.lookup',
  'wamp.registration.match',
  'wamp.registration.get',
  'wamp.registration.list_callees',
  'wamp.registration.count_callees',
  'wamp.subscription.list',
  'wamp.subscription.lookup',
  'wamp.subscription.match',
  'wamp.subscription.get',
  'wamp.subscription.list_subscribers',
  'wamp.subscription.count_subscribers',
];

/**
 * What an admin role may do on a realm with roles, besides what the role's own permissions allow: call the
 * `router.*` procedures and the meta API's reading procedures, and subscribe to the meta events.
 */
export const ADMIN_PERMISSIONS: readonly Permission[] = [
  { uri: ROUTER_NAMESPACE, match: 'prefix', allow: ['call'] },
  ...READING_META_PROCEDURES.map((uri): Permission => ({ uri, allow: ['call'] })),
  { uri: 'wamp.', match: 'prefix', allow: ['subscribe'] },
];

/**
 * A role's permissions with {@link ADMIN_PERMISSIONS} added: a permission on the same URI and match gets the
 * admin's actions too, the others are appended.
 *
 * @example
 * ```ts
 * withAdminPermissions([{ uri: 'com.app.', match: 'prefix', allow: ['call'] }]); // that one, and the admin's
 * ```
 */
export function withAdminPermissions(permissions: readonly Permission[]): Permission[] {
  const merged = [...permissions];
  for (const grant of ADMIN_PERMISSIONS) {
    const at = merged.findIndex((own) => own.uri === grant.uri && (own.match ?? 'exact') === (grant.match ?? 'exact'));
    if (at === -1) merged.push(grant);
    else merged[at] = { ...merged[at]!, allow: [...new Set([...merged[at]!.allow, ...grant.allow])] };
  }
  return merged;
}

/** What the core needs of the dashboard's settings: its admin roles and the bounds of its taps. */
export interface AdminSettings extends TapLimits {
  /** Authroles whose sessions are admins (the token's {@link DASHBOARD_ROLE} among them when there is a token). */
  adminRoles: readonly string[];
}

/**
 * The dashboard's part of the core: who is an admin, the taps, and every realm for `router.realm.list`. Only
 * made when the dashboard is on; without it the `router.*` procedures do not exist.
 *
 * @example
 * ```ts
 * const admin = new RouterAdmin({ adminRoles: ['admin'], maxTappedSessions: 4, tapMessages: 100, tapPayloadChars: 256 }, () => core.allRealms());
 * admin.isAdmin(session); // true for a client session with authrole admin
 * ```
 */
export class RouterAdmin {
  readonly roles: ReadonlySet<string>;
  readonly taps: Taps;

  constructor(
    settings: AdminSettings,
    /** Every realm of the router. */
    readonly realms: () => Iterable<Realm>,
  ) {
    this.roles = new Set(settings.adminRoles);
    this.taps = new Taps(settings);
  }

  /** True for a client session whose authrole is an admin role. */
  isAdmin(session: RouterSession | undefined): session is RouterSession {
    return session !== undefined && !session.trusted && this.roles.has(session.authrole);
  }

  /** A session left its realm: its taps, and those it watched, end or stop recording. */
  sessionLeft(session: RouterSession): void {
    this.taps.sessionLeft(session);
  }
}
