// JSON text with the spec's binary convention, shared by the two JSON serializers: a byte array travels as a
// string of a NUL character followed by the bytes in base64.
import { base64ToBytes, bytesToBase64 } from './base64.js';

const NUL = '\u0000';
// JSON escapes NUL as \u0000, which lets a parse skip the reviver for texts without bytes.
const ESCAPED_NUL = '\\u0000';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** True when `value` holds a byte array anywhere inside; cheaper than a replacer on every value. */
function containsBytes(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (containsBytes(value[i])) return true;
    return false;
  }
  for (const key in value) if (containsBytes((value as Record<string, unknown>)[key])) return true;
  return false;
}

function bytesReplacer(this: unknown, key: string, value: unknown): unknown {
  // JSON.stringify has already called toJSON (Buffer's) by now, so read the raw property.
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return NUL + bytesToBase64(raw);
  return value;
}

function bytesReviver(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.charCodeAt(0) === 0 ? base64ToBytes(value, 1) : value;
}

/**
 * The JSON text of `value`, byte arrays inside written by the spec's convention.
 *
 * @example
 * ```ts
 * jsonText([new Uint8Array([1])]); // '["\u0000AQ=="]'
 * ```
 */
export function jsonText(value: unknown): string {
  return containsBytes(value) ? JSON.stringify(value, bytesReplacer) : JSON.stringify(value);
}

/**
 * The value of a JSON frame (text, or UTF-8 bytes: it throws on bytes that are no well-formed UTF-8), its `"\0"` + base64 strings read as byte arrays.
 *
 * @example
 * ```ts
 * parseJson('["\\u0000AQ=="]'); // [Uint8Array [1]]
 * ```
 */
export function parseJson(frame: string | Uint8Array): unknown {
  const text = typeof frame === 'string' ? frame : textDecoder.decode(frame);
  return text.includes(ESCAPED_NUL) ? JSON.parse(text, bytesReviver) : JSON.parse(text);
}
