// An inbound WebSocket frame's way to the layer above, shared by the ws and the browser transports: the frame kind
// check, the decode, and the hand-over to `onmessage` or `ondecodeerror`. Reachable from the browser entry.
import type { Transport } from './transport.js';

/**
 * Checks that a frame is of the kind the serializer uses, decodes it and hands the message to
 * `transport.onmessage` with `frameBytes`; a frame of the wrong kind or one that does not decode goes to
 * `transport.ondecodeerror` instead. Allocates nothing beyond what the serializer does.
 *
 * @example
 * ```ts
 * // A browser WebSocket with binaryType 'arraybuffer':
 * socket.onmessage = ({ data }) => {
 *   if (typeof data === 'string') deliverFrame(transport, data, false, data.length);
 *   else deliverFrame(transport, new Uint8Array(data), true, data.byteLength);
 * };
 * ```
 */
export function deliverFrame(
  transport: Pick<Transport, 'serializer' | 'protocol' | 'onmessage' | 'ondecodeerror'>,
  frame: string | Uint8Array,
  isBinary: boolean,
  frameBytes: number,
): void {
  const serializer = transport.serializer;
  // The spec (Basic Profile, WebSocket Transport): JSON MUST travel in text frames, CBOR and MessagePack in binary.
  if (isBinary !== serializer.binary) {
    transport.ondecodeerror?.(
      new TypeError(`a ${isBinary ? 'binary' : 'text'} frame on ${transport.protocol}, which uses the other kind`),
    );
    return;
  }
  let message: unknown;
  try {
    message = serializer.decode(frame);
  } catch (error) {
    transport.ondecodeerror?.(error as Error);
    return;
  }
  transport.onmessage?.(message, frameBytes);
}
