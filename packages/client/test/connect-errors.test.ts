// What a failed connect rejects with, against a real router (or no router) over real sockets on 127.0.0.1:
// the router's ABORT with its explanation, or one of the client's documented error types, never a plain Error.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ConnectionClosedError, ConnectionError, RawSession, Session } from '../src/index.js';
import { startRouter } from './fixture.js';

/** A port on 127.0.0.1 that nobody listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('a failed Session.connect', () => {
  it("rejects with the router's ABORT as a WampError whose message carries the router's explanation", async () => {
    await using fixture = await startRouter(jsonSerializer);
    const explained = {
      name: 'WampError',
      uri: 'wamp.error.no_such_realm',
      message: 'wamp.error.no_such_realm: no realm named "realm2" exists on this router',
    };
    await expect(fixture.session({ realm: 'realm2' })).rejects.toMatchObject(explained);
    await expect(RawSession.open({ url: fixture.url, realm: 'realm2', reconnect: false })).rejects.toMatchObject(
      explained,
    );
  });

  it('rejects with a network ConnectionError, the system error as cause, when nothing listens', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}/ws`;
    const connecting = Session.connect({ url, realm: 'realm1', reconnect: false });
    await expect(connecting).rejects.toBeInstanceOf(ConnectionError);
    await expect(connecting).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'network',
      url,
      message: expect.stringMatching(/^cannot connect to ws:\/\/127\.0\.0\.1:\d+\/ws: connect ECONNREFUSED/),
      cause: { code: 'ECONNREFUSED' },
    });
    await expect(RawSession.open({ url, realm: 'realm1', reconnect: false })).rejects.toBeInstanceOf(ConnectionError);
  });

  it('rejects with a network ConnectionError when the host name does not resolve', async () => {
    // `.invalid` never resolves (RFC 6761); offline, the lookup fails as well, with another code.
    const url = 'ws://wamp-router.invalid/ws';
    await expect(Session.connect({ url, realm: 'realm1', reconnect: false })).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'network',
      cause: { code: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/) },
    });
  });

  it('rejects with an http ConnectionError, status and explanation, when the router refuses the upgrade', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const wrongPath = fixture.url.replace(/\/ws$/, '/nope');
    await expect(Session.connect({ url: wrongPath, realm: 'realm1', reconnect: false })).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'http',
      status: 404,
      message: `cannot connect to ${wrongPath}: HTTP 404 Not Found: no WebSocket endpoint at /nope`,
    });
  });

  it('rejects with an http ConnectionError when the router speaks none of the offered serializers', async () => {
    await using fixture = await startRouter(jsonSerializer, 0, { serializers: ['cbor'] });
    await expect(fixture.session()).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'http',
      status: 400,
      message: expect.stringContaining('offer one of the WAMP subprotocols wamp.2.cbor'),
    });
  });

  it('rejects with a handshake ConnectionError when a WebSocket server chooses no WAMP subprotocol', async () => {
    const plain = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    await once(plain, 'listening');
    const { port } = plain.address() as { port: number };
    try {
      await expect(
        Session.connect({ url: `ws://127.0.0.1:${port}/`, realm: 'realm1', reconnect: false }),
      ).rejects.toMatchObject({ name: 'ConnectionError', code: 'handshake', message: /Server sent no subprotocol/ });
    } finally {
      for (const client of plain.clients) client.terminate();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('rejects with ConnectionClosedError when the connection closes before WELCOME', async () => {
    await using fixture = await startRouter(jsonSerializer, 0, {
      auth: { realm1: { ticket: { alice: { role: 'user', ticket: 'open sesame' } } } },
    });
    let challenged: () => void = () => {};
    const challenge = new Promise<void>((resolve) => {
      challenged = resolve;
    });
    const onChallenge = () => {
      challenged();
      return new Promise<string>(() => {}); // the answer never comes: the router goes away mid-handshake
    };
    const connecting = fixture.session({ auth: { authid: 'alice', authmethods: ['ticket'], onChallenge } });
    const failure = connecting.then(
      () => null,
      (error: unknown) => error,
    );
    await challenge;
    await fixture.router.close();
    const error = await failure;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ code: 1001, message: /^the connection closed during the handshake/ });
  });
});
