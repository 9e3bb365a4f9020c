// The router's wamp.2.json serializer: a message's payload passes through as the text it arrived in.
import type { Message } from '../messages.js';
import type { Serializer } from '../serializer.js';
import { jsonText, parseJson } from './json-text.js';
import { payloadIndex } from './payload-index.js';
import { PayloadSlot } from './payload-slot.js';

/** The payload decoded last, and its text (with the comma between Arguments and ArgumentsKw). */
const slot = new PayloadSlot();
let lastText = '';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const OPEN_DICT = 0x7b;
const CLOSE_DICT = 0x7d;

/** Index of the quote that closes the string opened at `open`, in valid JSON. */
function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    // A quote is escaped when an odd number of backslashes precedes it.
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return close;
    close = text.indexOf('"', close + 1);
  }
}

/** Index of the character after the list or dict opened at `open`, in valid JSON. */
function containerEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i);
    else if (c === OPEN_LIST || c === OPEN_DICT) depth++;
    else if ((c === CLOSE_LIST || c === CLOSE_DICT) && --depth === 0) return i + 1;
  }
  return text.length;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Index where top-level element `count` of a valid JSON list begins (perhaps after whitespace). It steps over the
 * elements before it: a string ends at its first unescaped quote, and after a value only whitespace comes before
 * the comma (a number or literal holds none).
 */
function elementStart(text: string, count: number): number {
  let i = 0;
  while (text.charCodeAt(i) !== OPEN_LIST) i++;
  for (let element = 0; element < count; element++) {
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) + 1;
    else if (c === OPEN_DICT || c === OPEN_LIST) i = containerEnd(text, i);
    while (text.charCodeAt(i) !== COMMA) i++;
  }
  return i + 1;
}

/** Index of the bracket that closes a valid JSON list: its last character but for whitespace. */
function listEnd(text: string): number {
  let i = text.length - 1;
  while (text.charCodeAt(i) !== CLOSE_LIST) i--;
  return i;
}

/** Remembers the text of a decoded message's payload, when it has one. */
function keepPayloadText(message: unknown[], text: string): void {
  const at = slot.payloadOf(message);
  if (at < 0) return;
  slot.keep(message, at);
  lastText = text.slice(elementStart(text, at), listEnd(text));
}

/** A string as JSON: quoted as it is when nothing in it needs an escape (URIs, mostly), else by JSON.stringify. */
function quoted(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Control characters, the quote, the backslash, and surrogates (a lone one is escaped).
    if (c < 0x20 || c === QUOTE || c === BACKSLASH || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(value);
  }
  return `"${value}"`;
}

/**
 * The JSON of deep-frozen dicts met before (the router's WELCOME roles, a kilobyte written for every join): they
 * cannot change, so each is written once. A WeakMap, so a dict no longer used is not kept.
 */
const frozenTexts = new WeakMap<object, string>();

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  for (const key in value) if (!isDeepFrozen((value as Record<string, unknown>)[key])) return false;
  return true;
}

function objectText(value: object): string {
  if (!Object.isFrozen(value)) return jsonText(value);
  let text = frozenTexts.get(value);
  if (text === undefined) {
    text = jsonText(value);
    if (isDeepFrozen(value)) frozenTexts.set(value, text);
  }
  return text;
}

/** A value inside a dict as JSON; undefined for what JSON.stringify leaves out of a dict. */
function valueText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? `${value}` : 'null';
    case 'string':
      return quoted(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : objectText(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      return jsonText(value); // a bigint: it throws, as JSON.stringify does
  }
}

/** A dict (Options, Details) entry by entry, as JSON.stringify writes it. */
function dictText(dict: Record<string, unknown>): string {
  if (typeof dict.toJSON === 'function') return jsonText(dict);
  let text = '';
  for (const key in dict) {
    const entry = valueText(dict[key]);
    if (entry !== undefined) text += `${text === '' ? '{' : ','}${quoted(key)}:${entry}`;
  }
  return text === '' ? '{}' : `${text}}`;
}

/** One top-level element of a message as JSON. */
function elementText(value: unknown): string {
  switch (typeof value) {
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) || ArrayBuffer.isView(value)
        ? jsonText(value)
        : dictText(value as Record<string, unknown>);
    default:
      // What a dict leaves out, a list holds as null.
      return valueText(value) ?? 'null';
  }
}

/**
 * A message as JSON, element by element: JSON.stringify spends more on a message's list of mixed elements than
 * on its parts. The payload of the message decoded last, routed unchanged (the same Arguments list followed by the
 * same ArgumentsKw dict, or by nothing), is written as the text it arrived in.
 */
function encodeMessage(message: Message): string {
  const elements = message as unknown as unknown[];
  const length = elements.length;
  const at = payloadIndex(elements[0], length);
  const passes = slot.holds(elements, at);
  const end = passes ? at : length;
  let text = `[${elements[0]}`;
  for (let i = 1; i < end; i++) text += `,${elementText(elements[i])}`;
  return passes ? `${text},${lastText}]` : `${text}]`;
}

/**
 * The router's `wamp.2.json` serializer. It reads and writes what {@link jsonSerializer} does, and a payload
 * passes through: decode keeps the text of the last message's Arguments and ArgumentsKw beside the values it
 * parsed, and encode writes that text again when those very values are routed on before the next decode
 * (CALL → INVOCATION, YIELD → RESULT, PUBLISH → EVENT, ERROR → ERROR), rather than writing them out anew.
 *
 * Only for a peer that never changes a decoded payload in place (the router): a list changed between decode and
 * encode would still be written as the text it was decoded from. Applications use `jsonSerializer`.
 *
 * @example
 * ```ts
 * import { jsonPassThroughSerializer } from '@wamp/protocol/json-passthrough';
 * const [, , , , args] = jsonPassThroughSerializer.decode('[48,7,{},"com.example.echo",[1, "a"]]') as CallMessage;
 * jsonPassThroughSerializer.encode(invocation(9, 3, {}, args ?? [])); // '[68,9,3,{},[1, "a"]]'
 * ```
 */
export const jsonPassThroughSerializer: Serializer = {
  subprotocol: 'wamp.2.json',
  binary: false,
  encode: encodeMessage,
  decode(frame: string | Uint8Array): unknown {
    const message = parseJson(frame);
    // The router's transports hand JSON frames over as text; a frame of bytes is decoded as by jsonSerializer.
    if (typeof frame === 'string' && Array.isArray(message)) keepPayloadText(message, frame);
    return message;
  },
};
