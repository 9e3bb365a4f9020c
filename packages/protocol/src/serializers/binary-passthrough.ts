// What the router's MessagePack and CBOR serializers share: a payload passes through as the bytes it came in.
import type { Message } from '../messages.js';
import type { Serializer } from '../serializer.js';
import { payloadIndex } from './payload-index.js';
import { PayloadSlot } from './payload-slot.js';

/** 2^53, the largest WAMP ID (see integers.ts): larger or fractional numbers go the base serializer's way. */
const MAX_ID = 2 ** 53;
/**
 * Lists and dicts of at most this many entries have a one-byte header in both formats; a head dict with more, or
 * with values other than integer IDs, strings, booleans and null, is written by the base serializer.
 */
const MAX_HEAD_DICT_KEYS = 15;

/**
 * How one binary format steps over a value and writes the few kinds of value a message's head holds (unsigned
 * integers, strings, booleans, null, small flat dicts of those, the list around them).
 */
export interface BinaryFormat {
  /** Index of the first element of the list whose header starts `frame`; -1 when `frame` starts otherwise. */
  listBody(frame: Uint8Array): number;
  /** Index just past the last element of that list (before a closing break byte, in CBOR's indefinite form). */
  listEnd(frame: Uint8Array): number;
  /**
   * Index just past the value that starts at `at`, in a frame the format's decoder accepted; -1 when the value
   * holds a tag or extension through which a payload could refer to it.
   */
  skip(frame: Uint8Array, at: number): number;
  /** The one-byte header of a list of `count` (< 16) elements. */
  listHeader(count: number): number;
  /** The one-byte header of a dict of `count` (< 16) entries. */
  dictHeader(count: number): number;
  readonly trueByte: number;
  readonly falseByte: number;
  readonly nullByte: number;
  /** Bytes of an unsigned integer up to 2^53; IDs above 2^32 take the 64-bit form. */
  uintSize(value: number): number;
  writeUint(out: Uint8Array, at: number, value: number): number;
  /** Bytes of the header of a text string of `byteLength` UTF-8 bytes. */
  stringHeaderSize(byteLength: number): number;
  writeStringHeader(out: Uint8Array, at: number, byteLength: number): number;
}

/**
 * Frames are cut from chunks of this size, one after the other, as msgpackr and cbor-x do: no allocation per
 * frame but its view, and a chunk is never written twice, so a frame stays as it was while anything holds it.
 */
const CHUNK_BYTES = 8192;
let chunk = new Uint8Array(CHUNK_BYTES);
let chunkUsed = 0;

/** Where `size` fresh bytes start in `chunk` (a new chunk when this one has not enough left). */
function reserve(size: number): number {
  if (chunkUsed + size > chunk.byteLength) {
    chunk = new Uint8Array(Math.max(CHUNK_BYTES, size));
    chunkUsed = 0;
  }
  const at = chunkUsed;
  chunkUsed += size;
  return at;
}

/** Below this many bytes a payload is copied byte by byte: cheaper than the view `set` would need. */
const COPY_BY_LOOP = 64;

const textEncoder = new TextEncoder();

/** UTF-8 bytes of `value`, as TextEncoder writes it (a lone surrogate as U+FFFD, three bytes). */
function utf8Length(value: string): number {
  let bytes = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: four bytes for two code units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Writes `value` (of `bytes` UTF-8 bytes) at `at`; returns the index past it. */
function writeUtf8(out: Uint8Array, at: number, value: string, bytes: number): number {
  if (bytes === value.length) {
    for (let i = 0; i < bytes; i++) out[at + i] = value.charCodeAt(i);
  } else {
    textEncoder.encodeInto(value, out.subarray(at, at + bytes));
  }
  return at + bytes;
}

function isHeadInteger(value: number): boolean {
  return value >= 0 && value <= MAX_ID && Number.isInteger(value);
}

/**
 * A serializer that reads and writes what `base` does, for a router: it remembers the bytes of the payload
 * (Arguments, ArgumentsKw) of the message it decoded last, and when those very values are encoded again before
 * the next decode (CALL → INVOCATION, YIELD → RESULT, PUBLISH → EVENT, ERROR → ERROR), it writes the message's
 * head itself and copies those bytes behind it, rather than writing the payload out anew. A head holding anything
 * but what {@link BinaryFormat} writes goes to `base`, as does every message without a remembered payload.
 *
 * Only for a peer that never changes a decoded payload in place (the router): a list changed between decode and
 * encode would still be written as the bytes it was decoded from.
 *
 * @example
 * ```ts
 * export const msgpackPassThroughSerializer = new BinaryPassThroughSerializer(msgpackSerializer, msgpackFormat);
 * ```
 */
export class BinaryPassThroughSerializer implements Serializer {
  readonly subprotocol: Serializer['subprotocol'];
  readonly binary = true;
  /** The payload decoded last; its frame, and where in it the payload starts and ends. */
  private readonly slot = new PayloadSlot();
  private lastFrame: Uint8Array | null = null;
  private lastStart = 0;
  private lastEnd = 0;
  /**
   * UTF-8 lengths of the head's strings (dict keys and values included) between measuring and writing: the first
   * `stringCount` slots, read back from `nextString`.
   */
  private readonly stringBytes: number[] = [];
  private stringCount = 0;
  private nextString = 0;

  constructor(
    private readonly base: Serializer,
    private readonly format: BinaryFormat,
  ) {
    this.subprotocol = base.subprotocol;
  }

  decode(frame: string | Uint8Array): unknown {
    const message = this.base.decode(frame);
    // The base decode refused a text frame, and it took the whole frame: the payload runs to the list's end.
    if (typeof frame !== 'string' && Array.isArray(message)) this.keepPayload(message, frame);
    return message;
  }

  encode(message: Message): Uint8Array {
    const elements = message as unknown as unknown[];
    const at = payloadIndex(elements[0], elements.length);
    if (!this.slot.holds(elements, at)) return this.base.encode(message) as Uint8Array;
    const headBytes = elements.length > MAX_HEAD_DICT_KEYS ? -1 : this.headSize(elements, at);
    if (headBytes < 0) return this.base.encode(message) as Uint8Array;
    const frame = this.lastFrame!;
    const start = this.lastStart;
    const payloadBytes = this.lastEnd - start;
    const size = 1 + headBytes + payloadBytes;
    const first = reserve(size);
    const out = chunk;
    out[first] = this.format.listHeader(elements.length);
    const body = this.writeHead(out, first + 1, elements, at);
    if (payloadBytes < COPY_BY_LOOP) {
      for (let i = 0; i < payloadBytes; i++) out[body + i] = frame[start + i]!;
    } else {
      out.set(frame.subarray(start, this.lastEnd), body);
    }
    return out.subarray(first, first + size);
  }

  private keepPayload(message: unknown[], frame: Uint8Array): void {
    const at = this.slot.payloadOf(message);
    if (at < 0) return;
    const format = this.format;
    let start = format.listBody(frame);
    for (let i = 0; i < at && start >= 0; i++) start = format.skip(frame, start);
    // A head the payload could refer into: the last payload kept stays (its own values still match its bytes).
    if (start < 0) return;
    this.slot.keep(message, at);
    this.lastFrame = frame;
    this.lastStart = start;
    this.lastEnd = format.listEnd(frame);
  }

  /** Bytes of the first `count` elements as this writer writes them, or -1 when one is of a kind it leaves to base. */
  private headSize(elements: unknown[], count: number): number {
    this.stringCount = 0;
    let size = 0;
    for (let i = 0; i < count; i++) {
      const value = elements[i];
      const bytes =
        typeof value === 'object' && value !== null
          ? this.dictSize(value as Record<string, unknown>)
          : this.scalarSize(value);
      if (bytes < 0) return -1;
      size += bytes;
    }
    return size;
  }

  private dictSize(dict: Record<string, unknown>): number {
    if (Array.isArray(dict) || ArrayBuffer.isView(dict)) return -1;
    let size = 1;
    let keys = 0;
    for (const key in dict) {
      if (++keys > MAX_HEAD_DICT_KEYS) return -1;
      // The key first: its length is written first.
      size += this.scalarSize(key);
      const value = this.scalarSize(dict[key]);
      if (value < 0) return -1;
      size += value;
    }
    return size;
  }

  /** Bytes of an integer ID, string, boolean or null; -1 for any other value (undefined included). */
  private scalarSize(value: unknown): number {
    switch (typeof value) {
      case 'number':
        return isHeadInteger(value) ? this.format.uintSize(value) : -1;
      case 'string': {
        const bytes = utf8Length(value);
        this.stringBytes[this.stringCount++] = bytes;
        return this.format.stringHeaderSize(bytes) + bytes;
      }
      case 'boolean':
        return 1;
      default:
        return value === null ? 1 : -1;
    }
  }

  /** Writes what {@link headSize} measured, in the same order, from `at`; returns where it stopped. */
  private writeHead(out: Uint8Array, at: number, elements: unknown[], count: number): number {
    this.nextString = 0;
    let position = at;
    for (let i = 0; i < count; i++) {
      const value = elements[i];
      if (typeof value !== 'object' || value === null) {
        position = this.writeScalar(out, position, value);
        continue;
      }
      const dict = value as Record<string, unknown>;
      const header = position++;
      let entries = 0;
      for (const key in dict) {
        position = this.writeScalar(out, this.writeScalar(out, position, key), dict[key]);
        entries++;
      }
      out[header] = this.format.dictHeader(entries);
    }
    return position;
  }

  private writeScalar(out: Uint8Array, at: number, value: unknown): number {
    const format = this.format;
    switch (typeof value) {
      case 'number':
        return format.writeUint(out, at, value);
      case 'string': {
        const bytes = this.stringBytes[this.nextString++]!;
        const body = format.writeStringHeader(out, at, bytes);
        return writeUtf8(out, body, value, bytes);
      }
      case 'boolean':
        out[at] = value ? format.trueByte : format.falseByte;
        return at + 1;
      default:
        out[at] = format.nullByte;
        return at + 1;
    }
  }
}
