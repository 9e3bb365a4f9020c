// The Serializer interface every WAMP serializer implements, and the subprotocol names.
import type { Message } from './messages.js';

/** The WebSocket subprotocol names WAMP defines for its serializers. */
export type Subprotocol = 'wamp.2.json' | 'wamp.2.cbor' | 'wamp.2.msgpack';

/**
 * Turns messages into WebSocket frames and back. Synchronous on purpose: a message is encoded the
 * moment it is sent, so send order is call order with no queue in between.
 *
 * `decode` returns `unknown`: it only undoes the encoding. Checking the shape is {@link parseMessage}'s job.
 *
 * @example
 * ```ts
 * import { jsonSerializer } from '@wamp/protocol/json';
 * const frame = jsonSerializer.encode(call(1, {}, 'com.example.add', [1, 2]));
 * const raw = jsonSerializer.decode(frame); // [48, 1, {}, 'com.example.add', [1, 2]]
 * ```
 */
export interface Serializer {
  /** The subprotocol this serializer is negotiated under. */
  readonly subprotocol: Subprotocol;
  /** True when frames are binary WebSocket messages (CBOR, MessagePack); false for text (JSON). */
  readonly binary: boolean;
  /** Encodes a message into one frame: a string for text serializers, bytes for binary ones. */
  encode(message: Message): string | Uint8Array;
  /** Decodes one frame. Throws on bytes that are not valid in this format. */
  decode(frame: string | Uint8Array): unknown;
}
