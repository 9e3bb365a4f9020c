// RPC across router nodes that meet on a real nats-server with JetStream: a procedure registered on one node is
// callable from every node, with the registration rules, invocation policies, pattern precedence, progressive
// results and input, cancellation and timeouts of one node.
import { connect as natsConnect } from '@nats-io/transport-node';
import { call, cancel, ErrorUri, type Message, MessageCode, register, yieldResult } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeOfSession } from '../src/cluster/node-numbers.js';
import type { RouterOptions } from '../src/index.js';
import { grantEverything, type RouterFixture, startRouter } from './support/fixture.js';
import { type NatsServer, startNatsServer } from './support/nats-server.js';
import type { RawPeer } from './support/raw-peer.js';

let nats: NatsServer;

beforeAll(async () => {
  nats = await startNatsServer();
});

afterAll(async () => {
  await nats[Symbol.asyncDispose]();
});

/** `count` router nodes of one cluster; each test uses its own realm, so that registrations never collide. */
async function startNodes(
  count: number,
  realm: string,
  options: RouterOptions = {},
): Promise<RouterFixture[] & AsyncDisposable> {
  const nodes = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startRouter({
        ...options,
        realms: [realm],
        cluster: { nats: { servers: nats.url, name: `${realm}-node-${i + 1}` } },
      }),
    ),
  );
  return Object.assign(nodes, {
    async [Symbol.asyncDispose]() {
      await Promise.all(nodes.map((node) => node[Symbol.asyncDispose]()));
    },
  });
}

const CALLEE_ROLES = {
  caller: { features: { progressive_call_results: true, call_canceling: true, caller_identification: true } },
  callee: {
    features: {
      progressive_call_results: true,
      progressive_call_invocations: true,
      call_canceling: true,
      caller_identification: true,
      shared_registration: true,
      pattern_based_registration: true,
    },
  },
};

async function joined(node: RouterFixture, realm: string): Promise<RawPeer> {
  const peer = await node.connect(jsonSerializer);
  await peer.join(realm, CALLEE_ROLES);
  return peer;
}

async function registered(peer: RawPeer, request: number, procedure: string, options = {}): Promise<number> {
  peer.send(register(request, options, procedure));
  const answer = await peer.next(5_000);
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.REGISTERED);
  return answer[2] as number;
}

/** Makes `peer` answer every INVOCATION with its name and the arguments. */
function serve(peer: RawPeer, name: string): Message[] {
  const invocations: Message[] = [];
  peer.transport.onmessage = (raw) => {
    const message = raw as Message;
    if (message[0] !== MessageCode.INVOCATION) return;
    invocations.push(message);
    peer.send(yieldResult(message[1], {}, [name, ...((message[4] as unknown[]) ?? [])]));
  };
  return invocations;
}

async function answer(peer: RawPeer, request: number, procedure: string, args: unknown[] = [], options = {}) {
  peer.send(call(request, options, procedure, args));
  return peer.next(5_000);
}

describe('RPC across nodes', () => {
  it('calls a procedure registered on another node, with the caller disclosed when asked', async () => {
    await using nodes = await startNodes(3, 'rpc1');
    const [a, b, c] = nodes as unknown as RouterFixture[];
    const callee = await joined(a!, 'rpc1');
    const registration = await registered(callee, 1, 'com.app.add');
    const invocations = serve(callee, 'a');
    const fromB = await joined(b!, 'rpc1');
    const fromC = await joined(c!, 'rpc1');
    expect(await answer(fromB, 1, 'com.app.add', [1, 2])).toEqual([MessageCode.RESULT, 1, {}, ['a', 1, 2]]);
    expect(await answer(fromC, 7, 'com.app.add', [3], { disclose_me: true })).toEqual([
      MessageCode.RESULT,
      7,
      {},
      ['a', 3],
    ]);
    expect(invocations[0]![2]).toBe(registration);
    expect(invocations[1]![3]).toMatchObject({ caller: fromC.sessionId });
    expect(await answer(fromB, 2, 'com.app.missing')).toEqual([
      MessageCode.ERROR,
      MessageCode.CALL,
      2,
      {},
      ErrorUri.NO_SUCH_PROCEDURE,
    ]);
  });

  it('hands out session IDs that carry their node’s number, so no two nodes give out the same one', async () => {
    await using nodes = await startNodes(3, 'rpc0');
    const numbers = [];
    for (const node of nodes) {
      const sessions = await Promise.all([joined(node, 'rpc0'), joined(node, 'rpc0')]);
      const [first, second] = sessions.map((peer) => nodeOfSession(peer.sessionId));
      expect(first).toBe(second);
      numbers.push(first);
    }
    expect(new Set(numbers).size).toBe(3);
  });

  it('keeps a single registration single across the cluster, even when nodes race for it', async () => {
    await using nodes = await startNodes(3, 'rpc2');
    const peers = await Promise.all(nodes.map((node) => joined(node, 'rpc2')));
    for (const peer of peers) peer.send(register(1, {}, 'com.app.only'));
    const answers = await Promise.all(peers.map((peer) => peer.next(5_000)));
    expect(answers.filter((message) => message[0] === MessageCode.REGISTERED)).toHaveLength(1);
    const refused = answers.filter((message) => message[0] === MessageCode.ERROR);
    expect(refused.map((message) => message[4])).toEqual([
      ErrorUri.PROCEDURE_ALREADY_EXISTS,
      ErrorUri.PROCEDURE_ALREADY_EXISTS,
    ]);
  });

  it('shares a registration across nodes: roundrobin, first and last by cluster-wide order, random over all', async () => {
    await using nodes = await startNodes(3, 'rpc3');
    const [a, b, c] = nodes as unknown as RouterFixture[];
    const onA = await joined(a!, 'rpc3');
    const onB = await joined(b!, 'rpc3');
    for (const [index, invoke] of (['roundrobin', 'first', 'last', 'random'] as const).entries()) {
      const first = await registered(onA, 10 + index, `com.app.${invoke}`, { invoke });
      expect(await registered(onB, 10 + index, `com.app.${invoke}`, { invoke })).toBe(first);
    }
    serve(onA, 'a');
    serve(onB, 'b');
    const caller = await joined(c!, 'rpc3');
    const served = async (procedure: string, count: number) => {
      const names: unknown[] = [];
      for (let i = 1; i <= count; i++) names.push(((await answer(caller, i, procedure))[3] as unknown[])[0]);
      return names;
    };
    expect(await served('com.app.roundrobin', 4)).toEqual(['a', 'b', 'a', 'b']);
    expect(await served('com.app.first', 2)).toEqual(['a', 'a']);
    expect(await served('com.app.last', 2)).toEqual(['b', 'b']);
    // Random picks among the callees of both nodes: 40 calls all on one side would be a 2^-39 chance.
    expect(new Set(await served('com.app.random', 40))).toEqual(new Set(['a', 'b']));
    // A mismatched policy is refused cluster-wide.
    onB.transport.onmessage = null;
    const mismatch = await joined(b!, 'rpc3');
    mismatch.send(register(1, { invoke: 'random' }, 'com.app.first'));
    expect((await mismatch.next(5_000))[4]).toBe(ErrorUri.PROCEDURE_ALREADY_EXISTS);
  });

  it('routes by the pattern precedence of the whole cluster: exact, then longest prefix, then wildcard', async () => {
    await using nodes = await startNodes(3, 'rpc4');
    const [a, b, c] = nodes as unknown as RouterFixture[];
    const exact = await joined(a!, 'rpc4');
    const prefix = await joined(b!, 'rpc4');
    const wildcard = await joined(c!, 'rpc4');
    await registered(exact, 1, 'com.app.user.get');
    await registered(prefix, 1, 'com.app.user.', { match: 'prefix' });
    await registered(wildcard, 1, 'com.app..get', { match: 'wildcard' });
    serve(exact, 'exact');
    const viaPrefix = serve(prefix, 'prefix');
    serve(wildcard, 'wildcard');
    const caller = await joined(a!, 'rpc4');
    const who = async (request: number, procedure: string) =>
      ((await answer(caller, request, procedure))[3] as unknown[])[0];
    expect(await who(1, 'com.app.user.get')).toBe('exact');
    expect(await who(2, 'com.app.user.delete')).toBe('prefix');
    expect(await who(3, 'com.app.order.get')).toBe('wildcard');
    expect(viaPrefix[0]![3]).toMatchObject({ procedure: 'com.app.user.delete' });
  });

  it('streams progressive results and progressive input across nodes', async () => {
    await using nodes = await startNodes(2, 'rpc5');
    const [a, b] = nodes as unknown as RouterFixture[];
    const callee = await joined(a!, 'rpc5');
    await registered(callee, 1, 'com.app.stream');
    const inputs: unknown[] = [];
    callee.transport.onmessage = (raw) => {
      const message = raw as Message;
      if (message[0] !== MessageCode.INVOCATION) return;
      inputs.push((message[4] as unknown[])[0]);
      if ((message[3] as { progress?: boolean }).progress === true) {
        callee.send(yieldResult(message[1], { progress: true }, [`got ${(message[4] as unknown[])[0]}`]));
      } else {
        callee.send(yieldResult(message[1], {}, ['done', inputs.length]));
      }
    };
    const caller = await joined(b!, 'rpc5');
    caller.send(call(1, { progress: true, receive_progress: true }, 'com.app.stream', [1]));
    caller.send(call(1, { progress: true, receive_progress: true }, 'com.app.stream', [2]));
    caller.send(call(1, { receive_progress: true }, 'com.app.stream', [3]));
    const results = [await caller.next(5_000), await caller.next(5_000), await caller.next(5_000)];
    expect(results).toEqual([
      [MessageCode.RESULT, 1, { progress: true }, ['got 1']],
      [MessageCode.RESULT, 1, { progress: true }, ['got 2']],
      [MessageCode.RESULT, 1, {}, ['done', 3]],
    ]);
    expect(inputs).toEqual([1, 2, 3]);
  });

  it.each(['skip', 'kill', 'killnowait'] as const)('cancels across nodes in %s mode', async (mode) => {
    await using nodes = await startNodes(2, `rpc6${mode}`);
    const [a, b] = nodes as unknown as RouterFixture[];
    const callee = await joined(a!, `rpc6${mode}`);
    await registered(callee, 1, 'com.app.slow');
    const caller = await joined(b!, `rpc6${mode}`);
    caller.send(call(1, {}, 'com.app.slow'));
    const invocation = await callee.next(5_000);
    expect(invocation[0]).toBe(MessageCode.INVOCATION);
    caller.send(cancel(1, { mode }));
    if (mode === 'skip') {
      expect(await caller.next(5_000)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.CANCELED]);
      return;
    }
    const interrupted = await callee.next(5_000);
    expect(interrupted).toEqual([MessageCode.INTERRUPT, invocation[1], { mode, reason: ErrorUri.CANCELED }]);
    if (mode === 'kill') {
      // The callee's own answer ends the call.
      callee.send([MessageCode.ERROR, MessageCode.INVOCATION, invocation[1], {}, ErrorUri.CANCELED, ['stopped']]);
      expect(await caller.next(5_000)).toEqual([
        MessageCode.ERROR,
        MessageCode.CALL,
        1,
        {},
        ErrorUri.CANCELED,
        ['stopped'],
      ]);
    } else {
      expect(await caller.next(5_000)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.CANCELED]);
    }
  });

  it("times out a call on the caller's node and interrupts the callee on the other", async () => {
    await using nodes = await startNodes(2, 'rpc7');
    const [a, b] = nodes as unknown as RouterFixture[];
    const callee = await joined(a!, 'rpc7');
    await registered(callee, 1, 'com.app.slow');
    const caller = await joined(b!, 'rpc7');
    caller.send(call(1, { timeout: 100 }, 'com.app.slow'));
    const invocation = await callee.next(5_000);
    expect(await caller.next(5_000)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.TIMEOUT]);
    expect(await callee.next(5_000)).toEqual([
      MessageCode.INTERRUPT,
      invocation[1],
      { mode: 'killnowait', reason: ErrorUri.TIMEOUT },
    ]);
  });

  it('fails calls in flight with wamp.error.canceled when the callee leaves, and forgets its registration', async () => {
    await using nodes = await startNodes(2, 'rpc8');
    const [a, b] = nodes as unknown as RouterFixture[];
    const callee = await joined(a!, 'rpc8');
    await registered(callee, 1, 'com.app.slow');
    const caller = await joined(b!, 'rpc8');
    caller.send(call(1, {}, 'com.app.slow'));
    expect((await callee.next(5_000))[0]).toBe(MessageCode.INVOCATION);
    callee.transport.terminate();
    const failed = await caller.next(5_000);
    expect(failed.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.CANCELED]);
    await expect
      .poll(async () => (await answer(caller, 2, 'com.app.slow'))[4], { timeout: 5_000 })
      .toBe(ErrorUri.NO_SUCH_PROCEDURE);
    // The name is free again, cluster-wide.
    const again = await joined(b!, 'rpc8');
    await registered(again, 1, 'com.app.slow');
  });

  it('drops malformed call messages from NATS with a log line, and goes on serving calls', async () => {
    await using nodes = await startNodes(2, 'rpc9');
    const [a, b] = nodes as unknown as RouterFixture[];
    const callee = await joined(a!, 'rpc9');
    await registered(callee, 1, 'com.app.add');
    serve(callee, 'a');
    const intruder = await natsConnect({ servers: nats.url });
    try {
      for (const node of ['rpc9-node-1', 'rpc9-node-2']) {
        intruder.publish(`wamp.node.${node}`, new Uint8Array([0xff, 0x01]));
        intruder.publish(`wamp.node.${node}`, new TextEncoder().encode('{"kind":"invoke"}'));
      }
      await intruder.flush();
    } finally {
      await intruder.close();
    }
    const caller = await joined(b!, 'rpc9');
    expect(await answer(caller, 1, 'com.app.add', [5])).toEqual([MessageCode.RESULT, 1, {}, ['a', 5]]);
  });

  it('revokes a callee of another node through wamp.registration.remove', async () => {
    await using nodes = await startNodes(2, 'rpc10', { auth: grantEverything('rpc10') });
    const [a, b] = nodes as unknown as RouterFixture[];
    const callee = await a!.connect(jsonSerializer);
    await callee.join('rpc10', { callee: { features: { registration_revocation: true } } });
    const registration = await registered(callee, 1, 'com.app.revocable');
    const admin = await joined(b!, 'rpc10');
    expect(await answer(admin, 1, 'wamp.registration.remove', [registration], {})).toEqual([
      MessageCode.RESULT,
      1,
      {},
      [[callee.sessionId]],
    ]);
    expect(await callee.next(5_000)).toEqual([MessageCode.UNREGISTERED, 0, { registration }]);
    await expect
      .poll(async () => (await answer(admin, 2, 'com.app.revocable'))[4], { timeout: 5_000 })
      .toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });

  it('gives a node that joins later the registrations made before it', async () => {
    await using early = await startNodes(1, 'rpc11');
    const callee = await joined(early[0]!, 'rpc11');
    await registered(callee, 1, 'com.app.before');
    serve(callee, 'early');
    await using late = await startRouter({
      realms: ['rpc11'],
      cluster: { nats: { servers: nats.url, name: 'rpc11-late' } },
    });
    const caller = await joined(late, 'rpc11');
    expect(await answer(caller, 1, 'com.app.before', [1])).toEqual([MessageCode.RESULT, 1, {}, ['early', 1]]);
  });
});
