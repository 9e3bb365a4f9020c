// The browser client on the runtime's native WebSocket (undici's; Node 20 exposes it with --experimental-websocket,
// which this project's vitest config passes). The demo suite runs the same client in Chromium.
import type { Socket } from 'node:net';
import { call } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { connect } from '../src/browser.js';
import { closeOf, eventually, startServer } from './fixture.js';

describe('browser connect', () => {
  it('rejects a refused handshake', async () => {
    await using server = await startServer([jsonSerializer]);
    await expect(connect(server.url, { serializers: [cborSerializer] })).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'network',
      message: `cannot connect to ${server.url}`,
    });
    expect(server.accepted).toBe(0);
  });

  it('rejects with the signal reason when aborted', async () => {
    await using server = await startServer([jsonSerializer]);
    const reason = new Error('changed my mind');
    await expect(
      connect(server.url, { serializers: [jsonSerializer], signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it('sends only the close codes scripts may send, with the reason cut to 123 bytes', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    const closed = closeOf(transport);
    client.close(1011, 'x'.repeat(200));
    expect(await closed).toEqual({ code: 1000, reason: 'x'.repeat(123), wasClean: true });
  });

  it('terminates with an immediate 1000 close, the nearest a browser has to an abortive close', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    const closed = closeOf(transport);
    client.terminate();
    expect(client.readyState).toBe(2);
    expect(await closed).toEqual({ code: 1000, reason: '', wasClean: true });
  });

  it('polls bufferedAmount only while above the high-water mark, and fires ondrain', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await connect(server.url, { serializers: [jsonSerializer], highWaterMark: 64 * 1024 });
    const { transport } = await server.nextTransport();
    // The server's transport is on its TCP socket itself.
    const tcp = (transport as unknown as { socket: Socket }).socket;
    tcp.pause();
    let sent = 0;
    const payload = ['x'.repeat(16 * 1024)];
    while (client.isWritable() && sent < 5_000) {
      client.send(call(++sent, {}, 'com.example.flood', payload));
      await new Promise(setImmediate);
    }
    expect(client.isWritable()).toBe(false);
    const drained = eventually<void>(
      (resolve) => {
        client.ondrain = resolve;
      },
      'drain',
      10_000,
    );
    tcp.resume();
    await drained;
    expect(client.bufferedAmount).toBeLessThanOrEqual(client.lowWaterMark);
    client.close();
  });
});
