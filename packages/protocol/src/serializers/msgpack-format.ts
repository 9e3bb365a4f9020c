// MessagePack, as the router's pass-through serializer reads past and writes a message's head.
import { headedIntegerBytes, readU16, readU32, writeHeadedInteger } from './big-endian.js';
import type { BinaryFormat } from './binary-passthrough.js';

/** The type bytes of uint 8, 16, 32 and 64, and of str 8, 16 and 32. */
const UINT_WIDTHS = [0xcc, 0xcd, 0xce, 0xcf] as const;
const STR_WIDTHS = [0xd9, 0xda, 0xdb] as const;

/** Index just past `count` values from `at`, or -1 when one of them holds an extension type. */
function skipValues(frame: Uint8Array, at: number, count: number): number {
  let next = at;
  for (let i = 0; i < count && next >= 0; i++) next = skip(frame, next);
  return next;
}

/**
 * Index just past the value at `at`, or -1 when it holds an extension type: msgpackr's extensions (structured
 * clone references, records, bundled strings) can make a value in the payload refer to one in the head, so such
 * a head keeps its payload from passing through on its own.
 */
function skip(frame: Uint8Array, at: number): number {
  const type = frame[at]!;
  if (type < 0x80 || type >= 0xe0) return at + 1; // positive and negative fixint
  if (type < 0x90) return skipValues(frame, at + 1, (type & 0x0f) * 2); // fixmap
  if (type < 0xa0) return skipValues(frame, at + 1, type & 0x0f); // fixarray
  if (type < 0xc0) return at + 1 + (type & 0x1f); // fixstr
  switch (type) {
    case 0xc4: // bin 8
    case 0xd9: // str 8
      return at + 2 + frame[at + 1]!;
    case 0xc5: // bin 16
    case 0xda: // str 16
      return at + 3 + readU16(frame, at + 1);
    case 0xc6: // bin 32
    case 0xdb: // str 32
      return at + 5 + readU32(frame, at + 1);
    case 0xc7: // ext 8, 16, 32, fixext 1 to 16: see skip's comment
    case 0xc8:
    case 0xc9:
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return -1;
    case 0xca: // float 32
    case 0xce: // uint 32
    case 0xd2: // int 32
      return at + 5;
    case 0xcb: // float 64
    case 0xcf: // uint 64
    case 0xd3: // int 64
      return at + 9;
    case 0xcc: // uint 8
    case 0xd0: // int 8
      return at + 2;
    case 0xcd: // uint 16
    case 0xd1: // int 16
      return at + 3;
    case 0xdc: // array 16
      return skipValues(frame, at + 3, readU16(frame, at + 1));
    case 0xdd: // array 32
      return skipValues(frame, at + 5, readU32(frame, at + 1));
    case 0xde: // map 16
      return skipValues(frame, at + 3, 2 * readU16(frame, at + 1));
    case 0xdf: // map 32
      return skipValues(frame, at + 5, 2 * readU32(frame, at + 1));
    default: // nil, false, true (0xc1 is never used, and the decoder refused it)
      return at + 1;
  }
}

/**
 * MessagePack for {@link BinaryPassThroughSerializer}: the spec's formats, with IDs above 2^32 as uint 64, as
 * `msgpackSerializer` writes them.
 *
 * @example
 * ```ts
 * msgpackFormat.skip(Uint8Array.of(0xa2, 0x68, 0x69, 0x01), 0); // 3: past the string "hi"
 * ```
 */
export const msgpackFormat: BinaryFormat = {
  listBody: (frame) => {
    const type = frame[0]!;
    if (type >= 0x90 && type < 0xa0) return 1;
    return type === 0xdc ? 3 : type === 0xdd ? 5 : -1;
  },
  listEnd: (frame) => frame.byteLength,
  skip,
  listHeader: (count) => 0x90 | count,
  dictHeader: (count) => 0x80 | count,
  trueByte: 0xc3,
  falseByte: 0xc2,
  nullByte: 0xc0,
  uintSize: (value) => headedIntegerBytes(value, 0x80),
  writeUint: (out, at, value) => writeHeadedInteger(out, at, value, 0x80, 0x00, UINT_WIDTHS),
  // No string is 2^32 bytes or longer (frames are far smaller), so the 64-bit slot is never reached.
  stringHeaderSize: (bytes) => headedIntegerBytes(bytes, 32),
  writeStringHeader: (out, at, bytes) => writeHeadedInteger(out, at, bytes, 32, 0xa0, STR_WIDTHS),
};
