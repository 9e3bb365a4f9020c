// The logger interface the Node transport logs through (pino-compatible).
/**
 * The logging methods the transport uses: pino-compatible (fields first, then the message), so a pino logger
 * fits as it is. Handshake refusals and closes go to `debug`, socket errors to `warn`.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * createWebSocketServer({ serializers, path: '/ws', logger: pino(), onTransport });
 * ```
 */
export interface TransportLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
