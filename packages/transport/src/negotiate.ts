// WAMP subprotocol negotiation: reading the Sec-WebSocket-Protocol header and picking the serializer.
import type { Serializer } from '@wamp/protocol';

const COMMA = 0x2c;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Splits a `Sec-WebSocket-Protocol` header into its tokens (comma-separated, optional whitespace).
 *
 * @example
 * ```ts
 * parseProtocolHeader('wamp.2.cbor, wamp.2.json'); // ['wamp.2.cbor', 'wamp.2.json']
 * ```
 */
export function parseProtocolHeader(header: string | undefined): string[] {
  if (header === undefined) return [];
  const tokens: string[] = [];
  let start = -1;
  let end = -1;
  for (let i = 0; i <= header.length; i++) {
    const code = i < header.length ? header.charCodeAt(i) : COMMA;
    if (code === COMMA) {
      if (start !== -1) tokens.push(header.slice(start, end + 1));
      start = -1;
    } else if (code !== SPACE && code !== TAB) {
      if (start === -1) start = i;
      end = i;
    }
  }
  return tokens;
}

/**
 * Picks the serializer for a connection: the server's most preferred one that the client offered.
 * Returns null when there is no overlap, and the handshake must be refused.
 *
 * @example
 * ```ts
 * negotiate(['wamp.2.cbor', 'wamp.2.json'], [jsonSerializer]); // jsonSerializer
 * negotiate(['mqtt'], [jsonSerializer]);                     // null
 * ```
 */
export function negotiate(offered: readonly string[], preference: readonly Serializer[]): Serializer | null {
  for (const serializer of preference) {
    if (offered.includes(serializer.subprotocol)) return serializer;
  }
  return null;
}
