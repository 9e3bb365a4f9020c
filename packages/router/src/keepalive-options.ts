// The `keepalive` section: its check and its default (the type is the transport's, which runs the pings).
import type { KeepaliveOptions } from '@wamp/transport/node';
import { is, isPositiveInteger, shape } from './option-checks.js';

const KEEPALIVE_MS = is(
  'a positive integer of ms (keepalive takes both intervalMs and timeoutMs, or false to turn it off)',
  isPositiveInteger,
);
const KEEPALIVE = shape('false or { intervalMs, timeoutMs }', { intervalMs: KEEPALIVE_MS, timeoutMs: KEEPALIVE_MS });

/**
 * Checks the `keepalive` section: `false` (off) or both `intervalMs` and `timeoutMs`, never one guessed from the
 * other. Absent: ping every 30 s, drop a connection after 10 s without a pong.
 *
 * @example
 * ```ts
 * resolveKeepalive(undefined); // { intervalMs: 30000, timeoutMs: 10000 }
 * resolveKeepalive(false); // false
 * ```
 */
export function resolveKeepalive(keepalive: unknown): KeepaliveOptions | false {
  if (keepalive === undefined) return { intervalMs: 30_000, timeoutMs: 10_000 };
  if (keepalive !== false) KEEPALIVE('keepalive', keepalive);
  return keepalive as KeepaliveOptions | false;
}
