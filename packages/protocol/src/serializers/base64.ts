// Base64 for the JSON serializer's binary convention. Node's Buffer is used when present (much faster);
// browsers take the portable path through btoa/atob.

interface NodeBufferInstance extends Uint8Array {
  toString(encoding?: string): string;
}

interface BufferLike {
  from(data: ArrayBufferLike, byteOffset: number, length: number): NodeBufferInstance;
  from(data: string, encoding: string): NodeBufferInstance;
}

const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

/**
 * Encodes bytes as standard base64 (with padding).
 *
 * @example
 * ```ts
 * bytesToBase64(new Uint8Array([1, 2, 3])); // 'AQID'
 * ```
 */
export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/**
 * Decodes standard base64 into bytes, starting at `offset` of `text`.
 *
 * @example
 * ```ts
 * base64ToBytes('AQID'); // Uint8Array [1, 2, 3]
 * ```
 */
export function base64ToBytes(text: string, offset = 0): Uint8Array {
  const encoded = offset === 0 ? text : text.slice(offset);
  if (NodeBuffer !== undefined) {
    const buffer = NodeBuffer.from(encoded, 'base64');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  const binary = atob(encoded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
