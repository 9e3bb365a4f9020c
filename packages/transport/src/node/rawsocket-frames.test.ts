import { describe, expect, it } from 'vitest';
import { controlFrame, FrameType, RAW_SOCKET_FRAMING, RawFrameReader, rawSocketFrame } from './rawsocket-frames.js';
import {
  handshakeOctets,
  lengthExponent,
  lengthOf,
  RawSocketError,
  readReply,
  refusal,
} from './rawsocket-handshake.js';
import type { ServerFrame } from './server-frames.js';

function bytesOf(frame: ServerFrame): Buffer {
  return 'header' in frame ? Buffer.concat([frame.header, Buffer.from(frame.payload)]) : frame;
}

/** Feeds `bytes` to a reader in chunks of `size` and records what it reports. */
function read(bytes: Buffer, size: number, maxBytes = 1 << 24): string[] {
  const seen: string[] = [];
  const reader = new RawFrameReader(
    {
      onRawMessage: (payload) => seen.push(`message ${payload.length} ${payload.subarray(0, 8).toString()}`),
      onRawPing: (payload) => seen.push(`ping ${payload.toString()}`),
      onRawPong: (payload) => seen.push(`pong ${payload.toString()}`),
      onRawError: (code, reason) => seen.push(`error ${code} ${reason}`),
    },
    maxBytes,
  );
  for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
  return seen;
}

describe('RawSocket frames', () => {
  it('prefix a message with its type and 24-bit length, big-endian', () => {
    expect([...bytesOf(rawSocketFrame('[1]'))]).toEqual([0, 0, 0, 3, 0x5b, 0x31, 0x5d]);
    expect([...bytesOf(rawSocketFrame('é'))]).toEqual([0, 0, 0, 2, 0xc3, 0xa9]);
    expect([...controlFrame(FrameType.PING, Buffer.from('hi'))]).toEqual([1, 0, 0, 2, 0x68, 0x69]);
    expect([...controlFrame(FrameType.PONG, Buffer.alloc(0))]).toEqual([2, 0, 0, 0]);
    const large = rawSocketFrame(new Uint8Array(300_000));
    expect('header' in large && [...large.header]).toEqual([0, 0x04, 0x93, 0xe0]);
  });

  it('set the 25th length bit for exactly 16 MiB, with the 24 length bits cleared, and read it back', () => {
    const payload = Buffer.alloc(1 << 24, 0x61);
    const frame = rawSocketFrame(payload);
    expect('header' in frame && [...frame.header]).toEqual([0x08, 0, 0, 0]);
    expect(read(bytesOf(frame), 1 << 20)).toEqual([`message ${1 << 24} aaaaaaaa`]);
    const justBelow = rawSocketFrame(payload.subarray(1));
    expect('header' in justBelow && [...justBelow.header]).toEqual([0, 0xff, 0xff, 0xff]);
  });

  it('write a turn of frames behind each other, as each frame alone would be', () => {
    const payloads = ['[2,1,{}]', 'é'.repeat(100), new Uint8Array([1, 2, 3])];
    const sizes = payloads.map((payload) =>
      typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength,
    );
    const joined = Buffer.alloc(sizes.reduce((sum, size) => sum + RAW_SOCKET_FRAMING.frameBytes(size), 0));
    let at = 0;
    payloads.forEach((payload, index) => {
      at = RAW_SOCKET_FRAMING.writeFrameInto(joined, at, payload, sizes[index]!);
    });
    expect(at).toBe(joined.length);
    expect(joined).toEqual(Buffer.concat(payloads.map((payload) => bytesOf(rawSocketFrame(payload)))));
  });

  it('are read whole whatever the chunks: one octet, three octets, all at once', () => {
    const stream = Buffer.concat([
      bytesOf(rawSocketFrame('[48,1,{},"a"]')),
      controlFrame(FrameType.PING, Buffer.from('p')),
      controlFrame(FrameType.PONG, Buffer.from('q')),
      bytesOf(rawSocketFrame('')),
    ]);
    const expected = ['message 13 [48,1,{}', 'ping p', 'pong q', 'message 0 '];
    for (const size of [1, 3, stream.length]) expect(read(stream, size)).toEqual(expected);
  });

  it('fail on a frame over the limit as soon as its prefix is read, and read nothing after', () => {
    const stream = Buffer.concat([Buffer.from([0, 0, 2, 1]), bytesOf(rawSocketFrame('[1]'))]);
    expect(read(stream, 4, 512)).toEqual(['error 1009 a frame over the limit of 512 bytes']);
    expect(read(bytesOf(rawSocketFrame('x'.repeat(512))), 100, 512)).toEqual(['message 512 xxxxxxxx']);
  });
});

describe('the RawSocket handshake', () => {
  it('maps message lengths to the LENGTH exponent and back', () => {
    expect(lengthExponent(16 << 20)).toBe(15);
    expect(lengthExponent(1 << 30)).toBe(15);
    expect(lengthExponent(512)).toBe(0);
    expect(lengthExponent(1)).toBe(0);
    expect(lengthExponent((1 << 20) - 1)).toBe(10);
    expect(lengthOf(0)).toBe(512);
    expect(lengthOf(15)).toBe(1 << 24);
    expect([...handshakeOctets(15, 2)]).toEqual([0x7f, 0xf2, 0, 0]);
  });

  it('reads a router reply: success with its limit, an error with its meaning, anything else as not RawSocket', () => {
    expect(readReply(handshakeOctets(4, 1), 1)).toEqual({ ok: true, maxBytes: 8192 });
    expect(readReply(refusal(RawSocketError.MAX_LENGTH_UNACCEPTABLE), 1)).toEqual({
      ok: false,
      refused: 2,
      reason: 'the router refused the handshake: maximum message length unacceptable',
    });
    expect(readReply(handshakeOctets(15, 3), 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/CBOR/) });
    expect(readReply(Buffer.from('HTTP'), 1)).toMatchObject({ ok: false, reason: expect.stringMatching(/0x48/) });
    expect(readReply(Buffer.from([0x7f, 0xf1, 1, 0]), 1)).toMatchObject({ ok: false });
  });
});
