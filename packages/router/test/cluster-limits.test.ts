// Messages too big for the cluster's NATS (its max_payload, 1 MiB by default) between router nodes on a real
// nats-server: the sender gets ERROR wamp.error.invalid_argument saying what to raise, nothing throws, nobody
// else gets a part of it, and bystanders' calls and events go on.
import { call, ErrorUri, type Message, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/index.js';
import { type RouterFixture, startRouter } from './support/fixture.js';
import { type NatsServer, startNatsServer } from './support/nats-server.js';
import type { RawPeer } from './support/raw-peer.js';

/** Over nats-server's default max_payload (1 MiB), well under the router's default maxMessageBytes (16 MiB). */
const TOO_BIG = 'x'.repeat(1_100_000);

let nats: NatsServer;

beforeAll(async () => {
  nats = await startNatsServer();
});

afterAll(async () => {
  await nats[Symbol.asyncDispose]();
});

/** A logger that keeps the messages of its warnings. */
function warnings(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const ignore = () => undefined;
  const log: Logger & { lines: string[] } = {
    lines,
    debug: ignore,
    info: ignore,
    warn: (_fields, message) => lines.push(message),
    error: ignore,
    child: () => log,
  };
  return log;
}

/** Two nodes of one cluster for `realm`, with default limits. */
async function twoNodes(realm: string, logger: Logger): Promise<RouterFixture[]> {
  return Promise.all(
    [1, 2].map((i) =>
      startRouter({ realms: [realm], logger, cluster: { nats: { servers: nats.url, name: `${realm}-${i}` } } }),
    ),
  );
}

async function joined(node: RouterFixture, realm: string): Promise<RawPeer> {
  const peer = await node.connect(jsonSerializer);
  await peer.join(realm);
  return peer;
}

async function expectNext(peer: RawPeer, code: MessageCode): Promise<Message> {
  const message = await peer.next(5_000);
  expect(message[0], JSON.stringify(message).slice(0, 300)).toBe(code);
  return message;
}

/** Makes `peer` answer every INVOCATION with what `answer` makes of its arguments. */
function serve(peer: RawPeer, answer: (args: unknown[]) => unknown[]): void {
  peer.transport.onmessage = (raw) => {
    const message = raw as Message;
    if (message[0] === MessageCode.INVOCATION) {
      peer.send(yieldResult(message[1], {}, answer((message[4] as unknown[]) ?? [])));
    }
  };
}

describe('messages too big for NATS between nodes', () => {
  it('answer a call whose input or result is too big with invalid_argument; small calls go on', async () => {
    const log = warnings();
    const [a, b] = await twoNodes('big-rpc', log);
    try {
      const callee = await joined(a!, 'big-rpc');
      callee.send(register(1, {}, 'com.files.put'));
      await expectNext(callee, MessageCode.REGISTERED);
      callee.send(register(2, {}, 'com.files.get'));
      await expectNext(callee, MessageCode.REGISTERED);
      serve(callee, (args) => (args[0] === 'big' ? [TOO_BIG] : [args.length]));
      const caller = await joined(b!, 'big-rpc');
      const bystander = await joined(b!, 'big-rpc');
      // The registrations reach node b through the registry; a small call says when.
      await expect
        .poll(async () => {
          caller.send(call(3, {}, 'com.files.put', ['small']));
          return (await caller.next(5_000))[0];
        })
        .toBe(MessageCode.RESULT);

      caller.send(call(4, {}, 'com.files.put', [TOO_BIG]));
      const refused = await expectNext(caller, MessageCode.ERROR);
      expect(refused.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 4, {}, ErrorUri.INVALID_ARGUMENT]);
      expect(String((refused[5] as unknown[])[0])).toMatch(/the call is \d+ bytes .*max_payload of 1048576.*raise/);

      caller.send(call(5, {}, 'com.files.get', ['big']));
      const tooBigResult = await expectNext(caller, MessageCode.ERROR);
      expect(tooBigResult[4]).toBe(ErrorUri.INVALID_ARGUMENT);
      expect(String((tooBigResult[5] as unknown[])[0])).toContain('the result is');

      bystander.send(call(6, {}, 'com.files.put', [1, 2]));
      expect(await bystander.next(5_000)).toEqual([MessageCode.RESULT, 6, {}, [2]]);
      caller.send(call(7, {}, 'com.files.put', [TOO_BIG]));
      expect((await expectNext(caller, MessageCode.ERROR))[4]).toBe(ErrorUri.INVALID_ARGUMENT);
      // Once per node: b for the calls' input, a for the result.
      expect(log.lines.filter((line) => line.includes('max_payload'))).toHaveLength(2);
    } finally {
      await Promise.all([a!, b!].map((node) => node[Symbol.asyncDispose]()));
    }
  });

  it('refuse a publication too big for the other nodes before anyone gets it; small ones go on', async () => {
    const [a, b] = await twoNodes('big-pubsub', warnings());
    try {
      const remote = await joined(a!, 'big-pubsub');
      remote.send(subscribe(1, {}, 'com.files.chunk'));
      await expectNext(remote, MessageCode.SUBSCRIBED);
      const local = await joined(b!, 'big-pubsub');
      local.send(subscribe(2, {}, 'com.files.chunk'));
      await expectNext(local, MessageCode.SUBSCRIBED);
      const publisher = await joined(b!, 'big-pubsub');

      publisher.send(publish(3, { acknowledge: true }, 'com.files.chunk', [TOO_BIG]));
      const refused = await expectNext(publisher, MessageCode.ERROR);
      expect(refused.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.PUBLISH, 3, {}, ErrorUri.INVALID_ARGUMENT]);
      expect(String((refused[5] as unknown[])[0])).toContain('the publication to com.files.chunk is');

      publisher.send(publish(4, { acknowledge: true }, 'com.files.chunk', ['small']));
      await expectNext(publisher, MessageCode.PUBLISHED);
      // Each subscriber's next event is the small one: neither got the refused publication.
      expect((await expectNext(local, MessageCode.EVENT))[4]).toEqual(['small']);
      expect((await expectNext(remote, MessageCode.EVENT))[4]).toEqual(['small']);
    } finally {
      await Promise.all([a!, b!].map((node) => node[Symbol.asyncDispose]()));
    }
  });
});
