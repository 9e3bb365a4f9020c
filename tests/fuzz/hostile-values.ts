// Generators of values that decode but are hostile, per serializer, written at the wire level where the project's
// encoders would not produce them. What each decodes to is whatever the project's decoder (cbor-x, msgpackr with the
// options in packages/protocol) makes of it; the suite never assumes, it decodes the frame itself and compares.
import fc from 'fast-check';
import { plainValue } from '../support/fuzz.js';
import {
  cborHead,
  cborTag,
  cborText,
  concat,
  type Format,
  type Fragment,
  frameOf,
  list,
  msgpackArray,
  msgpackExt,
  msgpackStrBytes,
  type Node,
  plain,
  plainBinary,
  SERIALIZERS,
  uint,
} from './hostile-wire.js';

const raw = (name: string, write: Fragment): Node => ({ kind: 'raw', name, write });
const fixed = (name: string, bytes: Uint8Array | string): Node => raw(name, () => bytes);
const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });

/** A value nested `levels` lists deep, around the router's depth limit (64) and far past it. */
const deepNesting = fc.oneof(fc.integer({ min: 60, max: 68 }), fc.integer({ min: 100, max: 1_500 })).map((levels) => {
  let node: Node = plain('bottom');
  for (let i = 0; i < levels; i++) node = list(node);
  return node;
});

/**
 * `levels` of `[x, x]` with each x one shared value: a DAG 2^levels leaves wide written out, from a frame of a few
 * bytes per level. `define` wraps a value to share and returns its id; `use` refers to an id.
 */
function sharedLevels(
  levels: number,
  leaf: Uint8Array,
  define: (id: number, value: Uint8Array) => Uint8Array,
  use: (id: number) => Uint8Array,
  array2: Uint8Array,
): Fragment {
  return (context) => {
    const level = (k: number): Uint8Array => {
      const id = context.nextRef++;
      if (k === 0) return define(id, leaf);
      const innerId = context.nextRef;
      return define(id, concat([array2, level(k - 1), use(innerId)]));
    };
    return level(levels);
  };
}

const CBOR_UNDEFINED = Uint8Array.of(0xf7);
const cborShareable = (_id: number, value: Uint8Array) => cborTag(28, value); // CBOR numbers them in order
const cborSharedRef = (id: number) => cborTag(29, cborHead(0, id));

/** CBOR tags cbor-x gives no meaning to: it decodes them to a `Tag` object. */
// The largest is the largest tag of a 4-byte argument: cbor-x reads no tag of 8 bytes (it refuses the whole frame,
// so the router closes that session as for any frame that does not decode, which the wire fuzz covers), and a
// value here must decode to be refused or passed on. 2^32 failed the seeds that drew it (1022008327).
const UNKNOWN_CBOR_TAGS = [
  7,
  8,
  16,
  22,
  24,
  25,
  26,
  30,
  32,
  33,
  34,
  35,
  36,
  37,
  100,
  256,
  260,
  1000,
  40_000,
  2 ** 32 - 1,
];

export const cborHostile: fc.Arbitrary<Node> = fc.oneof(
  fc
    .tuple(fc.constantFrom(2, 3), bytes(0, 24))
    .map(([tag, magnitude]) =>
      fixed(`bignum tag ${tag}`, cborTag(tag, concat([cborHead(2, magnitude.length), magnitude]))),
    ),
  fc.double().map((seconds) => fixed('epoch date tag 1', cborTag(1, plainBinary('cbor', seconds)))),
  fc
    .constantFrom('2013-03-21T20:04:00Z', 'not a date', '')
    .map((text) => fixed('date string tag 0', cborTag(0, cborText(text)))),
  fc
    .tuple(fc.constantFrom(...UNKNOWN_CBOR_TAGS), plainValue)
    .map(([tag, value]) => fixed(`tag ${tag}`, cborTag(tag, plainBinary('cbor', value)))),
  fc
    .array(fc.integer(), { maxLength: 4 })
    .map((items) => fixed('set tag 258', cborTag(258, plainBinary('cbor', items)))),
  fc.constant(fixed('map tag 259', cborTag(259, concat([cborHead(5, 1), cborHead(0, 1), cborText('one')])))),
  // Typed arrays (RFC 8746): 64 is plain bytes, the others a typed array of some element width and byte order.
  fc
    .tuple(fc.integer({ min: 64, max: 87 }), bytes(0, 4))
    .filter(([tag]) => tag !== 76) // 76 is reserved: cbor-x has no decoder for it
    .map(([tag, words]) => {
      const content = concat([...words].map((w) => uint(w, 8))); // a multiple of every element width
      return fixed(`typed array tag ${tag}`, cborTag(tag, concat([cborHead(2, content.length), content])));
    }),
  fc
    .constantFrom(['RegExp', 'a+', 'g'], ['Error', 'boom'])
    .map((args) => fixed(`generic object tag 27 ${args[0]}`, cborTag(27, plainBinary('cbor', args)))),
  fc
    .tuple(fc.integer({ min: -400, max: 400 }), fc.integer())
    .map(([exponent, mantissa]) =>
      fixed('decimal fraction tag 4', cborTag(4, plainBinary('cbor', [exponent, mantissa]))),
    ),
  fc
    .tuple(fc.integer({ min: -1100, max: 1100 }), fc.integer())
    .map(([exponent, mantissa]) => fixed('bigfloat tag 5', cborTag(5, plainBinary('cbor', [exponent, mantissa])))),
  plainValue.map((value) => fixed('self-described tag 55799', cborTag(55799, plainBinary('cbor', value)))),
  fc.constant(fixed('undefined', CBOR_UNDEFINED)),
  fc
    .constantFrom([0x7e, 0x00], [0x7c, 0x00], [0xfc, 0x00], [0x80, 0x00], [0x7b, 0xff], [0x00, 0x01])
    .map((half) => fixed(`half float ${half}`, Uint8Array.of(0xf9, ...half))),
  fc.constant(fixed('float32 NaN', Uint8Array.of(0xfa, 0x7f, 0xc0, 0, 0))),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }).map((n) => fixed('uint64 past 2^53', cborHead(0, n))),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }).map((n) => fixed('negative int64 past -2^53', cborHead(1, n))),
  bytes(0, 12).map((text) => fixed('text string of raw bytes', concat([cborHead(3, text.length), text]))),
  fc.constant(fixed('encoded lone surrogate', Uint8Array.of(0x63, 0xed, 0xa0, 0x80))),
  fc
    .tuple(fc.integer({ min: 1, max: 60 }), fc.string({ minLength: 1, maxLength: 200 }))
    .map(([levels, leaf]) =>
      raw(
        `shared references (tags 28/29) ${levels} levels`,
        sharedLevels(levels, cborText(leaf), cborShareable, cborSharedRef, cborHead(4, 2)),
      ),
    ),
  fc.constantFrom('list', 'dict').map((shape) =>
    raw(`cyclic ${shape} (tags 28/29)`, (context) => {
      const ref = cborSharedRef(context.nextRef++);
      return cborTag(
        28,
        shape === 'list' ? concat([cborHead(4, 1), ref]) : concat([cborHead(5, 1), cborText('self'), ref]),
      );
    }),
  ),
  fc
    .integer({ min: 0, max: 2 ** 32 })
    .map((key) => fixed('dict with an integer key', concat([cborHead(5, 1), cborHead(0, key), cborText('v')]))),
);

const msgpackShareable = (id: number, value: Uint8Array) => concat([msgpackExt(0x69, uint(id, 4)), value]);
const msgpackSharedRef = (id: number) => msgpackExt(0x70, uint(id, 4));
/** An ext whose decoder reads the value after it (msgpackr's error, set and regexp exts): one filler byte. */
const extThenValue = (type: number, value: unknown) =>
  concat([msgpackExt(type, Uint8Array.of(0)), plainBinary('msgpack', value)]);

export const msgpackHostile: fc.Arbitrary<Node> = fc.oneof(
  fc
    .constantFrom(4, 8, 12)
    .chain((length) => bytes(length, length))
    .map((data) => fixed(`timestamp ext -1 (${data.length})`, msgpackExt(-1, data))),
  bytes(1, 24).map((data) => fixed('BigInt ext 0x42', msgpackExt(0x42, data))),
  fc.constant(fixed('undefined ext 0', msgpackExt(0, Uint8Array.of(0)))),
  fc
    .constantFrom(['Error', 'x'], ['TypeError', 'y'], ['Custom', 'z'])
    .map((error) => fixed(`error ext 0x65 ${error[0]}`, extThenValue(0x65, error))),
  fc.array(fc.integer(), { maxLength: 4 }).map((items) => fixed('set ext 0x73', extThenValue(0x73, items))),
  fc.constantFrom(['a+', 'g'], ['x', '']).map((regexp) => fixed('regexp ext 0x78', extThenValue(0x78, regexp))),
  fc
    .tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 17), fc.integer({ min: 0, max: 2 }))
    .map(([code, words]) =>
      fixed(
        `typed array ext 0x74 code ${code}`,
        msgpackExt(0x74, concat([Uint8Array.of(code), new Uint8Array(words * 8)])),
      ),
    ),
  fc.constant(fixed('0xc1 (never used)', Uint8Array.of(0xc1))),
  fc
    .bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n })
    .map((n) => fixed('uint64 past 2^53', concat([Uint8Array.of(0xcf), uint(n, 8)]))),
  fc
    .bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) })
    .map((n) => fixed('int64 past -2^53', concat([Uint8Array.of(0xd3), uint(BigInt.asUintN(64, n), 8)]))),
  fc
    .constantFrom(
      [0xca, 0x7f, 0xc0, 0, 0],
      [0xca, 0x7f, 0x80, 0, 0],
      [0xca, 0xff, 0x80, 0, 0],
      [0xcb, 0x80, 0, 0, 0, 0, 0, 0, 0],
    )
    .map((float) => fixed(`float ${float}`, Uint8Array.of(...float))),
  bytes(0, 12).map((text) => fixed('str of raw bytes', msgpackStrBytes(text))),
  fc.constant(fixed('encoded lone surrogate', msgpackStrBytes(Uint8Array.of(0xed, 0xa0, 0x80)))),
  fc
    .tuple(fc.integer({ min: 1, max: 60 }), fc.string({ minLength: 1, maxLength: 200 }))
    .map(([levels, leaf]) =>
      raw(
        `structured clone refs (ext 0x69/0x70) ${levels} levels`,
        sharedLevels(levels, plainBinary('msgpack', leaf), msgpackShareable, msgpackSharedRef, msgpackArray(2)),
      ),
    ),
  fc.constant(
    raw('cyclic list (ext 0x69/0x70)', (context) => {
      const id = context.nextRef++;
      return msgpackShareable(id, concat([msgpackArray(1), msgpackSharedRef(id)]));
    }),
  ),
  fc
    .integer({ min: 0, max: 2 ** 32 - 1 })
    .map((key) =>
      fixed('dict with an integer key', concat([Uint8Array.of(0x81, 0xce), uint(key, 4), Uint8Array.of(0xa1, 0x76)])),
    ),
);

/** A JSON string of arbitrary UTF-16 code units, lone surrogates and a leading NUL included, all as escapes. */
const escapedString = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.constant(0)), {
    maxLength: 6,
  })
  .map((units) => `"${units.map((unit) => `\\u${unit.toString(16).padStart(4, '0')}`).join('')}"`);

export const jsonHostile: fc.Arbitrary<Node> = fc.oneof(
  fc
    .constantFrom(
      '1e400',
      '-1e400',
      '1e-400',
      '-1e-400',
      '-0',
      '-0.0',
      '123456789012345678901234567890',
      '9007199254740993',
      '1E+2',
      '0.1e1',
    )
    .map((number) => fixed(`number ${number}`, number)),
  fc
    .oneof(escapedString, fc.constantFrom('"\\u0000AQID"', '"\\u0000!!"', '"\\u0000"', '"\\ud800"', '"x\\udfff"'))
    .map((text) => fixed(`string ${text}`, text)),
);

/** Keys the decoders or a careless peer might treat specially. */
const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '\u0000', 'a'),
  fc.string({ maxLength: 6 }),
);

const HOSTILE: Record<Format, fc.Arbitrary<Node>> = { json: jsonHostile, cbor: cborHostile, msgpack: msgpackHostile };

/**
 * A payload element for `format`: a plain value, a hostile fragment, deep nesting, or lists and dicts of those (with
 * duplicate and special keys, which every format can write).
 */
export function hostileNode(format: Format): fc.Arbitrary<Node> {
  return fc.letrec<{ node: Node; list: Node; dict: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      { weight: 5, arbitrary: plainValue.map(plain) },
      { weight: 3, arbitrary: HOSTILE[format] },
      { weight: 1, arbitrary: deepNesting },
      { weight: 2, arbitrary: tie('list') },
      { weight: 2, arbitrary: tie('dict') },
    ),
    list: fc.array(tie('node'), { maxLength: 3 }).map((items) => list(...items)),
    dict: fc
      .array(fc.tuple(hostileKey, tie('node')), { maxLength: 3 })
      .map((entries) => ({ kind: 'dict' as const, entries })),
  })).node;
}

/** A dict of hostile elements under hostile keys (kwargs, ERROR details). */
export function hostileDict(format: Format): fc.Arbitrary<Node> {
  return fc
    .array(fc.tuple(hostileKey, hostileNode(format)), { maxLength: 3 })
    .map((entries) => ({ kind: 'dict' as const, entries }));
}

/** True when the project's decoder reads `nodes` (as a list): the suite sends values that decode, and only those. */
function decodes(format: Format, nodes: Node[]): boolean {
  try {
    SERIALIZERS[format].decode(frameOf(format, list(...nodes)));
    return true;
  } catch {
    return false;
  }
}

/** Args (a list) and kwargs (a dict) of hostile elements; kwargs may be absent. Every payload decodes. */
export function hostilePayload(format: Format): fc.Arbitrary<Node[]> {
  return fc
    .tuple(
      fc.array(hostileNode(format), { minLength: 1, maxLength: 3 }),
      fc.option(hostileDict(format), { nil: undefined }),
    )
    .map(([args, kwargs]) => (kwargs === undefined ? [list(...args)] : [list(...args), kwargs]))
    .filter((payload) => decodes(format, payload));
}
