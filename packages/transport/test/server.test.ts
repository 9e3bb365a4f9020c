import type { Socket } from 'node:net';
import { call, hello } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect } from '../src/node.js';
import { closeOf, eventually, handshake, openRaw, startServer } from './fixture.js';

describe('subprotocol negotiation', () => {
  it.each([
    ['cbor+json offered, json-only server → json', ['wamp.2.cbor', 'wamp.2.json'], [jsonSerializer], 'wamp.2.json'],
    [
      'the server preference wins over the offer order',
      ['wamp.2.json', 'wamp.2.cbor'],
      [cborSerializer, jsonSerializer],
      'wamp.2.cbor',
    ],
    ['msgpack when it is the only overlap', ['wamp.2.msgpack'], [jsonSerializer, msgpackSerializer], 'wamp.2.msgpack'],
  ])('%s', async (_name, offered, serverSide, expected) => {
    await using server = await startServer(serverSide);
    const offeredSerializers = [jsonSerializer, cborSerializer, msgpackSerializer].filter((s) =>
      offered.includes(s.subprotocol),
    );
    offeredSerializers.sort((a, b) => offered.indexOf(a.subprotocol) - offered.indexOf(b.subprotocol));
    const client = await connect(server.url, { serializers: offeredSerializers });
    const { transport } = await server.nextTransport();
    expect(client.protocol).toBe(expected);
    expect(transport.protocol).toBe(expected);
    client.close();
  });

  it('refuses a handshake with no WAMP subprotocol in common (400) before the layer above sees it', async () => {
    await using server = await startServer([jsonSerializer]);
    const refused = await handshake(server.url, 'wamp.2.cbor, mqtt');
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('wamp.2.json');
    expect((await handshake(server.url, undefined)).status).toBe(400);
    await expect(connect(server.url, { serializers: [cborSerializer] })).rejects.toThrow(/400/);
    expect(server.accepted).toBe(0);
  });

  it('answers 404 for another path', async () => {
    await using server = await startServer([jsonSerializer]);
    expect((await handshake(server.url.replace('/ws', '/other'), 'wamp.2.json')).status).toBe(404);
  });
});

describe('Origin allow-list', () => {
  it('refuses other origins with 403 and accepts listed ones and non-browser clients', async () => {
    await using server = await startServer([jsonSerializer], { allowedOrigins: ['https://app.example.com'] });
    expect((await handshake(server.url, 'wamp.2.json', 'https://evil.example.com')).status).toBe(403);
    expect((await handshake(server.url, 'wamp.2.json', 'https://app.example.com')).status).toBe(101);
    expect((await handshake(server.url, 'wamp.2.json')).status).toBe(101);
    await expect(
      connect(server.url, { serializers: [jsonSerializer], headers: { Origin: 'https://evil.example.com' } }),
    ).rejects.toThrow(/403/);
  });
});

describe('message size limit', () => {
  it('closes an oversize sender with 1009 while another connection keeps working', async () => {
    await using server = await startServer([jsonSerializer], { maxMessageBytes: 1024 });
    const big = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport: bigServerSide } = await server.nextTransport();
    const healthy = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport: healthyServerSide } = await server.nextTransport();

    const bigClosed = closeOf(big);
    const serverSawClose = closeOf(bigServerSide);
    big.send(call(1, {}, 'com.example.big', ['x'.repeat(2048)]));
    expect((await bigClosed).code).toBe(1009);
    expect((await serverSawClose).code).toBe(1009);

    const received = eventually<unknown>((resolve) => {
      healthyServerSide.onmessage = resolve;
    }, 'a message on the healthy connection');
    healthy.send(call(2, {}, 'com.example.small', [1]));
    expect(await received).toEqual([48, 2, {}, 'com.example.small', [1]]);
    healthy.close();
  });
});

describe('keepalive', () => {
  it('terminates a peer that stops answering pings; the peer sees 1006', async () => {
    await using server = await startServer([jsonSerializer], { keepalive: { intervalMs: 40, timeoutMs: 80 } });
    const silent = new WebSocket(server.url, ['wamp.2.json'], { autoPong: false });
    const clientClosed = eventually<number>((resolve) => silent.once('close', (code) => resolve(code)), 'client close');
    const { transport } = await server.nextTransport();
    const serverClosed = closeOf(transport);
    expect(await clientClosed).toBe(1006);
    expect((await serverClosed).code).toBe(1006);
  });

  it('keeps a peer that answers pings', async () => {
    await using server = await startServer([jsonSerializer], { keepalive: { intervalMs: 20, timeoutMs: 40 } });
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    // Several ping rounds pass; a message then still gets through both ways.
    const pings = eventually<void>((resolve) => {
      let count = 0;
      (client as unknown as { socket: WebSocket }).socket.on('ping', () => {
        if (++count === 4) resolve();
      });
    }, 'four pings');
    await pings;
    const received = eventually<unknown>((resolve) => {
      transport.onmessage = resolve;
    }, 'message');
    client.send(hello('realm1', { roles: { caller: {} } }));
    expect(await received).toEqual([1, 'realm1', { roles: { caller: {} } }]);
    client.close();
  });
});

describe('close codes and reasons', () => {
  it.each([
    ['the client closes with 1000', 'client', 1000, 'bye'],
    ['the server goes away with 1001', 'server', 1001, 'wamp.close.system_shutdown'],
    ['the server fails with 1011', 'server', 1011, 'internal error'],
    ['an application code', 'client', 4001, 'custom'],
  ] as const)('%s: both sides see code and reason', async (_name, closer, code, reason) => {
    await using server = await startServer([jsonSerializer]);
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    const clientClosed = closeOf(client);
    const serverClosed = closeOf(transport);
    (closer === 'client' ? client : transport).close(code, reason);
    expect(client.readyState).toBe(closer === 'client' ? 2 : 1);
    for (const event of [await clientClosed, await serverClosed]) {
      expect(event).toEqual({ code, reason, wasClean: true });
    }
    expect(client.readyState).toBe(3);
    expect(transport.readyState).toBe(3);
  });
});

describe('backpressure', () => {
  it('turns unwritable past the high-water mark while the reader stops, and drains when it resumes', async () => {
    await using server = await startServer([jsonSerializer], { highWaterMark: 64 * 1024 });
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    let received = 0;
    client.onmessage = () => {
      received++;
    };
    const tcp = (client as unknown as { socket: { _socket: Socket } }).socket._socket;
    tcp.pause();
    const payload = ['x'.repeat(16 * 1024)];
    let sent = 0;
    // One message per event-loop turn, so every write reaches the kernel (a burst in one turn is corked) until
    // the reader's and the writer's socket buffers are full. Bounded: loopback buffers hold a few MiB at most.
    while (transport.isWritable() && sent < 5_000) {
      transport.send(call(++sent, {}, 'com.example.flood', payload));
      await new Promise(setImmediate);
    }
    expect(transport.isWritable()).toBe(false);
    expect(transport.bufferedAmount).toBeGreaterThan(transport.highWaterMark);
    const drained = eventually<void>(
      (resolve) => {
        transport.ondrain = resolve;
      },
      'drain',
      10_000,
    );
    tcp.resume();
    await drained;
    expect(transport.bufferedAmount).toBeLessThanOrEqual(transport.lowWaterMark);
    expect(transport.isWritable()).toBe(true);
    await eventually<void>(
      (resolve) => {
        client.onmessage = () => {
          if (++received === sent) resolve();
        };
      },
      'every message',
      10_000,
    );
    client.close();
  });

  it("drains below the TCP socket's own 16 KiB mark too", async () => {
    await using server = await startServer([jsonSerializer], { highWaterMark: 4096, lowWaterMark: 1024 });
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    const payload = ['x'.repeat(1024)];
    for (let i = 1; i <= 8; i++) transport.send(call(i, {}, 'com.example.burst', payload));
    expect(transport.isWritable()).toBe(false);
    await eventually<void>((resolve) => {
      transport.ondrain = resolve;
    }, 'drain');
    expect(transport.bufferedAmount).toBeLessThanOrEqual(1024);
    client.close();
  });
});

describe('frames the peer gets wrong', () => {
  it('closes on invalid UTF-8 with 1007, seen by both sides, and the process goes on', async () => {
    await using server = await startServer([jsonSerializer]);
    const raw = await openRaw(server.url, ['wamp.2.json']);
    const { transport } = await server.nextTransport();
    const rawClosed = eventually<number>((resolve) => raw.once('close', (code) => resolve(code)), 'raw close');
    const serverClosed = closeOf(transport);
    raw.send(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { binary: false });
    expect(await rawClosed).toBe(1007);
    expect(await serverClosed).toMatchObject({ code: 1007, wasClean: false });
  });

  it.each([
    ['a binary frame on wamp.2.json', jsonSerializer, Buffer.from('[1,"realm1",{}]'), true],
    ['a text frame on wamp.2.cbor', cborSerializer, '[1,"realm1",{}]', false],
  ] as const)('reports %s to ondecodeerror and keeps the connection', async (_name, serializer, frame, binary) => {
    await using server = await startServer([serializer]);
    const raw = await openRaw(server.url, [serializer.subprotocol]);
    const { transport } = await server.nextTransport();
    const failed = eventually<Error>((resolve) => {
      transport.ondecodeerror = resolve;
    }, 'decode error');
    raw.send(frame, { binary });
    expect((await failed).message).toContain(serializer.subprotocol);
    const good = serializer.encode(hello('realm1', { roles: { caller: {} } }));
    const arrived = eventually<unknown>((resolve) => {
      transport.onmessage = resolve;
    }, 'a good frame');
    raw.send(good, { binary: serializer.binary });
    expect(await arrived).toEqual([1, 'realm1', { roles: { caller: {} } }]);
    raw.close();
  });
});

describe('permessage-deflate', () => {
  it.each([
    ['off by default, even when the client offers it', undefined, true, ''],
    ['negotiated when the server turns it on', true, true, 'permessage-deflate'],
    ['not negotiated when only the server turns it on', true, false, ''],
  ] as const)('is %s', async (_name, perMessageDeflate, clientOffers, extensions) => {
    await using server = await startServer(
      [jsonSerializer],
      perMessageDeflate === undefined ? {} : { perMessageDeflate },
    );
    const client = await connect(server.url, { serializers: [jsonSerializer], perMessageDeflate: clientOffers });
    const { transport } = await server.nextTransport();
    expect((client as unknown as { socket: WebSocket }).socket.extensions).toBe(extensions);
    const received = eventually<unknown>((resolve) => {
      transport.onmessage = resolve;
    }, 'a message');
    const args = ['y'.repeat(100_000)];
    client.send(call(1, {}, 'com.example.big', args));
    expect(await received).toEqual([48, 1, {}, 'com.example.big', args]);
    client.close();
  });
});
