import { describe, expect, it } from 'vitest';
import { error, event, invocation, result } from '../builders.js';
import { MessageCode } from '../codes.js';
import type { Message } from '../messages.js';
import type { Serializer } from '../serializer.js';
import { cborPassThroughSerializer, cborSerializer } from './cbor.js';
import { msgpackPassThroughSerializer, msgpackSerializer } from './msgpack.js';

type Decoded = unknown[];
type Dict = Record<string, unknown>;

/** The last `count` bytes of a frame, in hex. */
function tail(frame: string | Uint8Array, count: number): string {
  return Array.from((frame as Uint8Array).subarray(-count), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function bytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (pair) => Number.parseInt(pair, 16));
}

/** Where the payload of `frame` (encoded by the base serializer, definite lengths) begins: found by decoding. */
function payloadBytes(base: Serializer, frame: Uint8Array, payloadAt: number): Uint8Array {
  const message = base.decode(frame) as Decoded;
  const head = base.encode(message.slice(0, payloadAt) as unknown as Message) as Uint8Array;
  return frame.subarray(head.byteLength);
}

describe.each([
  ['msgpack', msgpackSerializer, msgpackPassThroughSerializer],
  ['cbor', cborSerializer, cborPassThroughSerializer],
] as const)('%s pass-through serializer', (_name, base, passThrough) => {
  const decode = (frame: Uint8Array) => passThrough.decode(frame) as Decoded;

  it('copies a routed payload behind a head it writes itself (CALL → INVOCATION)', () => {
    const frame = base.encode([48, 7, { timeout: 100 }, 'com.example.echo', [1, 'a', { b: [2.5] }], { k: true }]);
    const call = decode(frame as Uint8Array);
    const routed = invocation(
      2 ** 53,
      3,
      { caller: 2 ** 40, caller_authid: 'ünï€😀', procedure: 'a.b' },
      call[4] as unknown[],
      call[5] as Dict,
    );
    const out = passThrough.encode(routed) as Uint8Array;
    expect(base.decode(out)).toEqual(routed);
    const payload = payloadBytes(base, frame as Uint8Array, 4);
    expect([...out.subarray(out.byteLength - payload.byteLength)]).toEqual([...payload]);
    // The head is not the base serializer's work: it stands beside its output, byte for byte or not, and reads the same.
    expect(base.decode(base.encode(routed))).toEqual(base.decode(out));
  });

  it.each([
    ['YIELD → RESULT', [70, 5, {}, ['ok']], (m: Decoded) => result(1, { progress: true }, m[3] as unknown[])],
    [
      'PUBLISH → EVENT',
      [16, 5, { exclude_me: false }, 'a.b', [1], { x: null }],
      (m: Decoded) => event(2, 3, { topic: 'a.b', publisher: 9 }, m[4] as unknown[], m[5] as Dict),
    ],
    [
      'ERROR → ERROR',
      [8, 68, 5, {}, 'com.example.oops', ['why']],
      (m: Decoded) => error(MessageCode.CALL, 4, {}, m[4] as string, m[5] as unknown[]),
    ],
  ])('passes the payload through %s', (_route, incoming, route) => {
    const routed = route(decode(base.encode(incoming as unknown as Message) as Uint8Array)) as Message;
    expect(base.decode(passThrough.encode(routed))).toEqual(routed);
  });

  it('leaves heads it does not write to the base serializer, and still routes correctly', () => {
    const call = decode(base.encode([48, 1, {}, 'a', [1]]) as Uint8Array);
    for (const details of [{ nested: { deep: 1 } }, { ratio: 0.5 }, { offset: -1 }, { list: [1] }]) {
      const routed = invocation(2, 3, details as Dict, call[4] as unknown[]);
      expect(passThrough.encode(routed)).toEqual(base.encode(routed));
    }
  });

  it('writes an earlier payload anew once the next message is decoded, and a changed one always', () => {
    const first = decode(base.encode([48, 1, {}, 'a', [1]]) as Uint8Array)[4] as unknown[];
    decode(base.encode([48, 2, {}, 'a', [2]]) as Uint8Array);
    expect(passThrough.encode(invocation(4, 3, {}, first))).toEqual(base.encode(invocation(4, 3, {}, first)));
    const call = decode(base.encode([48, 3, {}, 'a', [3], { k: 1 }]) as Uint8Array);
    const other = invocation(5, 3, {}, call[4] as unknown[], { k: 2 });
    expect(base.decode(passThrough.encode(other))).toEqual(other);
  });

  it('routes random payloads behind random heads as the base serializer reads them', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const text = () => ['', 'a', 'é€', '😀x', 'x'.repeat(40), 'y'.repeat(300)][Math.floor(random() * 6)]!;
    const scalar = () =>
      [() => Math.floor(random() * 2 ** 53), () => text(), () => random() < 0.5, () => null, () => random() - 0.5][
        Math.floor(random() * 5)
      ]!();
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 2 ? 1 : 4));
      if (pick <= 1) return scalar();
      if (pick === 2) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}`, value(depth + 1)]),
      );
    };
    const details = () =>
      Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`d${i}${text()}`, scalar()]));
    for (let i = 0; i < 300; i++) {
      const args = Array.from({ length: 1 + Math.floor(random() * 3) }, () => value(0));
      const kwargs = random() < 0.5 ? { [text() || 'k']: value(0) } : undefined;
      const incoming = [
        48,
        1 + Math.floor(random() * 2 ** 53),
        details(),
        text() || 'u',
        args,
        ...(kwargs ? [kwargs] : []),
      ];
      const [, , , , argsRead, kwargsRead] = base.decode(base.encode(incoming as unknown as Message)) as Decoded;
      const call = decode(base.encode(incoming as unknown as Message) as Uint8Array);
      const routed = invocation(
        1 + Math.floor(random() * 2 ** 53),
        8,
        details(),
        call[4] as unknown[],
        call[5] as Dict | undefined,
      );
      const expected = [...routed.slice(0, 4), argsRead, ...(kwargs ? [kwargsRead] : [])];
      expect(base.decode(passThrough.encode(routed))).toEqual(expected);
    }
  });
});

describe('a head a payload could refer into', () => {
  it('keeps a MessagePack payload behind an extension type from passing through alone', () => {
    // [48, 1, {"t": <timestamp extension, type -1>}, "a", [1]], the 1 written as a uint 8 (cc 01), which a copy
    // keeps and a fresh encode does not; the same without the extension as the control.
    const plain = msgpackPassThroughSerializer.decode(bytes('95300181a174c0a16191cc01')) as Decoded;
    expect(tail(msgpackPassThroughSerializer.encode(invocation(2, 3, {}, plain[4] as unknown[])), 3)).toBe('91cc01');
    const call = msgpackPassThroughSerializer.decode(bytes('95300181a174d6ff00000001a16191cc01')) as Decoded;
    expect((call[2] as Dict).t).toBeInstanceOf(Date);
    const out = msgpackPassThroughSerializer.encode(invocation(2, 3, {}, call[4] as unknown[]));
    expect(tail(out, 3)).not.toBe('91cc01');
    expect(msgpackSerializer.decode(out)).toEqual([68, 2, 3, {}, [1]]);
  });

  it('keeps a CBOR payload behind a tag (value sharing, tag 28) from passing through alone', () => {
    // [48, 1, {"t": 28("s")}, "a", [1]], the 1 written in two bytes (18 01), which a copy keeps; the same without
    // the tag as the control.
    const plain = cborPassThroughSerializer.decode(bytes('85183001a16174617361618118' + '01')) as Decoded;
    expect(tail(cborPassThroughSerializer.encode(invocation(2, 3, {}, plain[4] as unknown[])), 3)).toBe('811801');
    const call = cborPassThroughSerializer.decode(bytes('85183001a16174d81c61736161811801')) as Decoded;
    expect(call[4]).toEqual([1]);
    const out = cborPassThroughSerializer.encode(invocation(2, 3, {}, call[4] as unknown[]));
    expect(tail(out, 3)).not.toBe('811801');
    expect(cborSerializer.decode(out)).toEqual([68, 2, 3, {}, [1]]);
  });

  it('reads a CBOR message of indefinite lengths and routes its payload', () => {
    // 0x9f [48, 1, {_ "x": 1}, "ab", [_ 1]] 0xff: an indefinite list, map and payload list (cbor-x reads no
    // indefinite strings).
    const frame = bytes('9f183001bf617801ff6261629f01ffff');
    const call = cborPassThroughSerializer.decode(frame) as Decoded;
    expect(call.slice(0, 4)).toEqual([48, 1, { x: 1 }, 'ab']);
    const routed = invocation(2, 3, {}, call[4] as unknown[]);
    const out = cborPassThroughSerializer.encode(routed) as Uint8Array;
    expect(cborSerializer.decode(out)).toEqual([68, 2, 3, {}, [1]]);
    expect([...out.subarray(out.byteLength - 3)]).toEqual([0x9f, 0x01, 0xff]);
  });
});
