// The dashboard on the command line: --dashboard and --dashboard-token over the environment's token over the config
// file's `dashboard`, and the one line that tells where it is (with the token only when it was made for this run).
import { randomBytes } from 'node:crypto';
import { type DashboardOption, MIN_TOKEN_LENGTH } from '../dashboard/options.js';
import { RouterError, RouterErrorCode } from '../errors.js';

/** Environment variable holding the dashboard's token: kept out of the command line (`ps` shows that to everyone). */
export const DASHBOARD_TOKEN_ENV = 'WAMP_ROUTER_DASHBOARD_TOKEN';

/**
 * The `dashboard` option of the command: on with `--dashboard`, `--dashboard-token` or the config file's
 * `dashboard`; its token from `--dashboard-token`, else `WAMP_ROUTER_DASHBOARD_TOKEN`, else the file.
 *
 * @example
 * ```ts
 * dashboardOption({ dashboard: true }, undefined, process.env); // { token: process.env.WAMP_ROUTER_DASHBOARD_TOKEN }
 * ```
 */
export function dashboardOption(
  args: { dashboard?: boolean; dashboardToken?: string },
  fromFile: DashboardOption | undefined,
  env: NodeJS.ProcessEnv,
): DashboardOption | undefined {
  const on =
    args.dashboard === true || args.dashboardToken !== undefined || (fromFile !== undefined && fromFile !== false);
  if (!on) return fromFile;
  const settings = typeof fromFile === 'object' ? { ...fromFile } : {};
  const token = args.dashboardToken ?? env[DASHBOARD_TOKEN_ENV];
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    const source = args.dashboardToken !== undefined ? '--dashboard-token' : DASHBOARD_TOKEN_ENV;
    throw new RouterError(
      RouterErrorCode.INVALID_OPTION,
      `${source} must be at least ${MIN_TOKEN_LENGTH} characters (e.g. from \`openssl rand -hex 24\`)`,
    );
  }
  if (token !== undefined) settings.token = token;
  return settings;
}

/**
 * For `--workers`: a token made once by the primary and handed to every worker through the environment, so that all
 * of them take the same one (unless the dashboard has a token, or only admin roles). Returns it, or undefined.
 */
export function shareWorkersToken(option: DashboardOption | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (option === undefined || option === false) return undefined;
  const settings = option === true ? {} : option;
  if (settings.token !== undefined || (settings.adminRoles?.length ?? 0) > 0) return undefined;
  const token = randomBytes(24).toString('base64url');
  env[DASHBOARD_TOKEN_ENV] = token;
  return token;
}

/**
 * The startup line about the dashboard: its URL, with the token in it when the router made the token for this run
 * (printed this once, never logged); a token that was given stays unsaid.
 *
 * @example
 * ```ts
 * dashboardLine('http://127.0.0.1:8080/dashboard/', { token: 'made', tokenGenerated: true });
 * ```
 */
export function dashboardLine(url: string, settings: { token: string | null; tokenGenerated: boolean }): string {
  if (settings.token === null) return `wamp-router dashboard at ${url} (log in as one of dashboard.adminRoles)\n`;
  if (!settings.tokenGenerated) return `wamp-router dashboard at ${url}?token=… (your dashboard token)\n`;
  return (
    `wamp-router dashboard at ${url}?token=${encodeURIComponent(settings.token)} ` +
    `(a token made for this run: set ${DASHBOARD_TOKEN_ENV} or --dashboard-token to keep one)\n`
  );
}
