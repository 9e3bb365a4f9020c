// CBOR (RFC 8949), as the router's pass-through serializer reads past and writes a message's head.
import { readU16, readU32, writeU16, writeU32, writeU64 } from './big-endian.js';
import type { BinaryFormat } from './binary-passthrough.js';

const UINT32_LIMIT = 2 ** 32;
const INDEFINITE = -1;
const BREAK = 0xff;
const MAJOR_TAG = 6;
const INDEFINITE_LIST = 0x9f;

/** Index just past the head of the item read last by {@link argument}. */
let afterHead = 0;

/** The argument of the item whose head is at `at` (a length, count, value or tag), or INDEFINITE. */
function argument(frame: Uint8Array, at: number): number {
  const info = frame[at]! & 0x1f;
  if (info < 24) {
    afterHead = at + 1;
    return info;
  }
  switch (info) {
    case 24:
      afterHead = at + 2;
      return frame[at + 1]!;
    case 25:
      afterHead = at + 3;
      return readU16(frame, at + 1);
    case 26:
      afterHead = at + 5;
      return readU32(frame, at + 1);
    case 27:
      afterHead = at + 9;
      return readU32(frame, at + 1) * UINT32_LIMIT + readU32(frame, at + 5);
    default: // 31; 28 to 30 are reserved, and the decoder refused them
      afterHead = at + 1;
      return INDEFINITE;
  }
}

/** Index just past `count` items from `at`, or -1 when one of them holds a tag. */
function skipItems(frame: Uint8Array, at: number, count: number): number {
  let next = at;
  for (let i = 0; i < count && next >= 0; i++) next = skip(frame, next);
  return next;
}

function skipUntilBreak(frame: Uint8Array, at: number): number {
  let next = at;
  while (next >= 0 && frame[next] !== BREAK) next = skip(frame, next);
  return next < 0 ? -1 : next + 1;
}

/**
 * Index just past the item at `at`, or -1 when it holds a tag: value sharing (tags 28/29), packed values and
 * cbor-x's records can make an item in the payload refer to one in the head, so such a head keeps its payload
 * from passing through on its own.
 */
function skip(frame: Uint8Array, at: number): number {
  const major = frame[at]! >> 5;
  const count = argument(frame, at);
  const body = afterHead;
  switch (major) {
    case 2: // byte string
    case 3: // text string: definite, or definite chunks up to a break
      return count === INDEFINITE ? skipUntilBreak(frame, body) : body + count;
    case 4:
      return count === INDEFINITE ? skipUntilBreak(frame, body) : skipItems(frame, body, count);
    case 5:
      return count === INDEFINITE ? skipUntilBreak(frame, body) : skipItems(frame, body, 2 * count);
    case MAJOR_TAG:
      return -1;
    default: // integers, simple values and floats: all in the head
      return body;
  }
}

/**
 * CBOR for {@link BinaryPassThroughSerializer}: definite lengths, text strings, IDs above 2^32 as 64-bit unsigned
 * integers, as `cborSerializer` writes them.
 *
 * @example
 * ```ts
 * cborFormat.skip(Uint8Array.of(0x62, 0x68, 0x69, 0x01), 0); // 3: past the string "hi"
 * ```
 */
export const cborFormat: BinaryFormat = {
  listBody(frame) {
    if (frame[0]! >> 5 !== 4) return -1; // a tagged message (a packed table, say) keeps its payload
    argument(frame, 0);
    return afterHead;
  },
  listEnd: (frame) => (frame[0] === INDEFINITE_LIST ? frame.byteLength - 1 : frame.byteLength),
  skip,
  listHeader: (count) => 0x80 | count,
  dictHeader: (count) => 0xa0 | count,
  trueByte: 0xf5,
  falseByte: 0xf4,
  nullByte: 0xf6,
  uintSize: (value) => (value < 24 ? 1 : value < 0x100 ? 2 : value < 0x10000 ? 3 : value < UINT32_LIMIT ? 5 : 9),
  writeUint: (out, at, value) => writeHead(out, at, 0x00, value),
  stringHeaderSize: (bytes) => (bytes < 24 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5),
  writeStringHeader: (out, at, bytes) => writeHead(out, at, 0x60, bytes),
};

/** Writes the head of an item of major type `major` (shifted) and argument `value`; returns the index past it. */
function writeHead(out: Uint8Array, at: number, major: number, value: number): number {
  if (value < 24) {
    out[at] = major | value;
    return at + 1;
  }
  if (value < 0x100) {
    out[at] = major | 24;
    out[at + 1] = value;
    return at + 2;
  }
  if (value < 0x10000) {
    out[at] = major | 25;
    writeU16(out, at + 1, value);
    return at + 3;
  }
  if (value < UINT32_LIMIT) {
    out[at] = major | 26;
    writeU32(out, at + 1, value);
    return at + 5;
  }
  out[at] = major | 27;
  writeU64(out, at + 1, value);
  return at + 9;
}
