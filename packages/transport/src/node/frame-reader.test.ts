import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FrameReader, type FrameSink } from './frame-reader.js';

type Event =
  | ['message', string | Buffer]
  | ['ping', Buffer]
  | ['pong']
  | ['close', number, string]
  | ['error', number, string];

/** A sink that records every event, and a reader on it. */
function recording(maxMessageBytes = 1 << 20): { reader: FrameReader; events: Event[]; sink: FrameSink } {
  const events: Event[] = [];
  const sink: FrameSink = {
    onFrameMessage: (message) => events.push(['message', typeof message === 'string' ? message : Buffer.from(message)]),
    onFramePing: (payload) => events.push(['ping', Buffer.from(payload)]),
    onFramePong: () => events.push(['pong']),
    onFrameClose: (code, reason) => events.push(['close', code, reason]),
    onFrameError: (code, reason) => events.push(['error', code, reason]),
  };
  return { reader: new FrameReader(sink, maxMessageBytes), events, sink };
}

interface FrameShape {
  fin?: boolean;
  rsv?: number;
  masked?: boolean;
  /** Overrides the length written in the header. */
  declaredLength?: number;
}

/** A client frame as RFC 6455 §5.2 lays it out, masked with a random key unless told otherwise. */
function frame(opcode: number, payload: Uint8Array | string, shape: FrameShape = {}): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const length = shape.declaredLength ?? body.length;
  const masked = shape.masked ?? true;
  const extended = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const header = Buffer.alloc(2 + extended + (masked ? 4 : 0));
  header[0] = ((shape.fin ?? true) ? 0x80 : 0) | ((shape.rsv ?? 0) << 4) | opcode;
  header[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) header.writeUInt16BE(length, 2);
  if (extended === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (!masked) return Buffer.concat([header, body]);
  const mask = randomBytes(4);
  mask.copy(header, 2 + extended);
  const maskedBody = Buffer.from(body.map((byte, i) => byte ^ mask[i & 3]!));
  return Buffer.concat([header, maskedBody]);
}

const text = (payload: string, shape?: FrameShape) => frame(0x1, payload, shape);
const binary = (payload: Uint8Array, shape?: FrameShape) => frame(0x2, payload, shape);

function closePayload(code: number, reason: Uint8Array | string = ''): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return Buffer.concat([payload, typeof reason === 'string' ? Buffer.from(reason) : reason]);
}

describe('FrameReader', () => {
  it('reads text and binary messages of every length class, in order', () => {
    const { reader, events } = recording();
    const sizes = [0, 1, 125, 126, 65535, 65536, 70_000];
    const stream = Buffer.concat(
      sizes.flatMap((size) => [text('é'.repeat(size >> 1) + (size & 1 ? 'x' : '')), binary(randomBytes(size))]),
    );
    reader.push(stream);
    expect(events.map((event) => event[0])).toEqual(sizes.flatMap(() => ['message', 'message']));
    sizes.forEach((size, i) => {
      expect(Buffer.byteLength(events[2 * i]![1] as string)).toBe(size);
      expect((events[2 * i + 1]![1] as Buffer).length).toBe(size);
    });
  });

  it('reads the same frames however the socket cuts them: byte by byte, and at random places', () => {
    const frames = [
      text('[1,"realm1",{}]'),
      frame(0x9, 'are you there'),
      binary(randomBytes(300)),
      text('a', { fin: false }),
      frame(0x0, 'b', { fin: false }),
      frame(0xa, ''),
      frame(0x0, 'c'),
      binary(randomBytes(70_000)),
      frame(0x8, closePayload(1000, 'done')),
    ];
    const stream = Buffer.concat(frames);
    const whole = recording();
    whole.reader.push(Buffer.from(stream));
    expect(whole.events.map((event) => event[0])).toEqual([
      'message',
      'ping',
      'message',
      'pong',
      'message',
      'message',
      'close',
    ]);
    expect(whole.events[4]).toEqual(['message', 'abc']);
    expect(whole.events[6]).toEqual(['close', 1000, 'done']);

    // Large buffers compare by digest: deep equality over 70 KB, 50 times over, would take seconds.
    const digest = (events: Event[]) =>
      events.map((event) =>
        event.map((part) => (Buffer.isBuffer(part) ? createHash('sha1').update(part).digest('hex') : part)),
      );
    const expected = digest(whole.events);

    const byteByByte = recording();
    const copy = Buffer.from(stream);
    for (let i = 0; i < copy.length; i++) byteByByte.reader.push(copy.subarray(i, i + 1));
    expect(digest(byteByByte.events)).toEqual(expected);

    for (let round = 0; round < 50; round++) {
      const cut = recording();
      const bytes = Buffer.from(stream);
      for (let at = 0; at < bytes.length; ) {
        const next = Math.min(bytes.length, at + 1 + Math.floor(Math.random() * 9000));
        cut.reader.push(bytes.subarray(at, next));
        at = next;
      }
      expect(digest(cut.events)).toEqual(expected);
    }
  });

  it('hands a control frame over between the fragments of a message', () => {
    const { reader, events } = recording();
    reader.push(
      Buffer.concat([binary(Buffer.from([1, 2]), { fin: false }), frame(0x9, 'p'), frame(0x0, Buffer.from([3]))]),
    );
    expect(events).toEqual([
      ['ping', Buffer.from('p')],
      ['message', Buffer.from([1, 2, 3])],
    ]);
  });

  it('delivers text that holds U+FFFD itself, and a frame under an all-zero mask', () => {
    const { reader, events } = recording();
    const unmasked = text('ok \uFFFD');
    // A mask of zeros leaves the payload as it is.
    const zeroMasked = Buffer.concat([Buffer.from([0x81, 0x82, 0, 0, 0, 0]), Buffer.from('hi')]);
    reader.push(Buffer.concat([unmasked, zeroMasked]));
    expect(events).toEqual([
      ['message', 'ok \uFFFD'],
      ['message', 'hi'],
    ]);
  });

  it.each([
    ['an unmasked client frame', text('x', { masked: false }), 1002, /masked/],
    ['RSV1 without an extension', text('x', { rsv: 4 }), 1002, /RSV/],
    ['RSV3', text('x', { rsv: 1 }), 1002, /RSV/],
    ['a reserved data opcode', frame(0x3, 'x'), 1002, /opcode 3/],
    ['a reserved control opcode', frame(0xb, 'x'), 1002, /opcode 11/],
    ['a continuation with nothing to continue', frame(0x0, 'x'), 1002, /continuation/],
    ['a fragmented ping', frame(0x9, 'x', { fin: false }), 1002, /fragmented/],
    ['a ping of 126 bytes', frame(0x9, 'x'.repeat(126)), 1002, /125/],
    ['a close frame of one byte', frame(0x8, Buffer.from([3])), 1002, /one byte/],
    ['close code 1005', frame(0x8, closePayload(1005)), 1002, /1005/],
    ['close code 999', frame(0x8, closePayload(999)), 1002, /999/],
    ['close code 2000', frame(0x8, closePayload(2000)), 1002, /2000/],
    ['a close reason that is not UTF-8', frame(0x8, closePayload(1000, Buffer.from([0xc3]))), 1007, /UTF-8/],
    ['a message over the limit', binary(Buffer.alloc(1025)), 1009, /1024/],
    ['a 64-bit length past 2^53', binary(Buffer.alloc(0), { declaredLength: 2 ** 60 }), 1009, /1024/],
  ])('fails on %s', (_name, bytes, code, reason) => {
    const { reader, events } = recording(1024);
    reader.push(Buffer.concat([bytes, text('never read')]));
    expect(events).toEqual([['error', code, expect.stringMatching(reason)]]);
  });

  it.each([
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut short', [0x61, 0xe2, 0x82]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
  ])('fails a text message with %s with 1007', (_name, bytes) => {
    const { reader, events } = recording();
    reader.push(frame(0x1, Buffer.from(bytes)));
    expect(events).toEqual([['error', 1007, expect.stringMatching(/UTF-8/)]]);
  });

  it('refuses an oversize frame from its header alone, before any of its payload arrived', () => {
    const { reader, events } = recording(1024);
    reader.push(binary(Buffer.alloc(0), { declaredLength: 1 << 20 }));
    expect(events).toEqual([['error', 1009, expect.any(String)]]);
  });

  it('counts the limit over all fragments of a message', () => {
    const { reader, events } = recording(1024);
    reader.push(Buffer.concat([binary(Buffer.alloc(600), { fin: false }), frame(0x0, Buffer.alloc(600))]));
    expect(events).toEqual([['error', 1009, expect.any(String)]]);
  });

  it('fails a new message that starts inside a fragmented one', () => {
    const { reader, events } = recording();
    reader.push(Buffer.concat([text('a', { fin: false }), text('b')]));
    expect(events).toEqual([['error', 1002, expect.stringMatching(/fragmented/)]]);
  });

  it('reports a close frame without a code as 1005 and reads nothing after a close', () => {
    const { reader, events } = recording();
    reader.push(Buffer.concat([frame(0x8, ''), text('after')]));
    reader.push(text('later'));
    expect(events).toEqual([['close', 1005, '']]);
  });

  it('holds the frames after a pause and hands them over in order on resume', () => {
    const { reader, events, sink } = recording();
    const deliver = sink.onFrameMessage;
    sink.onFrameMessage = (message, bytes) => {
      deliver(message, bytes);
      if (message === 'first') reader.pause();
    };
    reader.push(Buffer.concat([text('first'), text('second'), text('thi', { fin: false })]));
    expect(events).toEqual([['message', 'first']]);
    reader.push(frame(0x0, 'rd'));
    expect(events).toEqual([['message', 'first']]);
    reader.resume();
    expect(events).toEqual([
      ['message', 'first'],
      ['message', 'second'],
      ['message', 'third'],
    ]);
  });

  it('reads on when a handler pauses and resumes at once', () => {
    const { reader, events, sink } = recording();
    const deliver = sink.onFrameMessage;
    sink.onFrameMessage = (message, bytes) => {
      deliver(message, bytes);
      reader.pause();
      reader.resume();
    };
    reader.push(Buffer.concat([text('a'), text('b'), text('c')]));
    expect(events.map((event) => event[1])).toEqual(['a', 'b', 'c']);
  });

  it('reads nothing once stopped', () => {
    const { reader, events } = recording();
    const half = text('x'.repeat(200));
    reader.push(half.subarray(0, 100));
    reader.stop();
    reader.push(half.subarray(100));
    expect(events).toEqual([]);
  });
});
