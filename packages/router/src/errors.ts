/**
 * Stable codes of the errors the router raises for its own configuration and lifecycle (not WAMP errors,
 * which travel as `WampError`). Each says what to change.
 */
export const RouterErrorCode = {
  /** An option passed to `createRouter` or the CLI is missing, malformed or out of range. */
  INVALID_OPTION: 'ROUTER_ERR_INVALID_OPTION',
  /** The config file could not be read or parsed. */
  CONFIG_FILE: 'ROUTER_ERR_CONFIG_FILE',
  /** The address is taken or not allowed. */
  LISTEN_FAILED: 'ROUTER_ERR_LISTEN_FAILED',
  /** The router was used after `close()`. */
  CLOSED: 'ROUTER_ERR_CLOSED',
  /** A cluster node could not reach NATS when it started. */
  CLUSTER_UNAVAILABLE: 'ROUTER_ERR_CLUSTER_UNAVAILABLE',
} as const;

/** One of {@link RouterErrorCode}'s values. */
export type RouterErrorCode = (typeof RouterErrorCode)[keyof typeof RouterErrorCode];

/**
 * An error of the router itself, with a stable `code` to match on (`ROUTER_ERR_*`).
 *
 * @example
 * ```ts
 * try { createRouter({ realms: [] }); } catch (e) {
 *   if (e instanceof RouterError && e.code === RouterErrorCode.INVALID_OPTION) console.error(e.message);
 * }
 * ```
 */
export class RouterError extends Error {
  override readonly name = 'RouterError';
  readonly code: RouterErrorCode;

  constructor(code: RouterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
