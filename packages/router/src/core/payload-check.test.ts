import { describe, expect, it } from 'vitest';
import { describeDefect, payloadDefect } from './payload-check.js';

describe('payloadDefect', () => {
  it.each<[string, unknown, unknown]>([
    ['plain values', [1, 'a', true, null, 2.5, new Uint8Array(3)], { x: [{ y: 'z' }] }],
    ['no payload at all', undefined, undefined],
    ['a dict without a prototype', [Object.assign(Object.create(null), { a: 1 })], undefined],
    ['an own key named __proto__', [JSON.parse('{"__proto__": {"polluted": true}}')], undefined],
  ])('accepts %s', (_name, args, kwargs) => {
    expect(payloadDefect(args, kwargs, 64)).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
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
  ])('refuses %s, naming where it is', (_name, args, kwargs, message) => {
    const defect = payloadDefect(args, kwargs, 64);
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
    expect(payloadDefect(args, undefined, limit) !== undefined).toBe(refused);
  });

  it('refuses a cyclic value and a hostile 100,000-level nesting without exhausting the stack', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(describeDefect(payloadDefect([cyclic], undefined, 64)!)).toContain('nested deeper than 64 levels');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(payloadDefect(deep, undefined, 64)).toBeDefined();
  });
});
