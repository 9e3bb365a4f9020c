import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { FrameCache, type ServerFrame, serverFrame, webSocketFraming, writeFrameInto } from './server-frames.js';

/** The frame ws itself would send for `payload` from a server (unmasked, final, uncompressed). */
function wsFrame(payload: string | Uint8Array, binary: boolean): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  // ws exports its Sender (untyped by @types/ws); `frame` is what its own send path uses.
  const { Sender } = ws as unknown as { Sender: { frame(data: Uint8Array, options: object): Uint8Array[] } };
  const parts = Sender.frame(data, { fin: true, opcode: binary ? 2 : 1, mask: false, readOnly: true, rsv1: false });
  return Buffer.concat(parts);
}

function bytesOf(frame: ServerFrame): Buffer {
  return 'header' in frame ? Buffer.concat([frame.header, Buffer.from(frame.payload)]) : frame;
}

describe('serverFrame', () => {
  // Each length class of the header: 7-bit, 16-bit and 64-bit lengths, at their edges, and past the copy limit.
  it.each([0, 1, 125, 126, 65_535, 65_536, 70_000, 300_000])('frames %i bytes as ws does', (length) => {
    const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
    expect(bytesOf(serverFrame(text, false))).toEqual(wsFrame(text, false));
    const bytes = Uint8Array.from({ length }, (_, index) => index % 251);
    expect(bytesOf(serverFrame(bytes, true))).toEqual(wsFrame(bytes, true));
  });

  it.each([
    ['binary', new Uint8Array(100_000)],
    ['text', 'x'.repeat(100_000)],
  ])('writes a large %s payload after its header instead of copying it', (kind, payload) => {
    const frame = serverFrame(payload, kind === 'binary');
    expect('header' in frame && frame.payload).toBe(payload);
  });
});

describe('FrameCache', () => {
  it('frames a payload once when it is sent again, for every later send, until another payload or a clear', () => {
    const cache = new FrameCache(webSocketFraming(false));
    expect(cache.repeatedFrame('[36,1,2,{}]')).toBeNull();
    const first = cache.repeatedFrame('[36,1,2,{}]');
    expect(bytesOf(first!)).toEqual(wsFrame('[36,1,2,{}]', false));
    expect(cache.repeatedFrame('[36,1,2,{}]')).toBe(first);
    expect(cache.repeatedFrame('[36,1,3,{}]')).toBeNull();
    expect(bytesOf(cache.repeatedFrame('[36,1,3,{}]')!)).toEqual(wsFrame('[36,1,3,{}]', false));
    cache.clear();
    expect(cache.repeatedFrame('[36,1,3,{}]')).toBeNull();
  });
});

describe('writeFrameInto', () => {
  it('writes the frames of one turn behind each other, each as ws frames it', () => {
    const payloads: [string | Uint8Array, boolean][] = [
      ['[2,1,{}]', false],
      ['é'.repeat(200), false],
      [Uint8Array.from({ length: 70_000 }, (_, index) => index % 7), true],
    ];
    const sizes = payloads.map(([payload]) =>
      typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength,
    );
    const joined = Buffer.alloc(sizes.reduce((sum, size) => sum + size + 10, 0));
    let at = 0;
    payloads.forEach(([payload, binary], index) => {
      at = writeFrameInto(joined, at, payload, sizes[index]!, binary);
    });
    expect(joined.subarray(0, at)).toEqual(
      Buffer.concat(payloads.map(([payload, binary]) => wsFrame(payload, binary))),
    );
  });
});
