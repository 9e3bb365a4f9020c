// WAMP URIs and NATS subjects both split on '.', so a URI component becomes one subject token. NATS gives meaning
// to whitespace (forbidden), '*' and '>' (wildcard tokens) and to '$'-prefixed subjects, and this mapping keeps
// its own '~' as the escape mark; so every character outside [A-Za-z0-9_-] is written as '~' and two hex digits per
// UTF-8 byte. Plain URIs (letters, digits, '_') map to themselves at the cost of a scan, no allocation.
import type { MatchPolicy } from '@wamp/protocol';

const HEX = '0123456789abcdef';
const utf8 = new TextEncoder();

function isPlain(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || // a-z
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x30 && code <= 0x39) || // 0-9
    code === 0x5f || // _
    code === 0x2d // -
  );
}

/**
 * One URI component as a NATS subject token: itself when plain, else with each other character escaped.
 *
 * @example
 * ```ts
 * escapeToken('user*1'); // 'user~2a1'
 * ```
 */
export function escapeToken(component: string): string {
  let i = 0;
  while (i < component.length && isPlain(component.charCodeAt(i))) i++;
  if (i === component.length) return component;
  let escaped = component.slice(0, i);
  for (const char of component.slice(i)) {
    if (char.length === 1 && isPlain(char.charCodeAt(0))) {
      escaped += char;
      continue;
    }
    for (const byte of utf8.encode(char)) escaped += `~${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return escaped;
}

/** A realm name (itself a URI, dots included) as one subject token. */
export function realmToken(realm: string): string {
  return escapeToken(realm);
}

/** Escapes each component of a URI that has no empty components, joined by '.'. */
function escapeUri(uri: string): string {
  let subject = '';
  let start = 0;
  for (;;) {
    const dot = uri.indexOf('.', start);
    const component = dot === -1 ? uri.slice(start) : uri.slice(start, dot);
    subject += start === 0 ? escapeToken(component) : `.${escapeToken(component)}`;
    if (dot === -1) return subject;
    start = dot + 1;
  }
}

/**
 * The subject a publication to `topic` travels on: `wamp.<realm>.e.<topic tokens>`.
 *
 * @example
 * ```ts
 * eventSubject('realm1', 'com.example.chat'); // 'wamp.realm1.e.com.example.chat'
 * ```
 */
export function eventSubject(realm: string, topic: string): string {
  return `wamp.${realmToken(realm)}.e.${escapeUri(topic)}`;
}

/**
 * The NATS subject that carries every publication a subscription `(pattern, match)` can match:
 * - exact: the topic's own subject;
 * - wildcard: each empty component becomes NATS `*` (both match exactly one component);
 * - prefix ending in '.': the prefix's tokens and `>` (both mean "one or more further components");
 * - other prefixes: WAMP prefix matching is a string prefix (`com.a` matches `com.ab`), which no token pattern
 *   expresses, so the subject stops before the last, partial component (`com.>` for `com.a`) and carries more than
 *   the subscription matches; the receiving node's broker matches every publication against its own
 *   subscriptions anyway.
 *
 * @example
 * ```ts
 * interestSubject('r', 'com..update', 'wildcard'); // 'wamp.r.e.com.*.update'
 * interestSubject('r', 'com.a', 'prefix');         // 'wamp.r.e.com.>'
 * ```
 */
export function interestSubject(realm: string, pattern: string, match: MatchPolicy): string {
  const root = `wamp.${realmToken(realm)}.e`;
  if (match === 'exact') return `${root}.${escapeUri(pattern)}`;
  const components = pattern.split('.');
  if (match === 'wildcard') {
    return `${root}.${components.map((component) => (component === '' ? '*' : escapeToken(component))).join('.')}`;
  }
  // Prefix: the components before the last (the last is partial, or empty when the pattern ends in '.').
  let subject = root;
  for (let i = 0; i < components.length - 1; i++) {
    // An empty component cannot be matched token by token: stop there and let local matching decide.
    if (components[i] === '') break;
    subject += `.${escapeToken(components[i]!)}`;
  }
  return `${subject}.>`;
}

/** The subject a node receives messages about calls on: `wamp.node.<node>`. */
export function nodeSubject(node: string): string {
  return `wamp.node.${escapeToken(node)}`;
}

/** Where NATS tells a node that nobody listened for a call's input (a 503 "no responders" status). */
export function undeliveredSubject(node: string, callId: number | '*' | ''): string {
  return `${nodeSubject(node)}.undelivered.${callId}`;
}
