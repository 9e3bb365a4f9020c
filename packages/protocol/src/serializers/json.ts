// The wamp.2.json serializer, with the spec's base64 convention for byte arrays.
import type { Serializer } from '../serializer.js';
import { jsonText, parseJson } from './json-text.js';

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
  encode: jsonText,
  decode: parseJson,
};
