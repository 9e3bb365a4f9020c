// The server's reading of RFC 6455 frames from a client: headers, unmasking, fragments, control frames and the
// protocol errors that fail the connection, straight from the TCP socket's chunks (no stream between them).
import { isUtf8 } from 'node:buffer';
import { isValidCloseCode } from '../close-codes.js';

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const REPLACEMENT_CHARACTER = '\uFFFD';
/** The high word of a 64-bit length above which the length is past 2^53 (RFC 6455 allows 2^63). */
const MAX_HIGH_WORD = 0x1fffff;

/**
 * What a {@link FrameReader} reports, in the order the frames arrived. After `onFrameClose` or `onFrameError`
 * nothing more is read.
 *
 * @example
 * ```ts
 * const sink: FrameSink = {
 *   onFrameMessage: (message, bytes) => console.log(typeof message === 'string' ? 'text' : 'binary', bytes),
 *   onFramePing: (payload) => console.log('ping', payload.length),
 *   onFramePong: () => console.log('pong'),
 *   onFrameClose: (code, reason) => console.log('close', code, reason),
 *   onFrameError: (code, reason) => console.log('failed', code, reason),
 * };
 * ```
 */
export interface FrameSink {
  /** A whole data message: a text message as its string, a binary one as its bytes. */
  onFrameMessage(message: string | Buffer, bytes: number): void;
  onFramePing(payload: Buffer): void;
  onFramePong(): void;
  /** The peer's close frame: its code (1005 when it carried none) and its reason. */
  onFrameClose(code: number, reason: string): void;
  /** The peer broke the protocol: the close code to answer with (1002, 1007 or 1009) and what was wrong. */
  onFrameError(code: number, reason: string): void;
}

/** XORs bytes `start`..`end` of `data` with the 4-byte mask at `maskAt`, in place. */
function unmask(data: Buffer, start: number, end: number, maskAt: number): void {
  const m0 = data[maskAt]!;
  const m1 = data[maskAt + 1]!;
  const m2 = data[maskAt + 2]!;
  const m3 = data[maskAt + 3]!;
  let i = start;
  for (const last = end - 3; i < last; i += 4) {
    data[i] = data[i]! ^ m0;
    data[i + 1] = data[i + 1]! ^ m1;
    data[i + 2] = data[i + 2]! ^ m2;
    data[i + 3] = data[i + 3]! ^ m3;
  }
  if (i < end) data[i] = data[i++]! ^ m0;
  if (i < end) data[i] = data[i++]! ^ m1;
  if (i < end) data[i] = data[i]! ^ m2;
}

/**
 * Reads the frames a client sends to a server (masked, RFC 6455 §5) from the chunks of its socket, and hands
 * each message, ping, pong and close over to a {@link FrameSink}. Frames are unmasked in place; a frame that spans
 * chunks is gathered into one buffer of its size, so a slow trickle of bytes costs no more than a fast one.
 * A message above `maxMessageBytes` is refused with 1009 as soon as its length is read, before its bytes are kept.
 *
 * @example
 * ```ts
 * const reader = new FrameReader(sink, 16 << 20);
 * socket.on('data', (chunk: Buffer) => reader.push(chunk));
 * ```
 */
export class FrameReader {
  /** Bytes after the last whole frame, when they are less than a header, or when reading is paused. */
  private rest: Buffer | null = null;
  /** A frame longer than what has arrived of it, gathered here until it is whole; null when none. */
  private frame: Buffer | null = null;
  private frameFilled = 0;
  /** The opcode of the fragmented message being read (0 when none), and its payload so far. */
  private fragmentedOpcode = 0;
  private fragments: Buffer | null = null;
  private fragmentBytes = 0;
  private paused = false;
  private parsing = false;
  private stopped = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxMessageBytes: number,
  ) {}

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
      this.parse(frame, 0);
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
    this.fragments = null;
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
      if (available < 2) break;
      const b0 = data[at]!;
      const b1 = data[at + 1]!;
      let payloadLength = b1 & 0x7f;
      // Checked before the header is whole: an unmasked frame's header is 4 bytes shorter than we would wait for.
      if ((b1 & 0x80) === 0) {
        this.fail(1002, 'a client frame must be masked');
        break;
      }
      const headerBytes = payloadLength < 126 ? 6 : payloadLength === 126 ? 8 : 14;
      if (available < headerBytes) break;
      if (payloadLength === 126) payloadLength = data.readUInt16BE(at + 2);
      else if (payloadLength === 127) {
        const high = data.readUInt32BE(at + 2);
        payloadLength = high > MAX_HIGH_WORD ? Infinity : high * 0x100000000 + data.readUInt32BE(at + 6);
      }
      const opcode = b0 & 0x0f;
      if (!this.acceptsHeader(b0, opcode, payloadLength)) break;
      const frameBytes = headerBytes + payloadLength;
      if (available < frameBytes) {
        this.gather(data, at, frameBytes);
        at = length;
        break;
      }
      const start = at + headerBytes;
      at += frameBytes;
      unmask(data, start, at, start - 4);
      if (opcode === OP_TEXT || opcode === OP_BINARY) {
        if ((b0 & 0x80) !== 0) this.deliver(data, start, at, opcode);
        else this.appendFragment(data, start, at, opcode, false);
      } else if (opcode === OP_CONTINUATION) {
        this.appendFragment(data, start, at, this.fragmentedOpcode, (b0 & 0x80) !== 0);
      } else {
        this.control(opcode, data, start, at);
      }
    }
    this.parsing = false;
    if (at < length && !this.stopped) this.rest = at === 0 ? data : data.subarray(at);
  }

  /** Checks a frame's header; a violation fails the connection and returns false. */
  private acceptsHeader(b0: number, opcode: number, payloadLength: number): boolean {
    if ((b0 & 0x70) !== 0) return this.fail(1002, 'RSV bits set, but no extension was negotiated');
    if (opcode >= OP_CLOSE) {
      if (opcode > OP_PONG) return this.fail(1002, `invalid opcode ${opcode}`);
      if ((b0 & 0x80) === 0) return this.fail(1002, 'a control frame must not be fragmented');
      if (payloadLength > 125) return this.fail(1002, 'a control frame may carry at most 125 bytes');
      return true;
    }
    if (opcode === OP_CONTINUATION) {
      if (this.fragmentedOpcode === 0) return this.fail(1002, 'a continuation frame without a message to continue');
    } else if (opcode > OP_BINARY) {
      return this.fail(1002, `invalid opcode ${opcode}`);
    } else if (this.fragmentedOpcode !== 0) {
      return this.fail(1002, 'a new message began before the fragmented one ended');
    }
    if (payloadLength > this.maxMessageBytes - this.fragmentBytes) {
      return this.fail(1009, `a message over the limit of ${this.maxMessageBytes} bytes`);
    }
    return true;
  }

  /** Starts gathering a frame of `frameBytes` whose first bytes are `data` from `at`. */
  private gather(data: Buffer, at: number, frameBytes: number): void {
    const frame = Buffer.allocUnsafe(frameBytes);
    this.frameFilled = data.copy(frame, 0, at);
    this.frame = frame;
  }

  private deliver(data: Buffer, start: number, end: number, opcode: number): void {
    if (opcode === OP_BINARY) {
      this.sink.onFrameMessage(data.subarray(start, end), end - start);
      return;
    }
    const text = data.toString('utf8', start, end);
    // Decoding replaces every invalid sequence with U+FFFD, so only a text holding one needs the strict check.
    if (text.includes(REPLACEMENT_CHARACTER) && !isUtf8(data.subarray(start, end))) {
      this.fail(1007, 'a text message that is not valid UTF-8');
      return;
    }
    this.sink.onFrameMessage(text, end - start);
  }

  private appendFragment(data: Buffer, start: number, end: number, opcode: number, fin: boolean): void {
    this.fragmentedOpcode = opcode;
    const bytes = end - start;
    if (bytes > 0) {
      const total = this.fragmentBytes + bytes;
      let fragments = this.fragments;
      if (fragments === null || fragments.length < total) {
        // Doubling, capped by the message limit (which `acceptsHeader` already held `total` to).
        const grown = Buffer.allocUnsafe(
          Math.max(total, Math.min(2 * (fragments?.length ?? 512), this.maxMessageBytes)),
        );
        if (fragments !== null) fragments.copy(grown, 0, 0, this.fragmentBytes);
        fragments = this.fragments = grown;
      }
      data.copy(fragments, this.fragmentBytes, start, end);
      this.fragmentBytes = total;
    }
    if (!fin) return;
    const message = this.fragments ?? Buffer.alloc(0);
    const messageBytes = this.fragmentBytes;
    // The delivered bytes belong to the layer above from now on: the next fragmented message gets a new buffer.
    this.fragments = null;
    this.fragmentBytes = 0;
    this.fragmentedOpcode = 0;
    this.deliver(message, 0, messageBytes, opcode);
  }

  private control(opcode: number, data: Buffer, start: number, end: number): void {
    if (opcode === OP_PING) this.sink.onFramePing(data.subarray(start, end));
    else if (opcode === OP_PONG) this.sink.onFramePong();
    else this.closeFrame(data, start, end);
  }

  private closeFrame(data: Buffer, start: number, end: number): void {
    if (end - start === 0) {
      this.stop();
      this.sink.onFrameClose(1005, '');
      return;
    }
    if (end - start === 1) {
      this.fail(1002, 'a close frame of one byte');
      return;
    }
    const code = data.readUInt16BE(start);
    if (!isValidCloseCode(code)) {
      this.fail(1002, `invalid close code ${code}`);
      return;
    }
    const reason = data.subarray(start + 2, end);
    if (!isUtf8(reason)) {
      this.fail(1007, 'a close reason that is not valid UTF-8');
      return;
    }
    this.stop();
    this.sink.onFrameClose(code, reason.toString());
  }

  private fail(code: number, reason: string): false {
    this.stop();
    this.sink.onFrameError(code, reason);
    return false;
  }
}
