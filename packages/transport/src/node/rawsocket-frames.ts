// RawSocket frames after the handshake: the 4-octet prefix (reserved bits, frame type, 24-bit length and the 25th
// length bit), writing it for regular messages, PINGs and PONGs, and reading frames from a socket's chunks.
import { MAX_RAWSOCKET_LENGTH } from './rawsocket-handshake.js';
import { COPY_LIMIT, type Framing, type ServerFrame } from './server-frames.js';

/** The TTT field of a frame's prefix; 3 to 7 are reserved. */
export const FrameType = { MESSAGE: 0, PING: 1, PONG: 2 } as const;

/**
 * One of {@link FrameType}'s values.
 *
 * @example
 * ```ts
 * const type: FrameType = FrameType.PING;
 * ```
 */
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const PREFIX_BYTES = 4;
/** The X bit: set only for a length of exactly 2^24, whose 24 L bits are then all zero. */
const LENGTH_BIT_25 = 0x08;
const RESERVED_BITS = 0xf0;

/** Writes the prefix of a frame of `type` carrying `length` octets at `at`; returns where its payload goes. */
function writePrefix(target: Buffer, at: number, type: FrameType, length: number): number {
  if (length === MAX_RAWSOCKET_LENGTH) target.writeUInt32BE(((LENGTH_BIT_25 | type) << 24) >>> 0, at);
  else target.writeUInt32BE(((type << 24) | length) >>> 0, at);
  return at + PREFIX_BYTES;
}

function writeFrameInto(target: Buffer, at: number, payload: string | Uint8Array, byteLength: number): number {
  const body = writePrefix(target, at, FrameType.MESSAGE, byteLength);
  if (typeof payload === 'string') target.write(payload, body, byteLength, 'utf8');
  else target.set(payload, body);
  return body + byteLength;
}

/**
 * The frame of one regular WAMP message: the prefix and the payload (a JSON text as UTF-8), one buffer, or the
 * prefix alone with the payload written after it when it is too large to copy.
 *
 * @example
 * ```ts
 * rawSocketFrame('[1,"realm1",{}]'); // <Buffer 00 00 00 0f 5b 31 ...>
 * ```
 */
export function rawSocketFrame(payload: string | Uint8Array): ServerFrame {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (length > COPY_LIMIT) {
    const header = Buffer.allocUnsafe(PREFIX_BYTES);
    writePrefix(header, 0, FrameType.MESSAGE, length);
    return { header, payload };
  }
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + length);
  writeFrameInto(frame, 0, payload, length);
  return frame;
}

/** How RawSocket frames a regular message, for the turn's one write ({@link Framing}). */
export const RAW_SOCKET_FRAMING: Framing = {
  frameBytes: (payloadBytes) => PREFIX_BYTES + payloadBytes,
  writeFrameInto,
  frame: rawSocketFrame,
};

/**
 * A PING or PONG frame around `payload`.
 *
 * @example
 * ```ts
 * socket.write(controlFrame(FrameType.PONG, pingPayload));
 * ```
 */
export function controlFrame(type: FrameType, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + payload.length);
  writePrefix(frame, 0, type, payload.length);
  frame.set(payload, PREFIX_BYTES);
  return frame;
}

/**
 * What a {@link RawFrameReader} reports, in the order the frames arrived. After `onRawError` nothing more is read.
 *
 * @example
 * ```ts
 * const sink: RawFrameSink = {
 *   onRawMessage: (payload) => console.log('message', payload.length),
 *   onRawPing: (payload) => socket.write(controlFrame(FrameType.PONG, payload)),
 *   onRawPong: () => {},
 *   onRawError: (code, reason) => console.log('failed', code, reason),
 * };
 * ```
 */
export interface RawFrameSink {
  /** A regular message's payload: a view of the socket's bytes, valid until the handler returns. */
  onRawMessage(payload: Buffer): void;
  onRawPing(payload: Buffer): void;
  onRawPong(payload: Buffer): void;
  /** The peer broke the framing: the close code it stands for (1002, 1009) and what was wrong. */
  onRawError(code: number, reason: string): void;
}

/**
 * Reads RawSocket frames from the chunks of a socket and hands each over to a {@link RawFrameSink}. A frame that
 * spans chunks is gathered into one buffer of its size. A frame longer than `maxBytes` (what this end announced in
 * its handshake) fails the connection as soon as its prefix is read, as do reserved bits and frame types.
 *
 * @example
 * ```ts
 * const reader = new RawFrameReader(sink, 16 << 20);
 * socket.on('data', (chunk: Buffer) => reader.push(chunk));
 * ```
 */
export class RawFrameReader {
  /** Bytes after the last whole frame, when they are less than a prefix, or when reading is paused. */
  private rest: Buffer | null = null;
  /** A frame longer than what has arrived of it, gathered here until it is whole; null when none. */
  private frame: Buffer | null = null;
  private frameFilled = 0;
  private frameType: number = FrameType.MESSAGE;
  private paused = false;
  private parsing = false;
  private stopped = false;

  constructor(
    private readonly sink: RawFrameSink,
    private readonly maxBytes: number,
  ) {}

  /** True while part of a frame has arrived and the rest has not: the peer's end then cuts a frame. */
  get midFrame(): boolean {
    return !this.stopped && (this.frame !== null || this.rest !== null);
  }

  /** Reads `chunk`, the next bytes from the socket. */
  push(chunk: Buffer): void {
    if (this.stopped) return;
    const frame = this.frame;
    if (frame !== null) {
      const taken = Math.min(frame.length - this.frameFilled, chunk.length);
      chunk.copy(frame, this.frameFilled, 0, taken);
      this.frameFilled += taken;
      if (this.frameFilled < frame.length) return;
      this.frame = null;
      this.deliver(this.frameType, frame);
      if (taken < chunk.length) this.continueWith(chunk, taken);
      return;
    }
    this.continueWith(chunk, 0);
  }

  /** Stops handing frames over after the current one; what arrives meanwhile is kept. */
  pause(): void {
    this.paused = true;
  }

  /** Hands the kept frames over, then reads on. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // Resumed from inside a handler: the loop that called it goes on by itself.
    if (this.parsing || this.rest === null) return;
    const rest = this.rest;
    this.rest = null;
    this.parse(rest, 0);
  }

  /** Reads nothing more, e.g. once the connection closes. */
  stop(): void {
    this.stopped = true;
    this.rest = null;
    this.frame = null;
  }

  private continueWith(chunk: Buffer, at: number): void {
    const rest = this.rest;
    if (rest === null) {
      this.parse(chunk, at);
      return;
    }
    this.rest = null;
    this.parse(Buffer.concat([rest, at === 0 ? chunk : chunk.subarray(at)]), 0);
  }

  private parse(data: Buffer, at: number): void {
    this.parsing = true;
    const length = data.length;
    while (at < length && !this.paused && !this.stopped) {
      const available = length - at;
      if (available < PREFIX_BYTES) break;
      const b0 = data[at]!;
      const type = b0 & 0x07;
      const payloadLength = this.payloadLength(b0, data.readUInt32BE(at) & 0xffffff);
      if (payloadLength < 0) break;
      const start = at + PREFIX_BYTES;
      if (length - start < payloadLength) {
        this.frame = Buffer.allocUnsafe(payloadLength);
        this.frameFilled = data.copy(this.frame, 0, start);
        this.frameType = type;
        at = length;
        break;
      }
      at = start + payloadLength;
      this.deliver(type, data.subarray(start, at));
    }
    this.parsing = false;
    if (at < length && !this.stopped) this.rest = at === 0 ? data : data.subarray(at);
  }

  /** The payload length a prefix announces, or -1 when the prefix breaks the rules (the connection is failed). */
  private payloadLength(b0: number, low24: number): number {
    if ((b0 & RESERVED_BITS) !== 0) return this.fail(1002, 'a frame with its reserved bits set');
    const type = b0 & 0x07;
    if (type > FrameType.PONG) return this.fail(1002, `a frame of the reserved type ${type}`);
    let length = low24;
    if ((b0 & LENGTH_BIT_25) !== 0) {
      if (low24 !== 0) return this.fail(1002, 'a frame with the 25th length bit set and a length beside it');
      length = MAX_RAWSOCKET_LENGTH;
    }
    if (length > this.maxBytes) return this.fail(1009, `a frame over the limit of ${this.maxBytes} bytes`);
    return length;
  }

  private deliver(type: number, payload: Buffer): void {
    if (type === FrameType.MESSAGE) this.sink.onRawMessage(payload);
    else if (type === FrameType.PING) this.sink.onRawPing(payload);
    else this.sink.onRawPong(payload);
  }

  private fail(code: number, reason: string): -1 {
    this.stop();
    this.sink.onRawError(code, reason);
    return -1;
  }
}
