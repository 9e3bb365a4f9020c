// What the core's capacity limits share: the error URI of a refusal, and the check of a URI's form and length.
import { ErrorUri, isValidUri, type UriCheck } from '@wamp/protocol';

/** The error URI for a request refused because a capacity limit is reached (the router is busy, not broken). */
export const LIMIT_REACHED = ErrorUri.UNAVAILABLE;

/**
 * True when `uri` is a valid URI under `check` and no longer than `maxLength`.
 *
 * @example
 * ```ts
 * acceptableUri('com.example.add', 'loose', 512); // true
 * ```
 */
export function acceptableUri(uri: string, check: UriCheck, maxLength: number): boolean {
  return uri.length <= maxLength && isValidUri(uri, check);
}
