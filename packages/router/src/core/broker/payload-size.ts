/**
 * What a stored event (retained, or kept in history) is charged against its byte bounds: a cheap estimate of its
 * encoded size, computed only for events that are stored, never on the plain publish path. Strings count their
 * length, byte arrays their length, numbers 9 bytes, other scalars 1, and each list, dict and dict key a byte of
 * framing: about what MessagePack writes for ASCII text, and what the router holds in memory.
 */

/** Nesting past this (only possible from a peer that skipped the payload check) counts as over any budget. */
const MAX_DEPTH = 256;

function sizeOf(value: unknown, budget: number, depth: number): number {
  switch (typeof value) {
    case 'string':
      return value.length + 1;
    case 'number':
      return 9;
    case 'object':
      break;
    default:
      return 1;
  }
  if (value === null) return 1;
  if (value instanceof Uint8Array) return value.byteLength + 1;
  if (depth > MAX_DEPTH) return budget + 1;
  let total = 1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && total <= budget; i++) total += sizeOf(value[i], budget - total, depth + 1);
    return total;
  }
  for (const key in value) {
    total += key.length + 1 + sizeOf((value as Record<string, unknown>)[key], budget - total, depth + 1);
    if (total > budget) return total;
  }
  return total;
}

/**
 * The estimated size in bytes of an event's topic and payload. It stops counting once past `budget` (the bound it
 * is checked against), so a huge payload costs no more to refuse than one just over the bound.
 *
 * @example
 * ```ts
 * storedSize('com.app.state', ['ok', 1], undefined, 1 << 20); // 13 + 1 + 3 + 9 = 26
 * ```
 */
export function storedSize(topic: string, args: unknown, kwargs: unknown, budget: number): number {
  let total = topic.length;
  if (args !== undefined) total += sizeOf(args, budget - total, 0);
  if (kwargs !== undefined && total <= budget) total += sizeOf(kwargs, budget - total, 0);
  return total;
}
