// WAMP URI rules: validity (loose and strict), patterns, the reserved wamp. namespace, and pattern matching.
import type { MatchPolicy } from './options.js';

/**
 * How strictly a URI is checked. `loose` is the spec's MUST (components without `.`, `#` or whitespace);
 * `strict` is its SHOULD (components of lower-case letters, digits and `_` only).
 */
export type UriCheck = 'loose' | 'strict';

const DOT = 0x2e;

// Per ASCII char code: 1 when allowed in a loose component, 2 when allowed in a strict one (3 when both).
// A table lookup per character replaces the spec's example regular expressions.
const ASCII_CLASS = new Uint8Array(128);
for (let code = 0x21; code < 0x7f; code++) ASCII_CLASS[code] = 1;
ASCII_CLASS[DOT] = 0;
ASCII_CLASS[0x23] = 0; // '#', reserved for brokers and dealers
for (let code = 0x30; code <= 0x39; code++) ASCII_CLASS[code] = 3; // 0-9
for (let code = 0x61; code <= 0x7a; code++) ASCII_CLASS[code] = 3; // a-z
ASCII_CLASS[0x5f] = 3; // '_'
// Control characters Python's `\s` (the spec's reference regex) counts as whitespace; the rest of 0x00-0x20
// is not whitespace there, but is not printable either, so the loose check refuses all of them.

/** Non-ASCII characters that Python's `str.isspace()` (the spec's `\s`) treats as whitespace. */
function isUnicodeSpace(code: number): boolean {
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Scans `uri` once. Empty components are allowed where `allowEmpty` says: `'none'`, `'last'` (prefix
 * patterns such as `com.example.`) or `'any'` (wildcard patterns such as `com..update`).
 */
function scan(uri: string, check: UriCheck, allowEmpty: 'none' | 'last' | 'any'): boolean {
  const length = uri.length;
  if (length === 0) return false;
  const mask = check === 'strict' ? 2 : 1;
  let componentLength = 0;
  for (let i = 0; i < length; i++) {
    const code = uri.charCodeAt(i);
    if (code === DOT) {
      if (componentLength === 0 && allowEmpty !== 'any') return false;
      componentLength = 0;
      continue;
    }
    if (code < 128) {
      if ((ASCII_CLASS[code]! & mask) === 0) return false;
    } else if (check === 'strict' || isUnicodeSpace(code)) {
      return false;
    }
    componentLength++;
  }
  return componentLength > 0 || allowEmpty !== 'none';
}

/**
 * True when `uri` is a valid WAMP URI with no empty components: what a PUBLISH topic, a CALL procedure,
 * an exact subscription or registration, an error URI or a realm must be.
 *
 * @example
 * ```ts
 * isValidUri('com.example.add');         // true
 * isValidUri('com.example..add');        // false: empty component
 * isValidUri('com.Example.add', 'strict'); // false: upper case
 * ```
 */
export function isValidUri(uri: string, check: UriCheck = 'loose'): boolean {
  return scan(uri, check, 'none');
}

/**
 * True when `uri` is valid as a subscription or registration pattern under `match`: exact patterns are
 * plain URIs, prefix patterns may end in an empty component (`com.example.`), and wildcard patterns may
 * have empty components anywhere (`com..update`, each empty component matching one whole component).
 *
 * @example
 * ```ts
 * isValidPattern('com.example.', 'prefix');    // true
 * isValidPattern('com..update', 'wildcard');   // true
 * isValidPattern('com..update', 'exact');      // false
 * ```
 */
export function isValidPattern(uri: string, match: MatchPolicy, check: UriCheck = 'loose'): boolean {
  if (match === 'wildcard') return scan(uri, check, 'any');
  return scan(uri, check, match === 'prefix' ? 'last' : 'none');
}

/**
 * True for URIs in the `wamp.` namespace, which only the router may define (errors, meta API).
 *
 * @example
 * ```ts
 * isReservedUri('wamp.session.count'); // true
 * isReservedUri('wampy.topic');        // false
 * ```
 */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.') || uri === 'wamp';
}

/**
 * True when the concrete `uri` matches `pattern` under `match`. Prefix matching is a plain string prefix
 * (`com.a` matches `com.ab`, as the spec's examples show); wildcard matching compares component by
 * component, an empty pattern component matching any one component, and the component counts must agree.
 *
 * This is the reference semantics; the router's matcher indexes patterns instead of calling this per pattern.
 *
 * @example
 * ```ts
 * matchesPattern('com.myapp.topic.emergency-low', 'com.myapp.topic.emergency', 'prefix'); // true
 * matchesPattern('com.myapp.foo.userevent', 'com.myapp..userevent', 'wildcard');          // true
 * matchesPattern('com.myapp.foo.userevent.bar', 'com.myapp..userevent', 'wildcard');      // false
 * ```
 */
export function matchesPattern(uri: string, pattern: string, match: MatchPolicy): boolean {
  if (match === 'exact') return uri === pattern;
  if (match === 'prefix') return uri.startsWith(pattern);
  let u = 0;
  let p = 0;
  for (;;) {
    const uEnd = uri.indexOf('.', u);
    const pEnd = pattern.indexOf('.', p);
    const uStop = uEnd === -1 ? uri.length : uEnd;
    const pStop = pEnd === -1 ? pattern.length : pEnd;
    if (pStop !== p) {
      if (pStop - p !== uStop - u || !uri.startsWith(pattern.slice(p, pStop), u)) return false;
    } else if (uStop === u) {
      return false; // an empty pattern component stands for one non-empty URI component
    }
    if (uEnd === -1 || pEnd === -1) return uEnd === -1 && pEnd === -1;
    u = uEnd + 1;
    p = pEnd + 1;
  }
}
