import type { Serializer } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { describe, expect, it } from 'vitest';
import { negotiate, parseProtocolHeader } from './negotiate.js';

describe('parseProtocolHeader', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['', []],
    ['wamp.2.json', ['wamp.2.json']],
    ['wamp.2.cbor, wamp.2.json', ['wamp.2.cbor', 'wamp.2.json']],
    ['wamp.2.cbor,wamp.2.json', ['wamp.2.cbor', 'wamp.2.json']],
    ['  wamp.2.cbor ,\twamp.2.json  ', ['wamp.2.cbor', 'wamp.2.json']],
    ['a,,b', ['a', 'b']],
  ])('%j → %j', (header, tokens) => {
    expect(parseProtocolHeader(header)).toEqual(tokens);
  });
});

describe('negotiate', () => {
  const all = [jsonSerializer, cborSerializer, msgpackSerializer];
  it.each<[string[], Serializer[], string | null]>([
    [['wamp.2.cbor', 'wamp.2.json'], [jsonSerializer], 'wamp.2.json'],
    [['wamp.2.cbor', 'wamp.2.json'], all, 'wamp.2.json'],
    [['wamp.2.msgpack', 'wamp.2.cbor'], all, 'wamp.2.cbor'],
    [['wamp.2.json'], [cborSerializer, jsonSerializer], 'wamp.2.json'],
    [['wamp.2.json', 'wamp.2.cbor'], [cborSerializer, jsonSerializer], 'wamp.2.cbor'],
    [['wamp.2.ubjson'], all, null],
    [['mqtt', 'chat'], all, null],
    [[], all, null],
  ])('offer %j, server %#', (offered, preference, expected) => {
    expect(negotiate(offered, preference)?.subprotocol ?? null).toBe(expected);
  });
});
