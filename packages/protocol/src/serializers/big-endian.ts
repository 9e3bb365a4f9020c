// Big-endian integers in byte arrays (network order), and the integers MessagePack and CBOR head with a type
// byte: without Node's Buffer, so the protocol package stays usable in browsers.

/**
 * The unsigned 16-bit integer at `at`.
 *
 * @example
 * ```ts
 * readU16(Uint8Array.of(0x01, 0x02), 0); // 258
 * ```
 */
export function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

/**
 * The unsigned 32-bit integer at `at`.
 *
 * @example
 * ```ts
 * readU32(Uint8Array.of(0xff, 0, 0, 1), 0); // 4278190081
 * ```
 */
export function readU32(bytes: Uint8Array, at: number): number {
  return bytes[at]! * 0x1000000 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

/**
 * Writes `value` (below 2^16) at `at`.
 *
 * @example
 * ```ts
 * writeU16(out, 1, 258); // out[1] = 1, out[2] = 2
 * ```
 */
export function writeU16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 8;
  bytes[at + 1] = value;
}

/**
 * Writes `value` (below 2^32) at `at`.
 *
 * @example
 * ```ts
 * writeU32(out, 0, 2 ** 32 - 1); // four bytes 0xff
 * ```
 */
export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}

/**
 * Writes `value` (an integer up to 2^53) as a 64-bit unsigned integer at `at`.
 *
 * @example
 * ```ts
 * writeU64(out, 0, 2 ** 53); // 00 20 00 00 00 00 00 00
 * ```
 */
export function writeU64(bytes: Uint8Array, at: number, value: number): void {
  writeU32(bytes, at, Math.floor(value / 0x100000000));
  writeU32(bytes, at + 4, value >>> 0);
}

/**
 * Bytes {@link writeHeadedInteger} takes for `value`.
 *
 * @example
 * ```ts
 * headedIntegerBytes(300, 24); // 3
 * ```
 */
export function headedIntegerBytes(value: number, inlineBelow: number): number {
  return value < inlineBelow ? 1 : value < 0x100 ? 2 : value < 0x10000 ? 3 : value < 0x100000000 ? 5 : 9;
}

/**
 * Writes `value` as MessagePack and CBOR write integers and lengths: inside its type byte (`inline | value`) when
 * below `inlineBelow`, else the type byte for its width (`widths`: 8, 16, 32 and 64 bits) and the value in
 * network order. Returns the index past it.
 *
 * @example
 * ```ts
 * writeHeadedInteger(out, 0, 300, 24, 0x00, [0x18, 0x19, 0x1a, 0x1b]); // CBOR 300: 19 01 2c, returns 3
 * ```
 */
export function writeHeadedInteger(
  bytes: Uint8Array,
  at: number,
  value: number,
  inlineBelow: number,
  inline: number,
  widths: readonly number[],
): number {
  if (value < inlineBelow) {
    bytes[at] = inline | value;
    return at + 1;
  }
  if (value < 0x100) {
    bytes[at] = widths[0]!;
    bytes[at + 1] = value;
    return at + 2;
  }
  if (value < 0x10000) {
    bytes[at] = widths[1]!;
    writeU16(bytes, at + 1, value);
    return at + 3;
  }
  if (value < 0x100000000) {
    bytes[at] = widths[2]!;
    writeU32(bytes, at + 1, value);
    return at + 5;
  }
  bytes[at] = widths[3]!;
  writeU64(bytes, at + 1, value);
  return at + 9;
}
