/** One logging method: structured fields first, then the message, as pino takes them. */
export type LogFn = (fields: Record<string, unknown>, message: string) => void;

/**
 * The subset of pino the router uses, so a pino instance can be passed as it is and the core stays free
 * of any logging library. Per-message paths log at `debug` at most.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const router = createRouter({ logger: pino({ level: 'info' }) });
 * ```
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

function ignore(): void {}

/**
 * A logger that drops everything; the default when a router is embedded without one.
 *
 * @example
 * ```ts
 * createRouter({ logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
};
