import { call, ErrorUri, error, MessageCode, register, unregister, yieldResult } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';
import { SERIALIZERS } from './support/serializers.js';

async function registerProcedure(peer: RawPeer, procedure: string, request = 1): Promise<number> {
  peer.send(register(request, {}, procedure));
  const answer = await peer.next();
  expect(answer[0]).toBe(MessageCode.REGISTERED);
  return answer[2] as number;
}

describe.each(SERIALIZERS)('dealer over %s', (_name, serializer) => {
  it('routes CALL → INVOCATION → YIELD → RESULT with args and kwargs', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    await callee.join();
    const registrationId = await registerProcedure(callee, 'com.example.add');
    const caller = await fixture.connect(serializer);
    await caller.join();

    caller.send(call(41, {}, 'com.example.add', [2, 3], { precision: 'exact' }));
    const invocation = await callee.next();
    expect(invocation).toEqual([
      MessageCode.INVOCATION,
      invocation[1],
      registrationId,
      {},
      [2, 3],
      { precision: 'exact' },
    ]);
    callee.send(yieldResult(invocation[1] as number, {}, [5], { note: 'ok' }));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 41, {}, [5], { note: 'ok' }]);
    expect(fixture.router.stats().pendingCalls).toBe(0);
  });

  it('numbers INVOCATION requests per callee, from 1', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    await callee.join();
    await registerProcedure(callee, 'com.example.seq');
    const caller = await fixture.connect(serializer);
    await caller.join();
    caller.send(call(10, {}, 'com.example.seq'));
    caller.send(call(11, {}, 'com.example.seq'));
    expect((await callee.next())[1]).toBe(1);
    expect((await callee.next())[1]).toBe(2);
  });

  it('routes a callee ERROR back to the caller with its URI, args and kwargs', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    await callee.join();
    await registerProcedure(callee, 'com.example.fail');
    const caller = await fixture.connect(serializer);
    await caller.join();
    caller.send(call(5, {}, 'com.example.fail', [1]));
    const invocation = await callee.next();
    callee.send(
      error(MessageCode.INVOCATION, invocation[1] as number, {}, 'com.example.error.bad', ['why'], { code: 7 }),
    );
    expect(await caller.next()).toEqual([
      MessageCode.ERROR,
      MessageCode.CALL,
      5,
      {},
      'com.example.error.bad',
      ['why'],
      { code: 7 },
    ]);
  });

  it('answers no_such_procedure, and invalid_uri for a malformed procedure', async () => {
    await using fixture = await startRouter();
    const caller = await fixture.connect(serializer);
    await caller.join();
    caller.send(call(1, {}, 'com.example.missing'));
    expect(await caller.next()).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.NO_SUCH_PROCEDURE]);
    caller.send(call(2, {}, 'com..missing'));
    expect(await caller.next()).toEqual([MessageCode.ERROR, MessageCode.CALL, 2, {}, ErrorUri.INVALID_URI]);
  });

  it('refuses a second registration of a procedure with procedure_already_exists', async () => {
    await using fixture = await startRouter();
    const first = await fixture.connect(serializer);
    const second = await fixture.connect(serializer);
    await first.join();
    await second.join();
    await registerProcedure(first, 'com.example.once');
    second.send(register(1, {}, 'com.example.once'));
    expect(await second.next()).toEqual([
      MessageCode.ERROR,
      MessageCode.REGISTER,
      1,
      {},
      ErrorUri.PROCEDURE_ALREADY_EXISTS,
    ]);
  });

  it.each([
    ['an empty component', 'com..proc'],
    ['the reserved wamp. prefix', 'wamp.session.count'],
  ])('refuses to register a procedure with %s as invalid_uri', async (_what, procedure) => {
    await using fixture = await startRouter();
    const peer = await fixture.connect(serializer);
    await peer.join();
    peer.send(register(1, {}, procedure));
    const answer = await peer.next();
    expect(answer.slice(0, 3)).toEqual([MessageCode.ERROR, MessageCode.REGISTER, 1]);
    expect(answer[4]).toBe(ErrorUri.INVALID_URI);
  });

  it('unregisters, and answers no_such_registration for a registration the session does not hold', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    const other = await fixture.connect(serializer);
    await callee.join();
    await other.join();
    const registrationId = await registerProcedure(callee, 'com.example.temp');
    other.send(unregister(1, registrationId));
    expect(await other.next()).toEqual([
      MessageCode.ERROR,
      MessageCode.UNREGISTER,
      1,
      {},
      ErrorUri.NO_SUCH_REGISTRATION,
    ]);
    callee.send(unregister(2, registrationId));
    expect(await callee.next()).toEqual([MessageCode.UNREGISTERED, 2]);
    expect(fixture.router.stats().registrations).toBe(0);
    other.send(call(2, {}, 'com.example.temp'));
    expect((await other.next())[4]).toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });

  it('fails pending calls with canceled and removes registrations when the callee disconnects', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    await callee.join();
    await registerProcedure(callee, 'com.example.slow');
    const caller = await fixture.connect(serializer);
    await caller.join();
    caller.send(call(3, {}, 'com.example.slow'));
    await callee.next();
    callee.transport.terminate();
    const answer = await caller.next();
    expect(answer.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 3, {}, ErrorUri.CANCELED]);
    expect(fixture.router.stats()).toMatchObject({ registrations: 0, pendingCalls: 0 });
  });

  it('forgets the calls of a caller that disconnects, interrupting callees that support canceling', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    await callee.join('realm1', { callee: { features: { call_canceling: true } } });
    await registerProcedure(callee, 'com.example.slow');
    const caller = await fixture.connect(serializer);
    await caller.join();
    caller.send(call(3, {}, 'com.example.slow'));
    const invocation = await callee.next();
    caller.transport.terminate();
    const interrupt = await callee.next();
    expect(interrupt[0]).toBe(MessageCode.INTERRUPT);
    expect(interrupt[1]).toBe(invocation[1]);
    expect(fixture.router.stats().pendingCalls).toBe(0);
    // A late YIELD for the forgotten call is dropped quietly; the callee stays connected.
    callee.send(yieldResult(invocation[1] as number, {}, [1]));
    callee.send(call(1, {}, 'com.example.slow'));
    expect((await callee.next())[0]).toBe(MessageCode.INVOCATION);
  });

  it('aborts a caller that reuses the request ID of a call in flight', async () => {
    await using fixture = await startRouter();
    const callee = await fixture.connect(serializer);
    await callee.join();
    await registerProcedure(callee, 'com.example.slow');
    const caller = await fixture.connect(serializer);
    await caller.join();
    caller.send(call(9, {}, 'com.example.slow'));
    caller.send(call(9, {}, 'com.example.slow'));
    const abort = await caller.next();
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.PROTOCOL_VIOLATION);
  });
});
