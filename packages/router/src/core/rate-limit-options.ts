// The check of the `limits.rateLimit` option (its types are in rate-limit.ts, beside the token buckets).
import { is, isPositiveInteger, mapOf, optional, shape } from '../option-checks.js';
import type { RateLimitOptions } from './rate-limit.js';

const isPositiveNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;

/** The fields of one rate, at every level (defaults, a realm, a role). */
const RATE_FIELDS = {
  messagesPerSecond: optional(is('a positive number of messages per second', isPositiveNumber)),
  bytesPerSecond: optional(is('a positive integer of bytes per second', isPositiveInteger)),
  burstSeconds: optional(is('a positive number of seconds', isPositiveNumber)),
  overflow: optional(
    is('one of backpressure, disconnect', (value) => value === 'backpressure' || value === 'disconnect'),
  ),
};
const RATE = shape('false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow? }', RATE_FIELDS);
const RATE_OVERRIDES = optional(
  mapOf('a map of names to rates (or false)', (path, value) => {
    if (value !== false) RATE(path, value);
  }),
);
const RATE_LIMIT = shape(
  'false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow?, realms?, roles? }',
  { ...RATE_FIELDS, realms: RATE_OVERRIDES, roles: RATE_OVERRIDES },
);

/**
 * Checks `limits.rateLimit` at `path`; absent means off (`false`).
 *
 * @example
 * ```ts
 * resolveRateLimit('limits.rateLimit', { messagesPerSecond: 500, roles: { admin: false } }); // the value itself
 * resolveRateLimit('limits.rateLimit', undefined); // false
 * ```
 */
export function resolveRateLimit(path: string, value: unknown): RateLimitOptions | false {
  if (value === undefined || value === false) return false;
  RATE_LIMIT(path, value);
  return value as RateLimitOptions;
}
