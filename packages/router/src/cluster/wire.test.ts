import { describe, expect, it } from 'vitest';
import type { Publication } from '../core/fabric.js';
import {
  cbor,
  decodeNodeCall,
  decodePublication,
  encodeNodeCall,
  encodePublication,
  MalformedFabricMessage,
  type NodeCall,
} from './wire.js';

const PUBLICATION: Publication = {
  realm: 'realm1',
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
    const decoded = decodePublication(encodePublication(PUBLICATION), 'realm1');
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
    expect(decodePublication(encodePublication(bare), 'realm1')).toEqual(bare);
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
    expect(() => decodePublication(data, 'realm1')).toThrow(MalformedFabricMessage);
  });
});

const CALL: NodeCall = {
  kind: 'invoke',
  realm: 'realm1',
  from: 'node-1',
  callId: 77,
  calleeSession: 2 ** 52 + 3,
  registration: 9,
  details: { caller: 5, receive_progress: true },
  uri: '',
  args: [1, new Uint8Array([9])],
  kwargs: { k: 'v' },
};

describe('fabric wire format for calls between nodes', () => {
  it.each([
    ['invoke', CALL],
    [
      'interrupt',
      { ...CALL, kind: 'interrupt', registration: 0, details: { mode: 'kill' }, args: undefined, kwargs: undefined },
    ],
    ['result', { ...CALL, kind: 'result', registration: 0, details: { progress: true } }],
    ['error', { ...CALL, kind: 'error', registration: 0, details: {}, uri: 'com.app.error.oops' }],
    ['revoke', { ...CALL, kind: 'revoke', details: { reason: 'maintenance' }, args: undefined, kwargs: undefined }],
  ] as [string, NodeCall][])('round-trips %s', (_kind, call) => {
    const decoded = decodeNodeCall(encodeNodeCall(call, call.from));
    expect({ ...decoded, args: decoded.args?.map((arg) => (arg instanceof Uint8Array ? [...arg] : arg)) }).toEqual({
      ...call,
      args: call.args?.map((arg) => (arg instanceof Uint8Array ? [...arg] : arg)),
    });
  });

  it.each([
    ['an unknown kind', [9, 'r', 'n', 1, 1, 0, {}, '', null, null]],
    ['an empty realm', [2, '', 'n', 1, 1, 1, {}, '', null, null]],
    ['no sender', [2, 'r', '', 1, 1, 1, {}, '', null, null]],
    ['a zero call ID', [2, 'r', 'n', 0, 1, 1, {}, '', null, null]],
    ['an invoke without registration', [2, 'r', 'n', 1, 1, 0, {}, '', null, null]],
    ['a result with a registration', [4, 'r', 'n', 1, 1, 5, {}, '', null, null]],
    ['a revoke without registration', [6, 'r', 'n', 1, 1, 0, {}, '', null, null]],
    ['an error without URI', [5, 'r', 'n', 1, 1, 0, {}, '', null, null]],
    ['a result with a URI', [4, 'r', 'n', 1, 1, 0, {}, 'x.y', null, null]],
    ['details as a string', [2, 'r', 'n', 1, 1, 1, 'x', '', null, null]],
    ['arguments as a number', [2, 'r', 'n', 1, 1, 1, {}, '', 5, null]],
    ['nine elements', [2, 'r', 'n', 1, 1, 1, {}, '', null]],
  ])('refuses %s', (_what, message) => {
    expect(() => decodeNodeCall(cbor.encode(message))).toThrow(MalformedFabricMessage);
  });
});
