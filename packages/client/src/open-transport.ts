/**
 * Opening a transport to the router: the `transport` option's own factory, or a WebSocket to `url` with the
 * configured serializers.
 */
import { connect } from '@wamp/transport';
import { abortReason } from './errors.js';
import type { Transport } from './neutral-transport.js';
import type { ResolvedOptions } from './options.js';

/**
 * Opens a transport as `options` say. `signal` aborts the opening; when `lifetime` aborted meanwhile (the session
 * was closed), the new transport is closed at once and the lifetime's reason is thrown.
 *
 * @example
 * ```ts
 * const transport = await openTransport(options, signal, lifetime.signal);
 * ```
 */
export async function openTransport(
  options: ResolvedOptions,
  signal: AbortSignal | undefined,
  lifetime: AbortSignal,
): Promise<Transport> {
  const transport = await (options.transport !== undefined
    ? options.transport()
    : connect(options.url, { serializers: options.serializers, ...(signal !== undefined && { signal }) }));
  if (lifetime.aborted) {
    transport.close(1000, '');
    throw abortReason(lifetime);
  }
  return transport;
}
