// Unmasked WebSocket data frames built once and written straight to the TCP socket (the server's send path), and
// the per-turn cache that frames a fan-out's payload once for every connection of a framing and serializer.
import type { Duplex } from 'node:stream';
import type { Serializer } from '@wamp/protocol';

const FIN_TEXT = 0x81;
const FIN_BINARY = 0x82;
/**
 * Above this size the payload is written as its own chunk after the header rather than copied behind it: a copy
 * of a large payload is a buffer outside the heap per frame, which the GC collects late (a slow subscriber's
 * queue of them grew the router's memory well past the bytes queued).
 */
export const COPY_LIMIT = 64 * 1024;

/**
 * Bytes of the frame header for a payload of `length` bytes (RFC 6455 §5.2, server to client: no mask).
 *
 * @example
 * ```ts
 * headerLength(125); // 2
 * headerLength(126); // 4
 * ```
 */
export function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes the header of a final, unmasked frame at `at`; returns where its payload goes. */
function writeHeader(target: Buffer, at: number, binary: boolean, length: number): number {
  target[at] = binary ? FIN_BINARY : FIN_TEXT;
  if (length < 126) {
    target[at + 1] = length;
    return at + 2;
  }
  if (length < 65536) {
    target[at + 1] = 126;
    target.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  target[at + 1] = 127;
  // Payloads are bounded far below 2^32 (the transport's maxPayload), so the high word is 0.
  target.writeUInt32BE(0, at + 2);
  target.writeUInt32BE(length, at + 6);
  return at + 10;
}

/**
 * Writes the frame of `payload` (`byteLength` bytes once written) into `target` at `at`, as {@link serverFrame}
 * would build it; returns the index past it. For the frames of one turn, written into one buffer.
 *
 * @example
 * ```ts
 * const end = writeFrameInto(joined, 0, '[2,1,{}]', 8, false); // 10
 * ```
 */
export function writeFrameInto(
  target: Buffer,
  at: number,
  payload: string | Uint8Array,
  byteLength: number,
  binary: boolean,
): number {
  const body = writeHeader(target, at, binary, byteLength);
  if (typeof payload === 'string') target.write(payload, body, byteLength, 'utf8');
  else target.set(payload, body);
  return body + byteLength;
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
  if (length > COPY_LIMIT) {
    const header = Buffer.allocUnsafe(headerLength(length));
    writeHeader(header, 0, binary, length);
    return { header, payload };
  }
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  writeFrameInto(frame, 0, payload, length, binary);
  return frame;
}

/** What {@link serverFrame} returns: one buffer, or a header and a large payload written after it. */
export type ServerFrame = Buffer | { readonly header: Buffer; readonly payload: string | Uint8Array };

/** Writes a frame from {@link serverFrame} to `socket`. */
export function writeServerFrame(socket: Duplex, frame: ServerFrame): void {
  if ('header' in frame) {
    socket.write(frame.header);
    socket.write(frame.payload);
  } else {
    socket.write(frame);
  }
}

/**
 * How one kind of connection frames its payloads: the bytes of a frame, writing one into a turn's buffer, and a
 * frame of its own (for a payload shared with other sockets, or too large to copy). WebSocket's text and binary
 * frames are two framings ({@link webSocketFraming}); RawSocket's length prefix is another.
 *
 * @example
 * ```ts
 * const framing = webSocketFraming(serializer.binary);
 * const joined = Buffer.allocUnsafe(framing.frameBytes(8));
 * framing.writeFrameInto(joined, 0, '[2,1,{}]', 8);
 * ```
 */
export interface Framing {
  /** Bytes of the frame around a payload of `payloadBytes` bytes. */
  frameBytes(payloadBytes: number): number;
  /** Writes the frame of `payload` (`byteLength` bytes once written) at `at`; returns the index past it. */
  writeFrameInto(target: Buffer, at: number, payload: string | Uint8Array, byteLength: number): number;
  /** The whole frame of `payload`, never changed afterwards (so several sockets can be written it). */
  frame(payload: string | Uint8Array): ServerFrame;
}

function webSocketFramingOf(binary: boolean): Framing {
  return {
    frameBytes: (payloadBytes) => headerLength(payloadBytes) + payloadBytes,
    writeFrameInto: (target, at, payload, byteLength) => writeFrameInto(target, at, payload, byteLength, binary),
    frame: (payload) => serverFrame(payload, binary),
  };
}

const TEXT_FRAMING = webSocketFramingOf(false);
const BINARY_FRAMING = webSocketFramingOf(true);

/**
 * The framing of a server's WebSocket messages: text frames for JSON, binary frames otherwise.
 *
 * @example
 * ```ts
 * const framing = webSocketFraming(serializer.binary);
 * ```
 */
export function webSocketFraming(binary: boolean): Framing {
  return binary ? BINARY_FRAMING : TEXT_FRAMING;
}

/**
 * The last payload sent for one serializer and framing in this turn of the event loop, and its frame once it is
 * sent again: a fan-out hands the same encoded EVENT to every subscriber of a serializer, which is then framed once
 * for all but the first (whose transport writes it into its turn's buffer, as any payload sent once). Cleared at
 * the end of the turn, so it never holds a large frame longer than the sends that share it.
 */
export class FrameCache {
  private payload: string | Uint8Array | null = null;
  private frame: ServerFrame | null = null;

  constructor(private readonly framing: Framing) {}

  /** The frame of `payload` when it was the payload of the previous call, else null (and `payload` is kept). */
  repeatedFrame(payload: string | Uint8Array): ServerFrame | null {
    // For strings `===` compares content, and equal content makes equal frames.
    if (payload !== this.payload) {
      this.payload = payload;
      this.frame = null;
      return null;
    }
    this.frame ??= this.framing.frame(payload);
    return this.frame;
  }

  clear(): void {
    this.payload = null;
    this.frame = null;
  }
}

/** One frame cache per framing and serializer, shared by every connection using both. */
const frameCaches = new Map<Framing, Map<Serializer, FrameCache>>();

/**
 * The {@link FrameCache} of the connections speaking `serializer` in `framing`, which {@link clearFrameCaches}
 * empties at the end of each turn.
 *
 * @example
 * ```ts
 * const frames = frameCacheFor(serializer, webSocketFraming(serializer.binary));
 * ```
 */
export function frameCacheFor(serializer: Serializer, framing: Framing): FrameCache {
  let caches = frameCaches.get(framing);
  if (caches === undefined) {
    caches = new Map();
    frameCaches.set(framing, caches);
  }
  let cache = caches.get(serializer);
  if (cache === undefined) {
    cache = new FrameCache(framing);
    caches.set(serializer, cache);
  }
  return cache;
}

/** Empties every {@link frameCacheFor} cache: called once the turn's frames were written. */
export function clearFrameCaches(): void {
  for (const caches of frameCaches.values()) for (const cache of caches.values()) cache.clear();
}
