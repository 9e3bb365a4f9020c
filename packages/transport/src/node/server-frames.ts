// Unmasked WebSocket data frames built once and written straight to the TCP socket: the server's send path.
import type { Socket } from 'node:net';

const FIN_TEXT = 0x81;
const FIN_BINARY = 0x82;
/**
 * Above this size the payload is written as its own chunk after the header rather than copied behind it: a copy
 * of a large payload is a buffer outside the heap per frame, which the GC collects late (a slow subscriber's
 * queue of them grew the router's memory well past the bytes queued).
 */
const COPY_LIMIT = 64 * 1024;

/** Bytes of the frame header for a payload of `length` bytes (RFC 6455 §5.2, server to client: no mask). */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

function writeHeader(target: Buffer, binary: boolean, length: number): void {
  target[0] = binary ? FIN_BINARY : FIN_TEXT;
  if (length < 126) {
    target[1] = length;
  } else if (length < 65536) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
  } else {
    target[1] = 127;
    // Payloads are bounded far below 2^32 (the transport's maxPayload), so the high word is 0.
    target.writeUInt32BE(0, 2);
    target.writeUInt32BE(length, 6);
  }
}

/**
 * One complete frame (header and payload) for a message of `payload`: a text frame for a string, a binary frame
 * for bytes. What it returns is never changed afterwards, so one frame can be written to many sockets.
 *
 * @example
 * ```ts
 * serverFrame('[2,1,{}]', false); // <Buffer 81 08 5b 32 2c 31 2c 7b 7d 5d>
 * ```
 */
export function serverFrame(payload: string | Uint8Array, binary: boolean): ServerFrame {
  const text = typeof payload === 'string';
  const length = text ? Buffer.byteLength(payload) : payload.byteLength;
  const offset = headerLength(length);
  if (length > COPY_LIMIT) {
    const header = Buffer.allocUnsafe(offset);
    writeHeader(header, binary, length);
    return { header, payload };
  }
  const frame = Buffer.allocUnsafe(offset + length);
  writeHeader(frame, binary, length);
  if (text) frame.write(payload, offset, 'utf8');
  else frame.set(payload, offset);
  return frame;
}

/** What {@link serverFrame} returns: one buffer, or a header and a large payload written after it. */
export type ServerFrame = Buffer | { readonly header: Buffer; readonly payload: string | Uint8Array };

/** Writes a frame from {@link serverFrame} to `socket`. */
export function writeServerFrame(socket: Socket, frame: ServerFrame): void {
  if ('header' in frame) {
    socket.write(frame.header);
    socket.write(frame.payload);
  } else {
    socket.write(frame);
  }
}

/**
 * The last payload framed for one serializer in this turn of the event loop, and its frame: a fan-out hands the
 * same encoded EVENT to every subscriber of a serializer, which is then framed once for all of them. Cleared at the
 * end of the turn, so it never holds a large frame longer than the sends that share it.
 */
export class FrameCache {
  private payload: string | Uint8Array | null = null;
  private frame: ServerFrame | null = null;

  constructor(private readonly binary: boolean) {}

  /** The frame of `payload`, built now or taken from the previous call with the same payload. */
  frameOf(payload: string | Uint8Array): ServerFrame {
    // For strings `===` compares content, and equal content makes equal frames.
    if (payload === this.payload) return this.frame!;
    this.payload = payload;
    this.frame = serverFrame(payload, this.binary);
    return this.frame;
  }

  clear(): void {
    this.payload = null;
    this.frame = null;
  }
}
