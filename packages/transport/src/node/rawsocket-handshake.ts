// The 4-octet opening handshake of WAMP-over-RawSocket (advanced profile, "RawSocket Transport"): the request a
// client sends, the reply a router gives, the error replies, and the serializer and length fields of both.
import type { Serializer, Subprotocol } from '@wamp/protocol';

/** The first octet of every handshake; no HTTP request can start with it. */
export const RAWSOCKET_MAGIC = 0x7f;

/** The smallest and largest message lengths a handshake can announce: 2^9 and 2^24 octets. */
export const MIN_RAWSOCKET_LENGTH = 1 << 9;
export const MAX_RAWSOCKET_LENGTH = 1 << 24;

/**
 * The error a router answers a handshake with (the upper 4 bits of the reply's second octet), as the spec
 * numbers them.
 *
 * @example
 * ```ts
 * refusal(RawSocketError.SERIALIZER_UNSUPPORTED); // <Buffer 7f 10 00 00>
 * ```
 */
export const RawSocketError = {
  SERIALIZER_UNSUPPORTED: 1,
  MAX_LENGTH_UNACCEPTABLE: 2,
  RESERVED_BITS_USED: 3,
  MAX_CONNECTIONS_REACHED: 4,
} as const;

/**
 * One of {@link RawSocketError}'s values.
 *
 * @example
 * ```ts
 * const code: RawSocketError = RawSocketError.MAX_CONNECTIONS_REACHED;
 * ```
 */
export type RawSocketError = (typeof RawSocketError)[keyof typeof RawSocketError];

const ERROR_MEANINGS: Record<number, string> = {
  1: 'serializer unsupported',
  2: 'maximum message length unacceptable',
  3: 'use of reserved bits (unsupported feature)',
  4: 'maximum connection count reached',
};

/**
 * What a handshake error code means, in the spec's words.
 *
 * @example
 * ```ts
 * describeRawSocketError(4); // 'maximum connection count reached'
 * ```
 */
export function describeRawSocketError(code: number): string {
  return ERROR_MEANINGS[code] ?? `error ${code} (not defined by the spec)`;
}

/** The SERIALIZER field's value of each subprotocol (JSON 1, MessagePack 2, CBOR 3). */
const SERIALIZER_IDS: Record<Subprotocol, number> = {
  'wamp.2.json': 1,
  'wamp.2.msgpack': 2,
  'wamp.2.cbor': 3,
};

const SERIALIZER_NAMES: Record<number, string> = {
  1: 'JSON',
  2: 'MessagePack',
  3: 'CBOR',
  4: 'UBJSON',
  5: 'FlatBuffers',
};

/**
 * The RawSocket SERIALIZER value of `serializer`.
 *
 * @example
 * ```ts
 * rawSocketSerializerId(cborSerializer); // 3
 * ```
 */
export function rawSocketSerializerId(serializer: Serializer): number {
  return SERIALIZER_IDS[serializer.subprotocol];
}

/**
 * The name the spec gives a SERIALIZER value, for messages.
 *
 * @example
 * ```ts
 * serializerName(4); // 'UBJSON'
 * ```
 */
export function serializerName(id: number): string {
  return SERIALIZER_NAMES[id] ?? (id === 0 ? 'illegal serializer 0' : `reserved serializer ${id}`);
}

/**
 * The LENGTH exponent for a receive limit of `maxBytes`: the largest 2^(9+L) at or below it, from 512 octets (L 0)
 * to 16 MiB (L 15), so that the peer never sends more than `maxBytes` (unless that is below 512).
 *
 * @example
 * ```ts
 * lengthExponent(16 << 20); // 15
 * lengthExponent(1_000_000); // 10 (512 KiB)
 * ```
 */
export function lengthExponent(maxBytes: number): number {
  const exponent = Math.floor(Math.log2(Math.max(maxBytes, MIN_RAWSOCKET_LENGTH))) - 9;
  return Math.min(15, exponent);
}

/**
 * The message length a LENGTH exponent stands for: 2^(9+L).
 *
 * @example
 * ```ts
 * lengthOf(15); // 16777216
 * ```
 */
export function lengthOf(exponent: number): number {
  return 2 ** (exponent + 9);
}

/**
 * A request or a success reply: the magic octet, LENGTH and SERIALIZER, two zero octets.
 *
 * @example
 * ```ts
 * handshakeOctets(15, 1); // <Buffer 7f f1 00 00>: JSON, up to 16 MiB
 * ```
 */
export function handshakeOctets(exponent: number, serializerId: number): Buffer {
  return Buffer.from([RAWSOCKET_MAGIC, (exponent << 4) | serializerId, 0, 0]);
}

/**
 * An error reply: the magic octet, the error in the upper 4 bits of the second octet (its lower 4 bits zero).
 *
 * @example
 * ```ts
 * refusal(RawSocketError.MAX_CONNECTIONS_REACHED); // <Buffer 7f 40 00 00>
 * ```
 */
export function refusal(error: RawSocketError): Buffer {
  return Buffer.from([RAWSOCKET_MAGIC, error << 4, 0, 0]);
}

/**
 * What a router makes of a client's 4 octets.
 *
 * @example
 * ```ts
 * const request = readRequest(Buffer.from([0x7f, 0xf2, 0, 0]), [jsonSerializer, msgpackSerializer]);
 * // { ok: true, serializer: msgpackSerializer, maxBytes: 16777216, exponent: 15, serializerId: 2 }
 * ```
 */
export type HandshakeRequest =
  | { ok: true; serializer: Serializer; serializerId: number; exponent: number; maxBytes: number }
  /** `reply` is the error reply to send, or null when the bytes are not RawSocket at all (fail the connection). */
  | { ok: false; reply: Buffer | null; reason: string };

/**
 * Reads a client's handshake request (its first 4 octets) against the serializers the router speaks: a magic
 * octet other than 0x7F is not RawSocket (no reply: the connection is failed), reserved octets in use get error 3,
 * a serializer the router does not speak (or 0, which is illegal) error 1.
 *
 * @example
 * ```ts
 * const request = readRequest(octets, serializers);
 * if (!request.ok) { if (request.reply) socket.end(request.reply); else socket.destroy(); }
 * ```
 */
export function readRequest(octets: Uint8Array, serializers: readonly Serializer[]): HandshakeRequest {
  if (octets[0] !== RAWSOCKET_MAGIC) {
    return { ok: false, reply: null, reason: `not a RawSocket handshake (first octet 0x${hex(octets[0]!)}, not 0x7f)` };
  }
  if (octets[2] !== 0 || octets[3] !== 0) {
    return {
      ok: false,
      reply: refusal(RawSocketError.RESERVED_BITS_USED),
      reason: 'the reserved third and fourth octets of the handshake are not zero',
    };
  }
  const serializerId = octets[1]! & 0x0f;
  const exponent = octets[1]! >> 4;
  const serializer = serializers.find((candidate) => rawSocketSerializerId(candidate) === serializerId);
  if (serializer === undefined) {
    const spoken = serializers.map((candidate) => serializerName(rawSocketSerializerId(candidate))).join(', ');
    return {
      ok: false,
      reply: refusal(RawSocketError.SERIALIZER_UNSUPPORTED),
      reason: `the client asked for ${serializerName(serializerId)}; this router speaks ${spoken}`,
    };
  }
  return { ok: true, serializer, serializerId, exponent, maxBytes: lengthOf(exponent) };
}

/**
 * What a client makes of a router's 4 octets.
 *
 * @example
 * ```ts
 * const reply = readReply(Buffer.from([0x7f, 0xf1, 0, 0]), 1); // { ok: true, maxBytes: 16777216 }
 * ```
 */
export type HandshakeReply =
  | { ok: true; maxBytes: number }
  /** `refused`: the router's error code, when it answered with one. */
  | { ok: false; refused?: number; reason: string };

/**
 * Reads a router's handshake reply to a request for `serializerId`: a success must echo that serializer; an error
 * reply carries the router's error code.
 *
 * @example
 * ```ts
 * const reply = readReply(octets, rawSocketSerializerId(jsonSerializer));
 * if (!reply.ok) throw new Error(reply.reason);
 * ```
 */
export function readReply(octets: Uint8Array, serializerId: number): HandshakeReply {
  if (octets[0] !== RAWSOCKET_MAGIC) {
    return { ok: false, reason: `the server is not a RawSocket router (first octet 0x${hex(octets[0]!)}, not 0x7f)` };
  }
  if (octets[2] !== 0 || octets[3] !== 0) {
    return { ok: false, reason: 'the reserved octets of the router’s handshake reply are not zero' };
  }
  const second = octets[1]!;
  if ((second & 0x0f) === 0) {
    const code = second >> 4;
    return { ok: false, refused: code, reason: `the router refused the handshake: ${describeRawSocketError(code)}` };
  }
  if ((second & 0x0f) !== serializerId) {
    return {
      ok: false,
      reason: `the router answered with ${serializerName(second & 0x0f)}, not the ${serializerName(serializerId)} asked for`,
    };
  }
  return { ok: true, maxBytes: lengthOf(second >> 4) };
}

function hex(octet: number): string {
  return octet.toString(16).padStart(2, '0');
}
