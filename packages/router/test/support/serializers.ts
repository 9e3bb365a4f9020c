import type { Serializer } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';

/** Every serializer, for `describe.each`: each test runs once per wire format. */
export const SERIALIZERS: [string, Serializer][] = [
  ['json', jsonSerializer],
  ['cbor', cborSerializer],
  ['msgpack', msgpackSerializer],
];
