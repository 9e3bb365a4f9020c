// Messages written byte by byte, for values the project's encoders would never produce: a CBOR bignum or shared
// reference, a MessagePack ext type, a JSON duplicate or `__proto__` key. A message is a tree of nodes; plain leaves
// are written by the project's own serializer, containers and hostile fragments by hand.
import type { Serializer } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';

export type Format = 'json' | 'cbor' | 'msgpack';

export const SERIALIZERS: Record<Format, Serializer> = {
  json: jsonSerializer,
  cbor: cborSerializer,
  msgpack: msgpackSerializer,
};

/** Numbers the writer hands out while writing one frame: CBOR shared-reference and MessagePack clone ids. */
export interface WriteContext {
  nextRef: number;
}

/** A hostile piece of one format, written when the frame is (ids depend on what came before it). */
export type Fragment = (context: WriteContext) => Uint8Array | string;

export type Node =
  | { kind: 'plain'; value: unknown }
  | { kind: 'list'; items: Node[] }
  /** Entries in order, duplicates and all: the decoder decides which one wins. */
  | { kind: 'dict'; entries: [string, Node][] }
  | { kind: 'raw'; name: string; write: Fragment };

export const plain = (value: unknown): Node => ({ kind: 'plain', value });
export const list = (...items: Node[]): Node => ({ kind: 'list', items });

const utf8 = new TextEncoder();

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A big-endian unsigned integer of `bytes` bytes. */
export function uint(value: number | bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let rest = BigInt(value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** A CBOR initial byte and argument (RFC 8949 §3). */
export function cborHead(major: number, argument: number | bigint): Uint8Array {
  const n = BigInt(argument);
  const type = major << 5;
  if (n < 24n) return Uint8Array.of(type | Number(n));
  if (n < 0x100n) return Uint8Array.of(type | 24, Number(n));
  if (n < 0x10000n) return concat([Uint8Array.of(type | 25), uint(n, 2)]);
  if (n < 0x100000000n) return concat([Uint8Array.of(type | 26), uint(n, 4)]);
  return concat([Uint8Array.of(type | 27), uint(n, 8)]);
}

export const cborTag = (tag: number, content: Uint8Array): Uint8Array => concat([cborHead(6, tag), content]);
export const cborText = (text: string): Uint8Array =>
  concat([cborHead(3, utf8.encode(text).length), utf8.encode(text)]);

/** A MessagePack header of one of the families with 1-byte, 2-byte and 4-byte lengths (map, array, str). */
function msgpackHeader(fix: number, fixLimit: number, codes: [number, number, number], length: number): Uint8Array {
  if (length < fixLimit) return Uint8Array.of(fix | length);
  if (length < 0x100 && codes[0] !== 0) return concat([Uint8Array.of(codes[0]), uint(length, 1)]);
  if (length < 0x10000) return concat([Uint8Array.of(codes[1]), uint(length, 2)]);
  return concat([Uint8Array.of(codes[2]), uint(length, 4)]);
}

export const msgpackArray = (length: number) => msgpackHeader(0x90, 16, [0, 0xdc, 0xdd], length);
const msgpackMap = (length: number) => msgpackHeader(0x80, 16, [0, 0xde, 0xdf], length);
export const msgpackStrBytes = (bytes: Uint8Array) =>
  concat([msgpackHeader(0xa0, 32, [0xd9, 0xda, 0xdb], bytes.length), bytes]);

/** A MessagePack ext of `type` (-128..127) holding `data`: fixext where the length allows, else ext 8/16/32. */
export function msgpackExt(type: number, data: Uint8Array): Uint8Array {
  const code = type & 0xff;
  const fixext = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 }[data.length];
  if (fixext !== undefined) return concat([Uint8Array.of(fixext, code), data]);
  const header = data.length < 0x100 ? [0xc7, ...uint(data.length, 1)] : [0xc8, ...uint(data.length, 2)];
  return concat([Uint8Array.of(...header, code), data]);
}

/** One plain value as the project's serializer writes it: the encoding of `[value]` without the list around it. */
function plainBytes(format: Format, value: unknown): Uint8Array | string {
  const encoded = SERIALIZERS[format].encode([value] as never);
  return typeof encoded === 'string' ? encoded.slice(1, -1) : encoded.subarray(1);
}

/** One plain value as the project's CBOR or MessagePack serializer writes it. */
export function plainBinary(format: 'cbor' | 'msgpack', value: unknown): Uint8Array {
  return plainBytes(format, value) as Uint8Array;
}

function write(format: Format, node: Node, context: WriteContext): Uint8Array | string {
  switch (node.kind) {
    case 'plain':
      return plainBytes(format, node.value);
    case 'raw':
      return node.write(context);
    case 'list': {
      const items = node.items.map((item) => write(format, item, context));
      if (format === 'json') return `[${items.join(',')}]`;
      const head = format === 'cbor' ? cborHead(4, items.length) : msgpackArray(items.length);
      return concat([head, ...(items as Uint8Array[])]);
    }
    case 'dict': {
      if (format === 'json') {
        return `{${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${write(format, value, context)}`).join(',')}}`;
      }
      const parts = [format === 'cbor' ? cborHead(5, node.entries.length) : msgpackMap(node.entries.length)];
      for (const [key, value] of node.entries) {
        parts.push(format === 'cbor' ? cborText(key) : msgpackStrBytes(utf8.encode(key)));
        parts.push(write(format, value, context) as Uint8Array);
      }
      return concat(parts);
    }
  }
}

/** The frame of a message (a list node) in `format`. */
export function frameOf(format: Format, message: Node): Uint8Array | string {
  return write(format, message, { nextRef: 0 });
}

/** The node of a message whose first elements are plain (code, request, options, URI) and whose rest is `payload`. */
export function messageNode(head: unknown[], payload: Node[]): Node {
  return list(...head.map(plain), ...payload);
}
