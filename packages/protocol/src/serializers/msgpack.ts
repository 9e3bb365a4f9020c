// The wamp.2.msgpack serializer, on msgpackr (an optional peer dependency).
import type { Message } from '../messages.js';
import type { Serializer } from '../serializer.js';
import { encodeWithIntegerIds } from './integers.js';
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
