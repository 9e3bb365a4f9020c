// Encoding of integer IDs above 2^32 as 64-bit integers, shared by the binary serializers.
import type { Message } from '../messages.js';
import { payloadIndex } from './payload-index.js';

// cbor-x and msgpackr write any number above 2^32 as a float64, but WAMP IDs (session, publication,
// request IDs up to 2^53) are integers, and peers in typed languages reject a float where an ID belongs.
// Both libraries write a BigInt as a 64-bit integer, so before encoding, the message's own elements and the
// entries of its Options/Details dict are swapped for BigInts, and restored right after. Application payload
// (Arguments, ArgumentsKw) is left as it is: walking it would cost a pass over every payload.

const UINT32_MAX = 0xffffffff;
/**
 * 2^53, the largest WAMP ID; exact as a double although not a "safe" integer. A copy rather than ids.ts's: the
 * binary serializers' entry points load nothing else of the package.
 */
const MAX_ID = 2 ** 53;

/** Elements swapped for the encode in progress, to put back afterwards: container, key, original value. */
const swapped: unknown[] = [];

function isWideInteger(value: unknown): value is number {
  return typeof value === 'number' && value > UINT32_MAX && value <= MAX_ID && Number.isInteger(value);
}

function widen(container: Record<string | number, unknown>, key: string | number, value: number): void {
  swapped.push(container, key, value);
  container[key] = BigInt(value);
}

/**
 * Encodes `message` with `encode`, its integer IDs and dict entries above 2^32 written as 64-bit integers.
 *
 * @example
 * ```ts
 * const frame = encodeWithIntegerIds(message, (m) => packr.pack(m));
 * ```
 */
export function encodeWithIntegerIds(message: Message, encode: (message: Message) => Uint8Array): Uint8Array {
  const elements = message as unknown as Record<number, unknown>;
  const end = payloadIndex(message[0], message.length);
  for (let i = 1; i < end; i++) {
    const element = elements[i];
    if (isWideInteger(element)) {
      widen(elements, i, element);
    } else if (typeof element === 'object' && element !== null && !Array.isArray(element)) {
      const dict = element as Record<string, unknown>;
      for (const key in dict) {
        const value = dict[key];
        if (isWideInteger(value)) widen(dict, key, value);
      }
    }
  }
  if (swapped.length === 0) return encode(message);
  try {
    return encode(message);
  } finally {
    for (let i = swapped.length - 3; i >= 0; i -= 3) {
      (swapped[i] as Record<string | number, unknown>)[swapped[i + 1] as string] = swapped[i + 2];
    }
    swapped.length = 0;
  }
}
