// The wamp.2.cbor serializer, on cbor-x (an optional peer dependency).
import type { Options } from 'cbor-x';
import type { Message } from '../messages.js';
import type { Serializer } from '../serializer.js';
import { BinaryPassThroughSerializer } from './binary-passthrough.js';
import { cborFormat } from './cbor-format.js';
import { encodeWithIntegerIds } from './integers.js';
import { missingPeer } from './optional-peer.js';

// cbor-x is an optional peer dependency, so a JSON-only app need not install it. It is loaded once, when this
// module is first imported; encode and decode then call the encoder directly, as after a static import.
const { Encoder } = await import('cbor-x').catch(missingPeer('cbor-x', 'wamp.2.cbor'));

// Plain CBOR that any WAMP peer reads: no record or structured-clone extensions, maps decoded to objects,
// byte arrays as CBOR byte strings (not typed-array tags), 64-bit integers decoded to numbers
// (`int64AsNumber` is a real cbor-x decoder option that its type declarations leave out).
const cbor = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  int64AsNumber: true,
} as Options);

function encodeCbor(message: Message): Uint8Array {
  return cbor.encode(message);
}

/**
 * The `wamp.2.cbor` serializer (RFC 8949, on cbor-x): binary frames.
 *
 * @example
 * ```ts
 * import { cborSerializer } from '@wamp/protocol/cbor';
 * const frame = cborSerializer.encode(call(1, {}, 'com.example.add', [1, 2]));
 * cborSerializer.decode(frame); // [48, 1, {}, 'com.example.add', [1, 2]]
 * ```
 */
export const cborSerializer: Serializer = {
  subprotocol: 'wamp.2.cbor',
  binary: true,
  encode(message: Message): Uint8Array {
    return encodeWithIntegerIds(message, encodeCbor);
  },
  decode(frame: string | Uint8Array): unknown {
    if (typeof frame === 'string') throw new TypeError('wamp.2.cbor frames must be binary, got a text frame');
    return cbor.decode(frame);
  },
};

/**
 * The router's `wamp.2.cbor` serializer: it reads and writes what {@link cborSerializer} does, and a routed payload passes
 * through as the bytes it came in (see {@link BinaryPassThroughSerializer}). Applications use `cborSerializer`: a
 * payload changed in place between its decode and the next encode would be written as it was.
 *
 * @example
 * ```ts
 * import { cborPassThroughSerializer } from '@wamp/protocol/cbor';
 * const [, , , , args] = cborPassThroughSerializer.decode(cborSerializer.encode(call(7, {}, 'com.example.echo', [1]))) as CallMessage;
 * cborPassThroughSerializer.encode(invocation(9, 3, {}, args ?? [])); // the CALL's payload bytes behind a new head
 * ```
 */
export const cborPassThroughSerializer: Serializer = new BinaryPassThroughSerializer(cborSerializer, cborFormat);
