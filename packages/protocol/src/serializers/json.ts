// The wamp.2.json serializer, with the spec's base64 convention for byte arrays.
import type { Message } from '../messages.js';
import type { Serializer } from '../serializer.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

// The spec's binary convention for JSON: a byte array travels as a string of a NUL character followed by
// the bytes in base64. JSON escapes NUL as \u0000, which lets decode skip the reviver for frames without bytes.
const NUL = '\u0000';
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
 * The `wamp.2.json` serializer: text frames, with byte arrays (`Uint8Array`) carried by the spec's
 * `"\0" + base64` convention.
 *
 * @example
 * ```ts
 * import { jsonSerializer } from '@wamp/protocol/json';
 * jsonSerializer.encode(call(1, {}, 'com.example.echo', [new Uint8Array([1])])); // '[48,1,{},"com.example.echo",["\u0000AQ=="]]'
 * ```
 */
export const jsonSerializer: Serializer = {
  subprotocol: 'wamp.2.json',
  binary: false,
  encode(message: Message): string {
    return containsBytes(message) ? JSON.stringify(message, bytesReplacer) : JSON.stringify(message);
  },
  decode(frame: string | Uint8Array): unknown {
    const text = typeof frame === 'string' ? frame : textDecoder.decode(frame);
    return text.includes(ESCAPED_NUL) ? JSON.parse(text, bytesReviver) : JSON.parse(text);
  },
};
