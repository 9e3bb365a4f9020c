// The `serializers` option: the names a router can speak, their check, and the serializer for each name.
import type { Serializer } from '@wamp/protocol';
import { cborPassThroughSerializer, cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { jsonPassThroughSerializer } from '@wamp/protocol/json-passthrough';
import { msgpackPassThroughSerializer, msgpackSerializer } from '@wamp/protocol/msgpack';
import { invalid, oneOf, stringList } from './option-checks.js';

/** The serializers a router can speak, by short name. */
export type SerializerName = 'json' | 'cbor' | 'msgpack';

// The router's serializers let payloads pass through as they came in (it never changes a payload in place).
const BY_NAME: Readonly<Record<SerializerName, Serializer>> = {
  json: jsonPassThroughSerializer,
  cbor: cborPassThroughSerializer,
  msgpack: msgpackPassThroughSerializer,
};

/** The application's serializer for each of the router's. */
const APPLICATION = new Map<Serializer, Serializer>([
  [jsonPassThroughSerializer, jsonSerializer],
  [cborPassThroughSerializer, cborSerializer],
  [msgpackPassThroughSerializer, msgpackSerializer],
]);
const NAMES = Object.keys(BY_NAME) as SerializerName[];

/**
 * Checks the `serializers` option: a non-empty list of known names, in order of preference. Absent: all of them,
 * JSON first.
 *
 * @example
 * ```ts
 * resolveSerializers(undefined); // ['json', 'cbor', 'msgpack']
 * ```
 */
export function resolveSerializers(names: unknown): SerializerName[] {
  const list = stringList('serializers', names) ?? [...NAMES];
  for (const [index, name] of list.entries()) oneOf(`serializers[${index}]`, name, NAMES, 'json');
  if (list.length === 0) throw invalid('serializers', `at least one of ${NAMES.join(', ')}`, []);
  return list as SerializerName[];
}

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

/**
 * The serializer for the application's end of an in-process pair whose router end speaks `serializer`: the plain
 * one for the router's pass-through variant, since application code may change a payload it received.
 *
 * @example
 * ```ts
 * const [client, server] = createMemoryPair(applicationSerializer(serializer), { serverSerializer: serializer });
 * ```
 */
export function applicationSerializer(serializer: Serializer): Serializer {
  return APPLICATION.get(serializer) ?? serializer;
}
