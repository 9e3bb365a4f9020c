import { describe, expect, it } from 'vitest';
import * as m from '../builders.js';
import { MessageCode } from '../codes.js';
import { MAX_ID } from '../ids.js';
import type { Message } from '../messages.js';
import { parseMessage } from '../parse.js';
import type { Serializer } from '../serializer.js';
import { cborPassThroughSerializer, cborSerializer } from './cbor.js';
import { jsonSerializer } from './json.js';
import { jsonPassThroughSerializer } from './json-passthrough.js';
import { msgpackPassThroughSerializer, msgpackSerializer } from './msgpack.js';

const SERIALIZERS: [string, Serializer][] = [
  ['json', jsonSerializer],
  ['json (pass-through)', jsonPassThroughSerializer],
  ['cbor', cborSerializer],
  ['cbor (pass-through)', cborPassThroughSerializer],
  ['msgpack', msgpackSerializer],
  ['msgpack (pass-through)', msgpackPassThroughSerializer],
];

const bytes = new Uint8Array([0, 1, 2, 250, 255]);

/** One message of every type, with payload variants. */
const MESSAGES: [string, Message][] = [
  ['HELLO', m.hello('realm1', { roles: { caller: {}, callee: { features: { call_canceling: true } } }, agent: 'x' })],
  ['WELCOME', m.welcome(MAX_ID, { roles: { broker: {}, dealer: {} }, authid: 'a' })],
  ['ABORT', m.abort({ message: 'no' }, 'wamp.error.no_such_realm')],
  ['ABORT with payload', m.abort({}, 'wamp.error.protocol_violation', ['why'], { at: 1 })],
  ['CHALLENGE', m.challenge('wampcra', { challenge: '{"nonce":1}' })],
  ['AUTHENTICATE', m.authenticate('signature', {})],
  ['GOODBYE', m.goodbye({}, 'wamp.close.goodbye_and_out')],
  ['ERROR', m.error(MessageCode.INVOCATION, 2 ** 40, {}, 'com.example.error', ['a'], { b: null })],
  ['PUBLISH', m.publish(1, { acknowledge: true, exclude: [2 ** 50, 3] }, 'com.example.topic', [1.5, -7, 'x'])],
  ['PUBLISHED', m.published(1, 2 ** 52 + 1)],
  ['SUBSCRIBE', m.subscribe(1, { match: 'prefix' }, 'com.example')],
  ['SUBSCRIBED', m.subscribed(1, 2)],
  ['UNSUBSCRIBE', m.unsubscribe(3, 2)],
  ['UNSUBSCRIBED', m.unsubscribed(3)],
  ['UNSUBSCRIBED revocation', m.unsubscribed(0, { subscription: 2, reason: 'gone' })],
  ['EVENT', m.event(2, 2 ** 53 - 1, { publisher: 2 ** 45 }, [{ nested: [true, false, null] }], { k: 'v' })],
  ['CALL', m.call(7, { timeout: 1000, receive_progress: true }, 'com.example.add', [1, 2])],
  ['CANCEL', m.cancel(7, { mode: 'kill' })],
  ['RESULT', m.result(7, { progress: true }, [3], { unicode: 'ünï€😀' })],
  ['REGISTER', m.register(8, { invoke: 'roundrobin' }, 'com.example.add')],
  ['REGISTERED', m.registered(8, 9)],
  ['UNREGISTER', m.unregister(10, 9)],
  ['UNREGISTERED', m.unregistered(10)],
  ['UNREGISTERED revocation', m.unregistered(0, { registration: 9 })],
  ['INVOCATION', m.invocation(11, 9, { caller: 2 ** 33 }, [1, 2])],
  ['INTERRUPT', m.interrupt(11, { mode: 'killnowait' })],
  ['YIELD', m.yieldResult(11, {}, [], { only: 'kwargs' })],
];

function toPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

describe.each(SERIALIZERS)('%s serializer', (_name, serializer) => {
  it.each(MESSAGES)('round-trips %s', (_type, message) => {
    const before = structuredClone(message);
    const frame = serializer.encode(message);
    expect(typeof frame === 'string').toBe(!serializer.binary);
    const decoded = parseMessage(serializer.decode(frame));
    expect(decoded).toEqual(message);
    // Encoding never changes the message itself (the integer swap is undone).
    expect(message).toEqual(before);
  });

  it('round-trips byte arrays in args and kwargs, nested, as Uint8Array', () => {
    const message = m.call(1, {}, 'com.example.bin', [bytes, [bytes]], {
      deep: { blob: bytes },
      empty: new Uint8Array(0),
    });
    const decoded = serializer.decode(serializer.encode(message)) as unknown[];
    expect((decoded[4] as unknown[])[0]).toBeInstanceOf(Uint8Array);
    expect(toPlain(decoded)).toEqual(toPlain(message));
  });

  it.each([1, 2 ** 31, 2 ** 32 - 1, 2 ** 32 + 1, 2 ** 53 - 1, MAX_ID])('keeps the ID %i exact', (id) => {
    const decoded = serializer.decode(serializer.encode(m.published(id, id))) as number[];
    expect(decoded).toEqual([MessageCode.PUBLISHED, id, id]);
    expect(Number.isInteger(decoded[1])).toBe(true);
  });

  it('throws on a frame that is not valid in its format', () => {
    const truncated = serializer.encode(m.call(1, {}, 'com.example.x', [1, 2, 3]));
    const cut = typeof truncated === 'string' ? truncated.slice(0, -3) : truncated.subarray(0, -3);
    expect(() => serializer.decode(cut)).toThrow();
  });
});

describe('integer encoding of IDs above 2^32', () => {
  it('writes them as CBOR unsigned integers (major type 0, 8 bytes), not float64', () => {
    const frame = cborSerializer.encode(m.published(1, MAX_ID));
    // [17, 1, 2^53]: 83 11 01 1b <8 bytes>
    expect([...frame.slice(0, 4)]).toEqual([0x83, 0x11, 0x01, 0x1b]);
    expect(frame.length).toBe(12);
  });

  it('writes them as MessagePack 64-bit integers, not float64 (0xcb)', () => {
    const frame = msgpackSerializer.encode(m.published(1, MAX_ID));
    expect([...frame.slice(0, 3)]).toEqual([0x93, 0x11, 0x01]);
    expect([0xcf, 0xd3]).toContain(frame[3]);
  });

  it('also widens Options/Details entries such as publisher and caller', () => {
    const frame = msgpackSerializer.encode(m.event(1, 2, { publisher: 2 ** 40 })) as Uint8Array;
    expect(frame.includes(0xcb)).toBe(false);
    expect(msgpackSerializer.decode(frame)).toEqual([MessageCode.EVENT, 1, 2, { publisher: 2 ** 40 }]);
  });

  it('rejects text frames for binary serializers and invalid UTF-8 for JSON', () => {
    expect(() => cborSerializer.decode('[]')).toThrow(/binary/);
    expect(() => msgpackSerializer.decode('[]')).toThrow(/binary/);
    expect(() => jsonSerializer.decode(new Uint8Array([0x5b, 0xff, 0x5d]))).toThrow();
  });
});

describe.each([
  ['json', jsonSerializer],
  ['json (pass-through)', jsonPassThroughSerializer],
] as const)('%s binary convention', (_name, json) => {
  it('encodes bytes as a NUL-prefixed base64 string, as the spec shows', () => {
    const frame = json.encode(m.call(1, {}, 'a.b', [new Uint8Array([0x10, 0x11, 0x12])]));
    expect(frame).toBe('[48,1,{},"a.b",["\\u0000EBES"]]');
  });

  it('decodes a NUL-prefixed string into bytes and leaves other strings alone', () => {
    const decoded = json.decode('[48,1,{},"a.b",["\\u0000EBES","plain"]]') as unknown[];
    expect(toPlain(decoded[4])).toEqual([{ bytes: [0x10, 0x11, 0x12] }, 'plain']);
  });

  it('accepts UTF-8 bytes as well as strings', () => {
    expect(json.decode(new TextEncoder().encode('[6,{},"wamp.close.close_realm"]'))).toEqual([
      6,
      {},
      'wamp.close.close_realm',
    ]);
  });
});
