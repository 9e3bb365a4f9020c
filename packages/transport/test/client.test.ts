import { createServer, type Server, type Socket } from 'node:net';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ConnectionError, connect } from '../src/node.js';
import { eventually, startServer } from './fixture.js';

/** A TCP server on 127.0.0.1 that accepts connections and never answers: a handshake that hangs. */
async function silentServer(): Promise<{ url: string; server: Server; nextSocket: Promise<Socket> } & AsyncDisposable> {
  const sockets: Socket[] = [];
  let first: (socket: Socket) => void = () => {};
  const nextSocket = new Promise<Socket>((resolve) => {
    first = resolve;
  });
  const server = createServer((socket) => {
    sockets.push(socket);
    first(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    server,
    nextSocket,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('Node connect', () => {
  it('rejects at once, without connecting, when the signal is already aborted', async () => {
    await using server = await startServer([jsonSerializer]);
    const reason = new Error('not any more');
    await expect(
      connect(server.url, { serializers: [jsonSerializer], signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(server.accepted).toBe(0);
  });

  it('rejects with the signal reason when aborted during the handshake, and drops the socket', async () => {
    await using silent = await silentServer();
    const controller = new AbortController();
    const connecting = connect(silent.url, { serializers: [jsonSerializer], signal: controller.signal });
    const socket = await silent.nextSocket;
    const dropped = eventually<void>((resolve) => socket.once('close', () => resolve()), 'the socket to close');
    controller.abort();
    await expect(connecting).rejects.toMatchObject({ name: 'AbortError' });
    await dropped;
  });

  it("rejects with the server's explanation when the handshake is refused", async () => {
    await using server = await startServer([jsonSerializer]);
    const refused = connect(server.url, { serializers: [cborSerializer] });
    await expect(refused).rejects.toThrow(
      `cannot connect to ${server.url}: HTTP 400 Bad Request: offer one of the WAMP subprotocols wamp.2.json in Sec-WebSocket-Protocol`,
    );
    await expect(refused).rejects.toMatchObject({ name: 'ConnectionError', code: 'http', status: 400 });
  });

  it('rejects clearly when nothing listens', async () => {
    await using silent = await silentServer();
    const url = silent.url;
    await new Promise<void>((resolve) => silent.server.close(() => resolve()));
    const refused = connect(url, { serializers: [jsonSerializer] });
    await expect(refused).rejects.toThrow(new RegExp(`^cannot connect to ${url}: connect ECONNREFUSED`));
    await expect(refused).rejects.toBeInstanceOf(ConnectionError);
    await expect(refused).rejects.toMatchObject({ code: 'network', url, cause: { code: 'ECONNREFUSED' } });
  });

  it('rejects when the server selects no subprotocol', async () => {
    // A plain ws server that ignores the offer, as a non-WAMP endpoint would.
    const plain = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    await eventually<void>((resolve) => plain.once('listening', resolve), 'listening');
    const { port } = plain.address() as { port: number };
    try {
      const refused = connect(`ws://127.0.0.1:${port}/`, { serializers: [jsonSerializer] });
      await expect(refused).rejects.toThrow('Server sent no subprotocol');
      await expect(refused).rejects.toMatchObject({ name: 'ConnectionError', code: 'handshake' });
    } finally {
      for (const client of plain.clients) client.terminate();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('offers the subprotocols in the given order', async () => {
    await using server = await startServer([jsonSerializer, cborSerializer]);
    const client = await connect(server.url, { serializers: [cborSerializer, jsonSerializer] });
    const { request } = await server.nextTransport();
    expect(request.headers['sec-websocket-protocol']).toBe('wamp.2.cbor,wamp.2.json');
    // The server's preference decides, not the offer's order.
    expect(client.protocol).toBe('wamp.2.json');
    client.close();
  });

  it('refuses to offer nothing', async () => {
    await expect(connect('ws://127.0.0.1:1/ws', { serializers: [] })).rejects.toThrow(TypeError);
  });
});
