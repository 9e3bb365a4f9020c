// What the WebSocket server refuses or cuts on its own, each with a warn line, while another connection goes on.
import { call } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_PONGS } from '../src/node/keepalive.js';
import { connect, type TransportLogger } from '../src/node.js';
import { eventually, handshake, openRaw, startServer } from './fixture.js';

function warnings(): TransportLogger & { warned: string[] } {
  const warned: string[] = [];
  const ignore = () => {};
  return {
    warned,
    debug: ignore,
    info: ignore,
    warn: (_fields, message) => warned.push(message),
    error: ignore,
  };
}

/** A second connection that must keep working through whatever the first one does. */
async function bystander(server: Awaited<ReturnType<typeof startServer>>) {
  const client = await connect(server.url, { serializers: [jsonSerializer] });
  const { transport } = await server.nextTransport();
  return async () => {
    const received = eventually<unknown>((resolve) => {
      transport.onmessage = resolve;
    }, 'a message from the bystander');
    client.send(call(1, {}, 'com.example.ping'));
    expect(await received).toEqual([48, 1, {}, 'com.example.ping']);
  };
}

describe('admission', () => {
  it('an upgrade the admit hook refuses gets 503 with its reason, and never reaches onTransport', async () => {
    let refuse = false;
    await using server = await startServer([jsonSerializer], {
      admit: () => (refuse ? 'at a connection limit' : undefined),
    });
    const works = await bystander(server);
    refuse = true;
    const refused = await handshake(server.url, 'wamp.2.json');
    expect(refused).toEqual({ status: 503, body: 'at a connection limit\n' });
    expect(server.accepted).toBe(1);
    await works();
  });
});

describe('ping flood', () => {
  it('pings that outrun the pongs cut the connection once, logged at warn; a few pings are answered', async () => {
    const logger = warnings();
    await using server = await startServer([jsonSerializer], { logger });
    const works = await bystander(server);
    const polite = await openRaw(server.url, ['wamp.2.json']);
    const pong = eventually<void>((resolve) => polite.once('pong', () => resolve()), 'a pong');
    polite.ping();
    await pong;

    const flooder = await openRaw(server.url, ['wamp.2.json']);
    flooder.on('error', () => {});
    const closed = eventually<number>((resolve) => flooder.once('close', resolve), 'the flooder cut');
    for (let i = 0; i <= MAX_PENDING_PONGS * 10; i++) flooder.ping();
    expect(await closed).toBe(1006);
    expect(logger.warned.filter((line) => line.includes('a burst of pings'))).toHaveLength(1);
    await works();
    polite.terminate();
  });
});
