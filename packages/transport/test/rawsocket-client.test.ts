// The Node RawSocket client and what both ends share: serializer fallback, refusals, TLS, the Unix socket file,
// the peer's length limit, keepalive PINGs, backpressure, and closing.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { call } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { generate } from 'selfsigned';
import { describe, expect, it } from 'vitest';
import { RawSocketTransport } from '../src/node/rawsocket-transport.js';
import { ConnectionError, connect, createRawSocketServer, type Transport, UnixSocketInUseError } from '../src/node.js';
import { closeOf, eventually } from './fixture.js';
import { rawSocketTo, scratchSocketPath, startRawSocketServer, warnings } from './rawsocket-fixture.js';

function collect(transport: Transport): unknown[] {
  const received: unknown[] = [];
  transport.onmessage = (message) => received.push(message);
  return received;
}

describe('connect over RawSocket', () => {
  it('gives the client the same Transport class the server runs on', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer]);
    const client = await connect(fixture.url, { serializers: [jsonSerializer] });
    expect(client).toBeInstanceOf(RawSocketTransport);
    expect(await fixture.nextTransport()).toBeInstanceOf(RawSocketTransport);
    expect(client.peer.remoteAddress).toBe(fixture.url);
    client.close();
  });

  it('asks for the next serializer on a new connection when the router does not speak one', async () => {
    await using fixture = await startRawSocketServer([cborSerializer]);
    const client = await connect(fixture.url, { serializers: [jsonSerializer, cborSerializer] });
    expect(client.protocol).toBe('wamp.2.cbor');
    client.close();
    await expect(connect(fixture.url, { serializers: [jsonSerializer] })).rejects.toThrow(
      /speaks none of the serializers asked for \(wamp\.2\.json\)/,
    );
  });

  it('says what is wrong: no port, no path, nothing listening, an HTTP server, an abort', async () => {
    const options = { serializers: [jsonSerializer] };
    await expect(connect('rs://127.0.0.1', options)).rejects.toThrow(/names no port/);
    await expect(connect('rs+unix://', options)).rejects.toThrow(/names no socket path/);
    const refused = await connect('rs://127.0.0.1:1', options).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect(refused).toMatchObject({ code: 'network', message: expect.stringMatching(/ECONNREFUSED/) });

    const http = createHttpServer((_request, response) => response.end());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    await expect(connect(`rs://127.0.0.1:${port}`, options)).rejects.toMatchObject({
      code: 'handshake',
      message: expect.stringMatching(/not a RawSocket router \(first octet 0x48/),
    });
    http.close();

    // A server that accepts the TCP connection but never answers the handshake.
    const silent = createTcpServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const reason = new Error('gave up');
    const aborted = new AbortController();
    const attempt = connect(`rs://127.0.0.1:${(silent.address() as AddressInfo).port}`, {
      ...options,
      signal: aborted.signal,
    });
    setTimeout(() => aborted.abort(reason), 50);
    await expect(attempt).rejects.toBe(reason);
    silent.close();
  });
});

describe('RawSocket over TLS', () => {
  it('serves rss:// with the certificate, both ends sharing the tls-unique channel binding', async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    await using fixture = await startRawSocketServer(
      [jsonSerializer],
      {},
      {
        port: 0,
        tls: { cert: pems.cert, key: pems.private },
      },
    );
    expect(fixture.url).toMatch(/^rss:\/\/127\.0\.0\.1:\d+$/);
    const client = await connect(fixture.url, { serializers: [jsonSerializer], tls: { ca: pems.cert } });
    const server = await fixture.nextTransport();
    const received = collect(server);
    client.send(call(1, {}, 'com.example.secret'));
    await expect.poll(() => received).toEqual([[48, 1, {}, 'com.example.secret']]);
    expect(client.peer.tlsUnique?.length).toBeGreaterThanOrEqual(12);
    expect(Buffer.from(server.peer.tlsUnique!)).toEqual(Buffer.from(client.peer.tlsUnique!));
    await expect(connect(fixture.url, { serializers: [jsonSerializer] })).rejects.toThrow(/self-signed/);
    client.close();
  });
});

describe('RawSocket on a Unix socket', () => {
  it('replaces a socket file left by a dead process, sets the mode, and removes the file on close', async () => {
    using scratch = scratchSocketPath();
    // A process killed while listening leaves its socket file behind.
    const killed = spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(scratch.path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(killed.signal).toBe('SIGKILL');
    expect((await stat(scratch.path)).isSocket()).toBe(true);

    await using fixture = await startRawSocketServer([jsonSerializer], {}, { path: scratch.path, mode: 0o600 });
    expect(fixture.url).toBe(`rs+unix://${scratch.path}`);
    expect((await stat(scratch.path)).mode & 0o777).toBe(0o600);
    const client = await connect(fixture.url, { serializers: [jsonSerializer] });
    expect((await fixture.nextTransport()).peer.remoteAddress).toBe(`unix:${scratch.path}`);
    client.close();
    await fixture.server.close();
    await expect(stat(scratch.path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a path a live server listens on, and a file that is not a socket', async () => {
    using scratch = scratchSocketPath();
    await using live = await startRawSocketServer([jsonSerializer], {}, { path: scratch.path });
    const second = createRawSocketServer({ serializers: [jsonSerializer], onTransport() {} });
    const inUse = await second.listen({ path: scratch.path }).catch((error: unknown) => error);
    expect(inUse).toBeInstanceOf(UnixSocketInUseError);
    expect(inUse).toMatchObject({ code: 'EADDRINUSE', message: expect.stringContaining(scratch.path) });
    // The live server still serves.
    (await connect(live.url, { serializers: [jsonSerializer] })).close();

    writeFileSync(`${scratch.path}.txt`, 'keep me');
    await expect(second.listen({ path: `${scratch.path}.txt` })).rejects.toMatchObject({ code: 'EEXIST' });
    await second.close();
  });
});

describe('both ends of a RawSocket connection', () => {
  it('do not send a message over the peer’s limit: it is dropped and logged, and the connection lives on', async () => {
    const log = warnings();
    await using fixture = await startRawSocketServer([jsonSerializer], { logger: log });
    const client = await connect(fixture.url, { serializers: [jsonSerializer], maxMessageBytes: 600 });
    const server = await fixture.nextTransport();
    const received = collect(client);
    server.send(call(1, {}, 'com.example.big', ['x'.repeat(700)]));
    server.sendEncoded(JSON.stringify(call(2, {}, 'com.example.big', ['y'.repeat(700)])));
    server.send(call(3, {}, 'com.example.small'));
    await expect.poll(() => received).toEqual([[48, 3, {}, 'com.example.small']]);
    expect(log.lines.map((line) => [line.message, line.fields.peerLimit, line.fields.dropped])).toEqual([
      ['RawSocket message not sent: longer than the peer accepts', 512, 1],
      ['RawSocket message not sent: longer than the peer accepts', 512, 2],
    ]);
    client.close();
  });

  it('PING as keepalive when asked to: a client answering PONG stays, a silent peer is cut and logged', async () => {
    const log = warnings();
    await using fixture = await startRawSocketServer([jsonSerializer], {
      logger: log,
      keepalive: { intervalMs: 40, timeoutMs: 120 },
    });
    const client = await connect(fixture.url, { serializers: [jsonSerializer] });
    await fixture.nextTransport();
    const silent = await rawSocketTo(fixture.url);
    silent.socket.write(Buffer.from([0x7f, 0xf1, 0, 0]));
    await silent.ended;
    // The silent peer got the handshake reply and PINGs (type 1, empty), and nothing answered them.
    expect([...silent.received().subarray(4, 8)]).toEqual([1, 0, 0, 0]);
    expect(log.lines.map((line) => line.message)).toEqual(['connection cut: no pong within the keepalive timeout']);
    expect(client.readyState).toBe(1);
    const answered = client.bytesRead!;
    await expect.poll(() => client.bytesRead! > answered + 8).toBe(true);
    expect(client.readyState).toBe(1);
    client.close();
  });

  it('push back: a paused reader holds every frame, the sender stops being writable and drains once read', async () => {
    await using fixture = await startRawSocketServer([jsonSerializer], { highWaterMark: 64 * 1024 });
    const client = await connect(fixture.url, { serializers: [jsonSerializer] });
    const server = await fixture.nextTransport();
    const received = collect(client);
    client.pauseReading!();
    const drained = eventually<void>((resolve) => {
      server.ondrain = resolve;
    }, 'drain');
    const payload = 'z'.repeat(16 * 1024);
    let sent = 0;
    while (server.isWritable() && sent < 10_000) server.send(call(++sent, {}, 'com.example.flood', [payload]));
    expect(server.isWritable()).toBe(false);
    // Filled the kernel's buffers and the socket's queue; nothing reached the paused handler.
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([]);
    client.resumeReading!();
    await drained;
    await expect.poll(() => received.length, { timeout: 5_000 }).toBe(sent);
    expect((received as unknown[][]).every((message, index) => message[1] === index + 1)).toBe(true);
    client.close();
  });

  it('end with the server: close() ends every connection, whose clients see it end cleanly (1005)', async () => {
    const fixture = await startRawSocketServer([jsonSerializer]);
    const clients = await Promise.all([1, 2].map(() => connect(fixture.url, { serializers: [jsonSerializer] })));
    const closed = clients.map(closeOf);
    await fixture.nextTransport();
    await fixture.nextTransport();
    await fixture.server.close();
    expect(await Promise.all(closed)).toEqual([
      { code: 1005, reason: '', wasClean: true },
      { code: 1005, reason: '', wasClean: true },
    ]);
    expect(fixture.server.connectionCount).toBe(0);
  });
});
