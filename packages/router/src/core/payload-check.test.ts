import { describe, expect, it } from 'vitest';
import { describeDefect, type PayloadLimits, payloadDefect } from './payload-check.js';

const LIMITS: PayloadLimits = { maxPayloadDepth: 64, maxMessageBytes: 1 << 20 };
const depth = (maxPayloadDepth: number): PayloadLimits => ({ ...LIMITS, maxPayloadDepth });

describe('payloadDefect', () => {
  it.each<[string, unknown, unknown]>([
    ['plain values', [1, 'a', true, null, 2.5, new Uint8Array(3)], { x: [{ y: 'z' }] }],
    ['no payload at all', undefined, undefined],
    ['a dict without a prototype', [Object.assign(Object.create(null), { a: 1 })], undefined],
    ['keys named constructor and prototype', [{ constructor: 1, prototype: { x: 2 } }], { constructor: 'c' }],
    ['numbers beyond 2^53 and a negative zero', [2 ** 64, -(2 ** 60), 1e300, -0], undefined],
    ['a NUL inside a string, and paired surrogates', ['a\u0000b', '😀', '\ud83d\ude00'], { '😀': '' }],
  ])('accepts %s', (_name, args, kwargs) => {
    expect(payloadDefect(args, kwargs, LIMITS)).toBeUndefined();
  });

  it.each<[string, unknown, unknown, string]>([
    ['a big integer', [1, { n: 2n ** 70n }], undefined, 'args[1].n is a big integer'],
    ['undefined', undefined, { a: [undefined] }, 'kwargs.a[0] is undefined'],
    ['NaN', [Number.NaN], undefined, 'args[0] is the number NaN'],
    ['Infinity', [[Number.POSITIVE_INFINITY]], undefined, 'args[0][0] is the number Infinity'],
    ['a Date', [{ when: new Date(0) }], undefined, 'args[0].when is a Date'],
    ['a Set', [new Set([1])], undefined, 'args[0] is a Set'],
    ['a Map', [new Map()], undefined, 'args[0] is a Map'],
    ['a typed array other than bytes', [new Float64Array(2)], undefined, 'args[0] is a Float64Array'],
    ['a regular expression', [{ re: /a/g }], undefined, 'args[0].re is a RegExp'],
    ['an ArrayBuffer', [new ArrayBuffer(1)], undefined, 'args[0] is a ArrayBuffer'],
    [
      'a string JSON peers would read as bytes',
      ['ok', '\u0000AQID'],
      undefined,
      'args[1] is a string starting with NUL',
    ],
    ['a lone high surrogate', [{ s: 'x\ud800' }], undefined, 'args[0].s is a string with a lone surrogate'],
    ['a lone low surrogate in a key', undefined, { 'k\udc00': 1 }, 'kwargs.k\udc00 is a key with a lone surrogate'],
    [
      'an own key named __proto__',
      undefined,
      JSON.parse('{"a":{"__proto__":{"polluted":true}}}'),
      'kwargs.a.__proto__ is a key named __proto__',
    ],
  ])('refuses %s, naming where it is', (_name, args, kwargs, message) => {
    const defect = payloadDefect(args, kwargs, LIMITS);
    expect(defect).toBeDefined();
    expect(describeDefect(defect!)).toContain(message);
  });

  it.each<[unknown, number, boolean]>([
    [[], 0, true],
    [[], 1, false],
    [[1, [2]], 1, true],
    [[1, [2]], 2, false],
    [{ a: { b: { c: 1 } } }, 2, true],
    [{ a: { b: { c: 1 } } }, 3, false],
    [[{ a: [1] }], 3, false],
    [[{ a: [1] }], 2, true],
  ])('%j with a depth limit of %i is refused: %s', (args, limit, refused) => {
    expect(payloadDefect(args, undefined, depth(limit)) !== undefined).toBe(refused);
  });

  it('refuses a cyclic value and a hostile 100,000-level nesting without exhausting the stack', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(describeDefect(payloadDefect([cyclic], undefined, LIMITS)!)).toContain('nested deeper than 64 levels');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(payloadDefect(deep, undefined, LIMITS)).toBeDefined();
  });

  it('refuses shared values that would expand past maxMessageBytes, without walking them all', () => {
    // 60 levels of [x, x]: 2^60 leaves once written out, from a CBOR frame of a few hundred bytes.
    let shared: unknown = 'leaf';
    for (let i = 0; i < 60; i++) shared = [shared, shared];
    const started = performance.now();
    expect(describeDefect(payloadDefect([shared], undefined, LIMITS)!)).toContain('past the 1048576 bytes');
    expect(performance.now() - started).toBeLessThan(1_000);
    // One string shared a thousand times: each reference is a few bytes, each use 10 KiB.
    const text = 'x'.repeat(10_240);
    expect(payloadDefect(undefined, { many: Array(1_000).fill(text) }, LIMITS)?.path).toMatch(/^kwargs\.many\[\d+\]$/);
  });

  it('charges a shared list again without walking it again, and refuses a cycle in a large payload at once', () => {
    // 5,000 dicts that each hold one shared list: past the first few thousand, the list is charged from memory.
    const shared = Array.from({ length: 300 }, (_, i) => i);
    const many = Array.from({ length: 5_000 }, () => ({ shared }));
    expect(payloadDefect(many, undefined, { ...LIMITS, maxMessageBytes: 16 << 20 })).toBeUndefined();
    expect(describeDefect(payloadDefect(many, undefined, LIMITS)!)).toContain('past the 1048576 bytes');
    const cyclic: unknown[] = [];
    cyclic.push(cyclic, cyclic);
    const large = [...many.slice(0, 4_100), cyclic];
    expect(describeDefect(payloadDefect(large, undefined, { ...LIMITS, maxMessageBytes: 16 << 20 })!)).toContain(
      'args[4100][0] is a list or dict inside itself',
    );
  });

  it('accepts a payload of exactly the bound, counting string, key and byte lengths', () => {
    // Values, keys, strings and bytes cost at least their length in every serializer, so this never refuses a
    // payload that arrived in a frame within maxMessageBytes.
    const limits = { ...LIMITS, maxMessageBytes: 1 + 1 + 3 + 1 + 4 + 1 + 5 };
    const payload = [{ key: 'text' }, new Uint8Array(5)];
    expect(payloadDefect(payload, undefined, limits)).toBeUndefined();
    expect(payloadDefect(payload, undefined, { ...limits, maxMessageBytes: limits.maxMessageBytes - 1 })).toBeDefined();
  });
});
