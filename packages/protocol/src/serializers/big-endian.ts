// Big-endian integers in byte arrays (network order, as MessagePack and CBOR write them), without Node's Buffer.

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
