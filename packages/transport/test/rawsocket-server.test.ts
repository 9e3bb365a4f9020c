// The router's side of RawSocket over real sockets, spoken to byte by byte: the handshake and its error replies,
// frames, PING/PONG, and every kind of bad input, each refused as the spec says, logged, and harmless to others.
import { call, hello } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { describe, expect, it } from 'vitest';
import { connect, createRawSocketServer, type Transport } from '../src/node.js';
import { closeOf, eventually } from './fixture.js';
import { rawSocketTo, startRawSocketServer, warnings } from './rawsocket-fixture.js';

/** A frame: the 4-octet prefix (type, length) and the payload. */
function frame(type: number, payload: Buffer | string): Buffer {
  const body = Buffer.from(payload);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(((type << 24) | body.length) >>> 0);
  return Buffer.concat([prefix, body]);
}

const JSON_16M = Buffer.from([0x7f, 0xf1, 0, 0]);

/** Resolves with the next message `transport` hands over. */
function nextMessage(transport: Transport): Promise<unknown> {
  return eventually((resolve) => {
    transport.onmessage = resolve;
  }, 'a message');
}

/** Proves the server still serves: a fresh client's CALL arrives. */
async function stillServes(url: string, fixture: { nextTransport(): Promise<Transport> }): Promise<void> {
  const client = await connect(url, { serializers: [jsonSerializer] });
  const transport = await fixture.nextTransport();
  const arrived = nextMessage(transport);
  client.send(call(1, {}, 'com.example.alive'));
  expect(await arrived).toEqual([48, 1, {}, 'com.example.alive']);
  client.close();
}

describe('the RawSocket handshake, router side', () => {
  it('echoes the serializer and announces its own length limit: 1 MiB is exponent 11', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer, msgpackSerializer], { maxMessageBytes: 1 << 20 });
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write(Buffer.from([0x7f, 0xf2, 0, 0]));
    await expect.poll(() => peer.received().length).toBe(4);
    expect([...peer.received()]).toEqual([0x7f, 0xb2, 0, 0]);
    const transport = await fixture.nextTransport();
    expect(transport.protocol).toBe('wamp.2.msgpack');
    peer.socket.destroy();
  });

  it('announces the largest power of two at or below maxMessageBytes, 512 bytes at the least', async () => {
    await using small = await startRawSocketServer([jsonSerializer], { maxMessageBytes: 100 });
    await using odd = await startRawSocketServer([jsonSerializer], { maxMessageBytes: 1_000_000 });
    for (const [fixture, octet] of [
      [small, 0x01],
      [odd, 0xa1],
    ] as const) {
      const peer = await rawSocketTo(fixture.url);
      peer.socket.write(JSON_16M);
      await expect.poll(() => [...peer.received()]).toEqual([0x7f, octet, 0, 0]);
      peer.socket.destroy();
    }
  });

  it('takes a handshake that arrives one octet at a time, and a HELLO sent right behind it', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer]);
    const peer = await rawSocketTo(fixture.url);
    for (const octet of JSON_16M) {
      peer.socket.write(Buffer.from([octet]));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const transport = await fixture.nextTransport();
    const arrived = nextMessage(transport);
    peer.socket.write(frame(0, JSON.stringify(hello('realm1', { roles: {} }))));
    expect(await arrived).toEqual([1, 'realm1', { roles: {} }]);

    peer.socket.destroy();
  });

  it('hands a HELLO sent in the same write as the handshake over once onTransport has set the handlers', async () => {
    let arrived: (message: unknown) => void = () => {};
    const message = new Promise<unknown>((resolve) => {
      arrived = resolve;
    });
    const server = createRawSocketServer({
      serializers: [jsonSerializer],
      onTransport(transport) {
        transport.onmessage = arrived;
      },
    });
    const { url } = await server.listen({ port: 0 });
    const pipelined = await rawSocketTo(url);
    pipelined.socket.write(Buffer.concat([JSON_16M, frame(0, '[1,"realm2",{"roles":{}}]')]));
    expect(await message).toEqual([1, 'realm2', { roles: {} }]);
    pipelined.socket.destroy();
    await server.close();
  });

  it.each([
    ['UBJSON (4), which it does not speak', [0x7f, 0xf4, 0, 0], [0x7f, 0x10, 0, 0], 'asked for UBJSON'],
    ['the illegal serializer 0', [0x7f, 0xf0, 0, 0], [0x7f, 0x10, 0, 0], 'illegal serializer 0'],
    ['CBOR, which this router was not given', [0x7f, 0xf3, 0, 0], [0x7f, 0x10, 0, 0], 'speaks JSON'],
    ['reserved octets in use', [0x7f, 0xf1, 0, 1], [0x7f, 0x30, 0, 0], 'reserved'],
  ])('answers %s with its error reply, logs it, and closes', async (_what, request, reply, logged) => {
    const log = warnings();
    await using fixture = await startRawSocketServer([jsonSerializer], { logger: log });
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write(Buffer.from(request));
    await peer.ended;
    expect([...peer.received()]).toEqual(reply);
    expect(log.lines).toEqual([
      {
        fields: expect.objectContaining({ error: expect.stringContaining(logged) }),
        message: 'RawSocket handshake refused',
      },
    ]);
    await stillServes(fixture.url, fixture);
  });

  it('fails a connection whose first octet is not 0x7F (an HTTP request) at once, with no reply', async () => {
    const log = warnings();
    await using fixture = await startRawSocketServer([jsonSerializer], { logger: log });
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write('GET /ws HTTP/1.1\r\nHost: x\r\n\r\n');
    await peer.ended;
    expect(peer.received().length).toBe(0);
    expect(log.lines[0]!.fields.error).toMatch(/first octet 0x47, not 0x7f/);
    await stillServes(fixture.url, fixture);
  });

  it('cuts a handshake trickling in one octet at a time after handshakeTimeoutMs, and logs it', async () => {
    const log = warnings();
    await using fixture = await startRawSocketServer([jsonSerializer], { logger: log, handshakeTimeoutMs: 300 });
    const peer = await rawSocketTo(fixture.url);
    const started = Date.now();
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < 4 && !peer.socket.destroyed) peer.socket.write(Buffer.from([JSON_16M[sent++]!]));
    }, 120);
    await peer.ended;
    clearInterval(trickle);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sent).toBeLessThan(4);
    expect(peer.received().length).toBe(0);
    expect(log.lines.map((line) => line.message)).toEqual(['connection cut: no RawSocket handshake in time']);
    await stillServes(fixture.url, fixture);
  });

  it('answers a connection admit refuses with error 4, maximum connection count reached', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer], { admit: () => 'full' });
    const peer = await rawSocketTo(fixture.url);
    await peer.ended;
    expect([...peer.received()]).toEqual([0x7f, 0x40, 0, 0]);
    await expect(connect(fixture.url, { serializers: [jsonSerializer] })).rejects.toThrow(
      /refused the handshake: maximum connection count reached/,
    );
  });
});

describe('RawSocket frames, router side', () => {
  it('answers a PING with one PONG carrying the same payload, at once', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer]);
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write(JSON_16M);
    await fixture.nextTransport();
    peer.socket.write(frame(1, 'are you there?'));
    const pong = frame(2, 'are you there?');
    await expect.poll(() => peer.received().subarray(4)).toEqual(pong);
    peer.socket.write(frame(1, ''));
    await expect.poll(() => peer.received().subarray(4)).toEqual(Buffer.concat([pong, frame(2, '')]));
    peer.socket.destroy();
  });

  it.each([
    ['a reserved frame type (3)', frame(3, 'x'), 1002, 'reserved type 3'],
    ['a reserved bit set', Buffer.from([0x10, 0, 0, 1, 0x5b]), 1002, 'reserved bits'],
    ['the 25th length bit with a length beside it', Buffer.from([0x08, 0, 0, 1, 0x5b]), 1002, '25th length bit'],
    ['a frame longer than the 512 bytes announced', frame(0, 'x'.repeat(513)), 1009, 'over the limit of 512'],
  ])('fails the connection on %s: closed, logged, the others unharmed', async (_what, bad, code, logged) => {
    const log = warnings();
    await using fixture = await startRawSocketServer([jsonSerializer], { logger: log, maxMessageBytes: 512 });
    const bystander = await connect(fixture.url, { serializers: [jsonSerializer] });
    const bystanderEnd = await fixture.nextTransport();
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write(JSON_16M);
    const transport = await fixture.nextTransport();
    const closed = closeOf(transport);
    transport.onmessage = () => {
      throw new Error('nothing of a broken frame may be delivered');
    };
    peer.socket.write(bad);
    expect(await closed).toEqual({ code, reason: expect.stringContaining(logged), wasClean: false });
    await peer.ended;
    expect(log.lines.map((line) => line.message)).toEqual(['RawSocket protocol error, closing the connection']);
    const arrived = nextMessage(bystanderEnd);
    bystander.send(call(2, {}, 'com.example.fine'));
    expect(await arrived).toEqual([48, 2, {}, 'com.example.fine']);
    bystander.close();
  });

  it('fails a connection that ends in the middle of a frame, and logs it', async () => {
    const log = warnings();
    await using fixture = await startRawSocketServer([jsonSerializer], { logger: log });
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write(JSON_16M);
    const transport = await fixture.nextTransport();
    const closed = closeOf(transport);
    peer.socket.end(frame(0, '[48,1,{},"com.example.cut"]').subarray(0, 12));
    expect(await closed).toMatchObject({
      code: 1002,
      reason: 'the peer ended the connection in the middle of a frame',
    });
    expect(log.lines).toHaveLength(1);
    await stillServes(fixture.url, fixture);
  });

  it('hands a JSON message that is not UTF-8, or does not decode, to ondecodeerror and reads on', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer, cborSerializer]);
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write(JSON_16M);
    const transport = await fixture.nextTransport();
    const errors: string[] = [];
    transport.ondecodeerror = (error) => errors.push(error.message);
    const arrived = nextMessage(transport);
    peer.socket.write(frame(0, Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d])));
    peer.socket.write(frame(0, '[48, 1, {'));
    peer.socket.write(frame(0, '[48,3,{},"com.example.after"]'));
    expect(await arrived).toEqual([48, 3, {}, 'com.example.after']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe('a JSON message that is not valid UTF-8');
    peer.socket.destroy();
  });

  it('counts every byte on the wire, handshake and prefixes included, from the socket', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer]);
    const peer = await rawSocketTo(fixture.url);
    peer.socket.write(JSON_16M);
    const transport = await fixture.nextTransport();
    const arrived = nextMessage(transport);
    const message = '[48,1,{},"com.example.count"]';
    peer.socket.write(frame(0, message));
    await arrived;
    expect(transport.bytesRead).toBe(4 + 4 + message.length);
    transport.send(call(2, {}, 'a.b'));
    const sent = `${JSON.stringify(call(2, {}, 'a.b'))}`;
    await expect.poll(() => transport.bytesWritten).toBe(4 + 4 + sent.length);
    peer.socket.destroy();
  });
});
