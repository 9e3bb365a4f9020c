// The wamp.2.msgpack serializer, on msgpackr (an optional peer dependency).
import type { Message } from '../messages.js';
import type { Serializer } from '../serializer.js';
import { BinaryPassThroughSerializer } from './binary-passthrough.js';
import { encodeWithIntegerIds } from './integers.js';
import { msgpackFormat } from './msgpack-format.js';
import { missingPeer } from './optional-peer.js';

// msgpackr is an optional peer dependency, so a JSON-only app need not install it. It is loaded once, when this
// module is first imported; encode and decode then call the packer directly, as after a static import.
const { Packr } = await import('msgpackr').catch(missingPeer('msgpackr', 'wamp.2.msgpack'));

// Plain MessagePack (spec version 5: str and bin are distinct): no record extension, maps decoded to
// objects, 64-bit integers decoded to numbers.
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'number',
});

function encodeMsgpack(message: Message): Uint8Array {
  return packr.pack(message);
}

/**
 * The `wamp.2.msgpack` serializer (on msgpackr): binary frames.
 *
 * @example
 * ```ts
 * import { msgpackSerializer } from '@wamp/protocol/msgpack';
 * const frame = msgpackSerializer.encode(call(1, {}, 'com.example.add', [1, 2]));
 * msgpackSerializer.decode(frame); // [48, 1, {}, 'com.example.add', [1, 2]]
 * ```
 */
export const msgpackSerializer: Serializer = {
  subprotocol: 'wamp.2.msgpack',
  binary: true,
  encode(message: Message): Uint8Array {
    return encodeWithIntegerIds(message, encodeMsgpack);
  },
  decode(frame: string | Uint8Array): unknown {
    if (typeof frame === 'string') throw new TypeError('wamp.2.msgpack frames must be binary, got a text frame');
    return packr.unpack(frame);
  },
};

/**
 * The router's `wamp.2.msgpack` serializer: it reads and writes what {@link msgpackSerializer} does, and a routed payload passes
 * through as the bytes it came in (see {@link BinaryPassThroughSerializer}). Applications use `msgpackSerializer`: a
 * payload changed in place between its decode and the next encode would be written as it was.
 *
 * @example
 * ```ts
 * import { msgpackPassThroughSerializer } from '@wamp/protocol/msgpack';
 * const [, , , , args] = msgpackPassThroughSerializer.decode(msgpackSerializer.encode(call(7, {}, 'com.example.echo', [1]))) as CallMessage;
 * msgpackPassThroughSerializer.encode(invocation(9, 3, {}, args ?? [])); // the CALL's payload bytes behind a new head
 * ```
 */
export const msgpackPassThroughSerializer: Serializer = new BinaryPassThroughSerializer(
  msgpackSerializer,
  msgpackFormat,
);
