import type { Serializer } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import type { SerializerName } from './options.js';

const BY_NAME: Readonly<Record<SerializerName, Serializer>> = {
  json: jsonSerializer,
  cbor: cborSerializer,
  msgpack: msgpackSerializer,
};

/**
 * The serializers for a list of names, in the same (preference) order.
 *
 * @example
 * ```ts
 * serializersFor(['cbor', 'json']).map((s) => s.subprotocol); // ['wamp.2.cbor', 'wamp.2.json']
 * ```
 */
export function serializersFor(names: readonly SerializerName[]): Serializer[] {
  return names.map((name) => BY_NAME[name]);
}
