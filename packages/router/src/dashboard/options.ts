// The `dashboard` option: off, or on with its guard (a token, admin roles, allowed origins) and the bounds of its
// message taps.
import { randomBytes } from 'node:crypto';
import { type AdminSettings, DASHBOARD_ROLE } from '../core/admin.js';
import { invalid, isNonEmptyString, knownKeys, stringList } from '../option-checks.js';

/**
 * The operator dashboard at `/dashboard` (see the router README). Who may use it: whoever has the `token`, and
 * sessions whose authrole is one of `adminRoles`.
 *
 * @example
 * ```ts
 * const dashboard: DashboardOptions = { token: process.env.WAMP_ROUTER_DASHBOARD_TOKEN, adminRoles: ['admin'] };
 * ```
 */
export interface DashboardOptions {
  /**
   * The admin token (at least 16 characters): the page is served to requests that carry it, and it logs the page's
   * WAMP session in (authid and authrole `router.dashboard`) on any realm. Absent: one is generated at startup,
   * unless `adminRoles` are given.
   */
  token?: string | undefined;
  /** Authroles whose sessions may call the dashboard's `router.*` procedures, on the router's normal endpoint. */
  adminRoles?: string[];
  /**
   * Origins a browser may load the dashboard from (exact, or `*.example.com`). Default: the router's
   * `allowedOrigins` when set, else only the origin the dashboard is served on.
   */
  allowedOrigins?: string[];
  /** Sessions tapped at once, router-wide: 1 to 16, default 4. */
  maxTappedSessions?: number;
  /** Messages one tap keeps (the last ones): 1 to 1000, default 100. */
  tapMessages?: number;
  /** Characters of each message's JSON a tap keeps: 16 to 4096, default 256. */
  tapPayloadChars?: number;
}

/** `true` for the defaults, or {@link DashboardOptions}; `false` or absent: off. */
export type DashboardOption = boolean | DashboardOptions;

/** {@link DashboardOption} checked, defaults filled in; null when off. */
export interface ResolvedDashboard extends AdminSettings {
  /** The admin token, or null when only `adminRoles` give access. Never logged. */
  token: string | null;
  /** True when the token was generated at startup: the command prints it once. */
  tokenGenerated: boolean;
  allowedOrigins: string[] | undefined;
}

/** A token shorter than this is too easy to guess for what it guards. */
export const MIN_TOKEN_LENGTH = 16;

const KEYS = ['token', 'adminRoles', 'allowedOrigins', 'maxTappedSessions', 'tapMessages', 'tapPayloadChars'];

function boundedInteger(path: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalid(path, `a whole number from ${min} to ${max}`, value);
  }
  return value as number;
}

function checkedToken(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isNonEmptyString(value) || value.length < MIN_TOKEN_LENGTH || /\s/.test(value)) {
    // Never shown: it is a secret, even when a bad one.
    throw invalid(
      'dashboard.token',
      `a secret of at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. from \`openssl rand -hex 24\`)`,
      value,
      true,
    );
  }
  return value;
}

/**
 * Checks the `dashboard` option; errors name the key at fault and never show the token.
 *
 * @example
 * ```ts
 * resolveDashboard(undefined); // null
 * resolveDashboard({ adminRoles: ['admin'] }); // { token: null, adminRoles: ['admin'], maxTappedSessions: 4, … }
 * ```
 */
export function resolveDashboard(value: unknown): ResolvedDashboard | null {
  if (value === undefined || value === false) return null;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw invalid('dashboard', 'true, false or { token?, adminRoles?, allowedOrigins?, … }', value, true);
  }
  const options = (value === true ? {} : value) as Record<string, unknown>;
  knownKeys('dashboard.', options, KEYS);
  const given = checkedToken(options.token);
  const adminRoles = stringList('dashboard.adminRoles', options.adminRoles) ?? [];
  const token = given ?? (adminRoles.length === 0 ? randomBytes(24).toString('base64url') : null);
  return {
    token,
    tokenGenerated: given === undefined && token !== null,
    adminRoles: token === null ? adminRoles : [...adminRoles, DASHBOARD_ROLE],
    allowedOrigins: stringList('dashboard.allowedOrigins', options.allowedOrigins),
    // At most 16 × 1000 × 4096 characters kept, and one tap's read (4 MB) within the default maxMessageBytes.
    maxTappedSessions: boundedInteger('dashboard.maxTappedSessions', options.maxTappedSessions, 4, 1, 16),
    tapMessages: boundedInteger('dashboard.tapMessages', options.tapMessages, 100, 1, 1000),
    tapPayloadChars: boundedInteger('dashboard.tapPayloadChars', options.tapPayloadChars, 256, 16, 4096),
  };
}
