// Validation of createWebSocketServer's options.
import type { WebSocketServerOptions } from './server.js';

function positiveInteger(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`createWebSocketServer: ${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * Checks the options of `createWebSocketServer` once, at construction; the error names the option at fault.
 *
 * @example
 * ```ts
 * validateServerOptions({ serializers: [], path: '/ws', onTransport }); // throws: serializers must not be empty
 * ```
 */
export function validateServerOptions(options: WebSocketServerOptions): void {
  if (!Array.isArray(options.serializers) || options.serializers.length === 0) {
    throw new TypeError('createWebSocketServer: serializers must list at least one serializer');
  }
  if (typeof options.path !== 'string' || !options.path.startsWith('/')) {
    throw new TypeError(`createWebSocketServer: path must start with '/', got ${JSON.stringify(options.path)}`);
  }
  if (typeof options.onTransport !== 'function') {
    throw new TypeError('createWebSocketServer: onTransport must be a function');
  }
  positiveInteger('maxMessageBytes', options.maxMessageBytes);
  positiveInteger('highWaterMark', options.highWaterMark);
  if (options.lowWaterMark !== undefined) {
    const high = options.highWaterMark ?? 1 << 20;
    if (!Number.isInteger(options.lowWaterMark) || options.lowWaterMark < 0 || options.lowWaterMark > high) {
      throw new RangeError(
        `createWebSocketServer: lowWaterMark must be an integer from 0 to highWaterMark (${high}), ` +
          `got ${options.lowWaterMark}`,
      );
    }
  }
  positiveInteger('closeTimeoutMs', options.closeTimeoutMs);
  if (options.keepalive !== undefined && options.keepalive !== false) {
    positiveInteger('keepalive.intervalMs', options.keepalive.intervalMs);
    positiveInteger('keepalive.timeoutMs', options.keepalive.timeoutMs);
  }
  if (options.allowedOrigins !== undefined && !Array.isArray(options.allowedOrigins)) {
    throw new TypeError('createWebSocketServer: allowedOrigins must be an array of origins');
  }
}
