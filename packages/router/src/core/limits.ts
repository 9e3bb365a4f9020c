import { ErrorUri, isValidUri, type UriCheck } from '@wamp/protocol';

/** The error URI for a request refused because a capacity limit is reached (the router is busy, not broken). */
export const LIMIT_REACHED = ErrorUri.UNAVAILABLE;

/**
 * True when `value` nests lists and dicts deeper than `maxDepth` (a flat list is depth 1). It stops at the
 * first branch that goes too deep, and never recurses further than `maxDepth + 1`, so hostile payloads
 * cannot exhaust the stack.
 *
 * @example
 * ```ts
 * tooDeep([[[1]]], 2); // true
 * ```
 */
export function tooDeep(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return false;
  if (maxDepth === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (tooDeep(value[i], maxDepth - 1)) return true;
    return false;
  }
  for (const key in value) if (tooDeep((value as Record<string, unknown>)[key], maxDepth - 1)) return true;
  return false;
}

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
