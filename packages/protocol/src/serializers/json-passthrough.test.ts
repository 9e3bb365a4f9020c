import { describe, expect, it } from 'vitest';
import { error, event, invocation, result } from '../builders.js';
import { MessageCode } from '../codes.js';
import type { Message } from '../messages.js';
import { jsonSerializer } from './json.js';
import { jsonPassThroughSerializer as passThrough } from './json-passthrough.js';

type Decoded = unknown[];

function decode(text: string): Decoded {
  return passThrough.decode(text) as Decoded;
}

describe('JSON pass-through serializer', () => {
  it('writes a routed payload as the text it arrived in (CALL → INVOCATION)', () => {
    const call = decode('[48, 7, {"timeout": 100}, "com.example.echo", [1, "a" ,{"b":[2]}] , {"k" : true}]');
    const frame = passThrough.encode(invocation(9, 3, {}, call[4] as unknown[], call[5] as Record<string, unknown>));
    // The spaces of the original payload text prove it was not written anew.
    expect(frame).toBe('[68,9,3,{}, [1, "a" ,{"b":[2]}] , {"k" : true}]');
    expect(JSON.parse(frame as string)).toEqual([68, 9, 3, {}, [1, 'a', { b: [2] }], { k: true }]);
  });

  it.each([
    ['YIELD → RESULT', '[70,5,{},["ok" ]]', (m: Decoded) => result(1, {}, m[3] as unknown[]), '[50,1,{},["ok" ]]'],
    [
      'PUBLISH → EVENT',
      '[16,5,{"exclude_me":false},"a.b",[ 1 ],{"x":null}]',
      (m: Decoded) => event(2, 3, {}, m[4] as unknown[], m[5] as Record<string, unknown>),
      '[36,2,3,{},[ 1 ],{"x":null}]',
    ],
    [
      'ERROR → ERROR',
      '[8,68,5,{},"com.example.oops",["why"]]',
      (m: Decoded) => error(MessageCode.CALL, 4, {}, m[4] as string, m[5] as unknown[]),
      '[8,48,4,{},"com.example.oops",["why"]]',
    ],
  ])('passes the payload through %s', (_name, text, route, expected) => {
    expect(passThrough.encode(route(decode(text)) as Message)).toBe(expected);
  });

  it('finds the payload behind head elements holding quotes, backslashes, commas and brackets', () => {
    const text = String.raw`[48,1,{"x":"a\\\",]}[","y":["]",{"z":"\\"}]},"com.\"odd\\",["p,]"],{"k":"\"]"}]`;
    const call = decode(text);
    expect(call[3]).toBe('com."odd\\');
    const frame = passThrough.encode(invocation(2, 3, {}, call[4] as unknown[], call[5] as Record<string, unknown>));
    expect(frame).toBe(String.raw`[68,2,3,{},["p,]"],{"k":"\"]"}]`);
  });

  it('writes a payload anew when it was not routed unchanged', () => {
    const call = decode('[48,1,{},"a",[1 ],{"k":1}]');
    const args = call[4] as unknown[];
    // Other kwargs beside the same args, and the args without their kwargs.
    expect(passThrough.encode(invocation(2, 3, {}, args, { k: 2 }))).toBe('[68,2,3,{},[1],{"k":2}]');
    expect(passThrough.encode(invocation(2, 3, {}, args))).toBe('[68,2,3,{},[1]]');
    // A payload with no kwargs followed by some.
    const bare = decode('[48,1,{},"a",[1 ]]')[4] as unknown[];
    expect(passThrough.encode(invocation(2, 3, {}, bare, { k: 3 }))).toBe('[68,2,3,{},[1],{"k":3}]');
  });

  it('writes an earlier payload anew once the next message is decoded', () => {
    const first = decode('[48,1,{},"a",[1 ]]')[4] as unknown[];
    expect(passThrough.encode(invocation(2, 3, {}, first))).toBe('[68,2,3,{},[1 ]]');
    decode('[48,2,{},"a",[2 ]]');
    expect(passThrough.encode(invocation(4, 3, {}, first))).toBe('[68,4,3,{},[1]]');
  });

  it('keeps the byte arrays of the binary convention as they came, and reads them as bytes', () => {
    const call = decode('[48,1,{},"a",["\\u0000AQI=", 1]]');
    expect((call[4] as unknown[])[0]).toEqual(new Uint8Array([1, 2]));
    expect(passThrough.encode(invocation(2, 3, {}, call[4] as unknown[]))).toBe('[68,2,3,{},["\\u0000AQI=", 1]]');
  });

  it('writes what JSON.stringify writes for every other message', () => {
    const messages: Message[] = [
      invocation(1, 2, { caller: 3, procedure: 'é.\u2028', x: [1, { y: null }] }, ['\u0001"\\', 'a\ud800'], { z: -0 }),
      result(1, { progress: true }),
      [MessageCode.GOODBYE, {}, 'wamp.close.normal'],
      [MessageCode.HELLO, 'realm\n1', { roles: {}, authextra: { pub: new Uint8Array([255]) } }],
    ];
    for (const message of messages) expect(passThrough.encode(message)).toBe(jsonSerializer.encode(message));
  });

  it('writes dicts as JSON.stringify does: left-out values, toJSON, byte arrays, nesting', () => {
    const details = {
      gone: undefined,
      when: new Date(0),
      bytes: new Uint8Array([1, 2]),
      nested: { list: [1, { deep: 'x' }], off: false },
      7: 'a number key, written first',
      quote: 'say "hi"\n',
    };
    const message = invocation(1, 2, details as Record<string, unknown>);
    expect(passThrough.encode(message)).toBe(jsonSerializer.encode(message));
    expect(() => passThrough.encode(invocation(1, 2, { big: 1n } as Record<string, unknown>))).toThrow(TypeError);
  });

  it('writes a deep-frozen dict once and a dict that can still change every time', () => {
    const roles = Object.freeze({ broker: Object.freeze({ features: Object.freeze({ a: true }) }) });
    const first = passThrough.encode([2, 1, { roles }] as Message);
    expect(passThrough.encode([2, 1, { roles }] as Message)).toBe(first);
    expect(first).toBe('[2,1,{"roles":{"broker":{"features":{"a":true}}}}]');
    // Frozen on top only: its inside may change, so it is written anew.
    const features: Record<string, boolean> = { a: true };
    const shallow = Object.freeze({ broker: { features } });
    expect(passThrough.encode([2, 1, { roles: shallow }] as Message)).toBe(first);
    features.b = false;
    expect(passThrough.encode([2, 1, { roles: shallow }] as Message)).toBe(
      '[2,1,{"roles":{"broker":{"features":{"a":true,"b":false}}}}]',
    );
  });

  it('routes random payloads behind random heads as their decoded values', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pieces = ['"', '\\', ',', '[', ']', '{', '}', 'a', ' ', '\u00e9', ':'];
    const text = () =>
      Array.from({ length: Math.floor(random() * 6) }, () => pieces[Math.floor(random() * 11)]).join('');
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * (depth > 2 ? 3 : 5));
      if (pick === 0) return text();
      if (pick === 1) return Math.floor(random() * 1e6) / 8 - 1000;
      if (pick === 2) return [null, true, false][Math.floor(random() * 3)];
      if (pick === 3) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [text(), value(depth + 1)]));
    };
    const spaced = (json: string) => json.replace(/,/g, () => (random() < 0.3 ? ' , ' : ','));
    for (let i = 0; i < 500; i++) {
      const args = Array.from({ length: 1 + Math.floor(random() * 3) }, () => value(0));
      const kwargs = random() < 0.5 ? { [text()]: value(0) } : undefined;
      const head = `[48, ${i + 1},${JSON.stringify({ [text()]: value(0) })} ,${JSON.stringify(text() || 'u')}`;
      const payload = `${spaced(JSON.stringify(args))}${kwargs === undefined ? '' : `,${JSON.stringify(kwargs)}`}`;
      const input = `${head},${payload}]`;
      // What the plain serializer reads from the same text is what the routed message must say.
      const [, , , , argsRead, kwargsRead] = jsonSerializer.decode(input) as Decoded;
      const call = decode(input);
      const routed = invocation(9, 8, {}, call[4] as unknown[], call[5] as Record<string, unknown> | undefined);
      const frame = passThrough.encode(routed) as string;
      expect(frame.slice(-payload.length - 1)).toBe(`${payload}]`);
      const expected = kwargs === undefined ? [68, 9, 8, {}, argsRead] : [68, 9, 8, {}, argsRead, kwargsRead];
      expect(JSON.parse(frame)).toEqual(expected);
    }
  });
});
