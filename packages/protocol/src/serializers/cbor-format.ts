// CBOR (RFC 8949), as the router's pass-through serializer reads past and writes a message's head.
import { headedIntegerBytes, readU16, readU32, writeHeadedInteger } from './big-endian.js';
import type { BinaryFormat } from './binary-passthrough.js';

const UINT32_LIMIT = 2 ** 32;
const INDEFINITE = -1;
const BREAK = 0xff;
const MAJOR_TAG = 6;
const INDEFINITE_LIST = 0x9f;
/** The heads of an unsigned integer (major type 0) and of a text string (3) with an 8-, 16-, 32- or 64-bit argument. */
const UINT_WIDTHS = [0x18, 0x19, 0x1a, 0x1b] as const;
const TEXT_WIDTHS = [0x78, 0x79, 0x7a, 0x7b] as const;

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
  uintSize: (value) => headedIntegerBytes(value, 24),
  writeUint: (out, at, value) => writeHeadedInteger(out, at, value, 24, 0x00, UINT_WIDTHS),
  stringHeaderSize: (bytes) => headedIntegerBytes(bytes, 24),
  writeStringHeader: (out, at, bytes) => writeHeadedInteger(out, at, bytes, 24, 0x60, TEXT_WIDTHS),
};
