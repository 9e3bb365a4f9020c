import { Encoder, type Options } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import type { Publication } from '../core/fabric.js';
import { decodePublication, encodePublication, MalformedFabricMessage } from './wire.js';

const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false } as Options);

const PUBLICATION: Publication = {
  id: 2 ** 53 - 7,
  topic: 'com.example.chat',
  details: { publisher: 12, publisher_authid: 'ann', publisher_authrole: 'user' },
  excludedSession: 12,
  receivers: { eligible: [1, 2], exclude_authrole: ['bots'] },
  args: ['hi', new Uint8Array([1, 2, 3]), { nested: [true, null] }],
  kwargs: { n: 1.5 },
};

describe('fabric wire format', () => {
  it('round-trips a publication, binary payload included', () => {
    const decoded = decodePublication(encodePublication(PUBLICATION));
    // Bytes come back as a Buffer, Node's Uint8Array.
    expect(decoded.args![1]).toBeInstanceOf(Uint8Array);
    expect([...(decoded.args![1] as Uint8Array)]).toEqual([1, 2, 3]);
    expect({ ...decoded, args: [decoded.args![0], decoded.args![2]] }).toEqual({
      ...PUBLICATION,
      args: [PUBLICATION.args![0], PUBLICATION.args![2]],
    });
  });

  it('round-trips a publication without payload or lists', () => {
    const bare: Publication = { ...PUBLICATION, receivers: null, args: undefined, kwargs: undefined, details: {} };
    expect(decodePublication(encodePublication(bare))).toEqual(bare);
  });

  it.each([
    ['not CBOR', new Uint8Array([0xff, 0xff, 0x00])],
    ['a string', cbor.encode('hello')],
    ['another kind', cbor.encode([99, 1, 't', {}, 0, null, null, null])],
    ['too short', cbor.encode([1, 1, 't'])],
    ['a zero ID', cbor.encode([1, 0, 't', {}, 0, null, null, null])],
    ['a fractional ID', cbor.encode([1, 1.5, 't', {}, 0, null, null, null])],
    ['an empty topic', cbor.encode([1, 1, '', {}, 0, null, null, null])],
    ['details as a list', cbor.encode([1, 1, 't', [], 0, null, null, null])],
    ['a negative excluded session', cbor.encode([1, 1, 't', {}, -1, null, null, null])],
    ['an unknown receiver list', cbor.encode([1, 1, 't', {}, 0, { everyone: [] }, null, null])],
    ['session IDs as strings', cbor.encode([1, 1, 't', {}, 0, { exclude: ['1'] }, null, null])],
    ['arguments as a dict', cbor.encode([1, 1, 't', {}, 0, null, { a: 1 }, null])],
    ['keyword arguments as a list', cbor.encode([1, 1, 't', {}, 0, null, null, [1]])],
  ])('refuses %s', (_what, data) => {
    expect(() => decodePublication(data)).toThrow(MalformedFabricMessage);
  });
});
