// Hostile and broken input over raw sockets: each bad peer gets the right ABORT or close code and a log line,
// and a healthy session beside it keeps working.
import { call, ErrorUri, MessageCode, register, yieldResult } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { capturingLogger } from './support/capturing-logger.js';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

/** A raw ws client that records what it receives and how it closed. */
async function rawSocket(url: string, protocol: string) {
  const socket = new WebSocket(url, [protocol]);
  const frames: (string | Buffer)[] = [];
  socket.on('message', (data: Buffer, isBinary) => frames.push(isBinary ? data : data.toString()));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { socket, frames, closed };
}

/** A healthy callee and caller that must keep working whatever happens beside them. */
async function healthyPair(fixture: Awaited<ReturnType<typeof startRouter>>): Promise<() => Promise<void>> {
  const callee = await fixture.connect(jsonSerializer);
  const caller = await fixture.connect(msgpackSerializer);
  await callee.join();
  await caller.join();
  callee.send(register(1, {}, 'com.healthy.echo'));
  expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
  let request = 0;
  return async () => {
    caller.send(call(++request, {}, 'com.healthy.echo', [request]));
    const invocation = await callee.next();
    callee.send(yieldResult(invocation[1] as number, {}, invocation[4] as unknown[]));
    expect(await caller.next()).toEqual([MessageCode.RESULT, request, {}, [request]]);
  };
}

async function expectAbort(peer: RawPeer | { frames: (string | Buffer)[] }, reason: string): Promise<void> {
  if ('frames' in peer) {
    const [frame] = peer.frames;
    expect(JSON.parse(frame as string)[2]).toBe(reason);
  } else {
    const abort = await peer.next();
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(reason);
  }
}

describe('bad input', () => {
  it('answers a frame that is not JSON with ABORT protocol_violation and 1002, and logs it', async () => {
    const logger = capturingLogger();
    await using fixture = await startRouter({ logger });
    const stillHealthy = await healthyPair(fixture);
    const bad = await rawSocket(fixture.url, 'wamp.2.json');
    bad.socket.send('{ this is not json');
    expect(await bad.closed).toBe(1002);
    await expectAbort(bad, ErrorUri.PROTOCOL_VIOLATION);
    expect(logger.lines.some((line) => line.level === 'warn' && line.message === 'session aborted')).toBe(true);
    await stillHealthy();
  });

  it('answers truncated MessagePack the same way', async () => {
    await using fixture = await startRouter();
    const stillHealthy = await healthyPair(fixture);
    const bad = await rawSocket(fixture.url, 'wamp.2.msgpack');
    bad.socket.send(Buffer.from([0x93, 0x01]));
    expect(await bad.closed).toBe(1002);
    await stillHealthy();
  });

  it('refuses a text frame on a binary subprotocol', async () => {
    await using fixture = await startRouter();
    const bad = await rawSocket(fixture.url, 'wamp.2.cbor');
    bad.socket.send('[1, "realm1", {"roles": {"caller": {}}}]');
    expect(await bad.closed).toBe(1002);
  });

  it.each<[string, unknown]>([
    ['a JSON object instead of a list', { hello: 'realm1' }],
    ['a number', 42],
    ['an empty list', []],
    ['an unknown message code', [1000, 1]],
    ['a message before HELLO', [MessageCode.PUBLISH, 1, {}, 'com.example.topic']],
    ['a HELLO with a non-dict details', [MessageCode.HELLO, 'realm1', 'details']],
  ])('aborts %s with protocol_violation', async (_what, value) => {
    await using fixture = await startRouter();
    const stillHealthy = await healthyPair(fixture);
    const bad = await rawSocket(fixture.url, 'wamp.2.json');
    bad.socket.send(JSON.stringify(value));
    expect(await bad.closed).toBe(1002);
    await expectAbort(bad, ErrorUri.PROTOCOL_VIOLATION);
    await stillHealthy();
  });

  it('closes an oversize frame with 1009 and logs it, while the healthy pair keeps working', async () => {
    const logger = capturingLogger();
    await using fixture = await startRouter({ logger, limits: { maxMessageBytes: 4096 } });
    const stillHealthy = await healthyPair(fixture);
    const bad = await rawSocket(fixture.url, 'wamp.2.json');
    bad.socket.send(JSON.stringify([MessageCode.HELLO, 'realm1', { roles: { caller: {} }, pad: 'x'.repeat(8192) }]));
    expect(await bad.closed).toBe(1009);
    await expect
      .poll(() => logger.lines.some((line) => line.level === 'warn' && line.fields.closeCode === 1009))
      .toBe(true);
    await stillHealthy();
    expect(fixture.router.stats().sessions).toBe(2);
  });

  it('answers invalid URIs with ERROR invalid_uri and keeps the session', async () => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(jsonSerializer);
    await peer.join();
    for (const [request, uri] of [
      [1, 'com..empty'],
      [2, 'com.white space'],
      [3, 'com.#hash'],
    ] as const) {
      peer.send(register(request, {}, uri));
      const answer = await peer.next();
      expect(answer.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.REGISTER, request]);
      expect(answer[4]).toBe(ErrorUri.INVALID_URI);
    }
    expect(fixture.router.stats().sessions).toBe(1);
  });

  it('survives a flood of garbage from many connections at once', async () => {
    await using fixture = await startRouter();
    const stillHealthy = await healthyPair(fixture);
    const bad = await Promise.all(Array.from({ length: 50 }, () => rawSocket(fixture.url, 'wamp.2.json')));
    for (const [index, peer] of bad.entries()) peer.socket.send(index % 2 === 0 ? 'garbage' : '[99]');
    expect(new Set(await Promise.all(bad.map((peer) => peer.closed)))).toEqual(new Set([1002]));
    await stillHealthy();
    await expect.poll(() => fixture.router.stats().connections).toBe(2);
  });
});
