// Clients that ask for more than they read: the router stops reading them once their outbound queue passes the
// high-water mark (TCP pushes back, nothing is lost), cuts them past limits.outboundHardLimit, and bystanders
// keep their round trip throughout.
import { call, MessageCode, register } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startRouter } from './support/fixture.js';
import { captureWarnings, collectAnswers, sampleMax, serve, tcpOf, watchPauses } from './support/flow.js';
import type { RawPeer } from './support/raw-peer.js';

const HIGH_WATER = 64 * 1024;
const PENDING = 100;

/** Milliseconds of one CALL answered by `procedure`, made by `peer`. */
async function roundTrip(peer: RawPeer, request: number, procedure: string): Promise<number> {
  const started = performance.now();
  peer.send(call(request, {}, procedure));
  const answer = await peer.next(5_000);
  expect(answer[0]).toBe(MessageCode.RESULT);
  return performance.now() - started;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('outbound backpressure', () => {
  it('stops reading a caller that floods CALLs and never reads the replies; every reply arrives once it reads', async () => {
    await using fixture = await startRouter({
      keepalive: false,
      limits: { outboundHighWater: HIGH_WATER, maxPendingCallsPerCaller: PENDING },
    });
    const callee = await fixture.connect(jsonSerializer);
    const pauses = watchPauses();
    await callee.join();
    const result = ['x'.repeat(2048)];
    await serve(callee, 'com.blob', result);
    let invocations = 0;
    const answer = callee.transport.onmessage!;
    callee.transport.onmessage = (raw, frameBytes) => {
      invocations++;
      answer(raw, frameBytes);
    };
    const bystander = await fixture.connect(jsonSerializer);
    await bystander.join();
    const attacker = await fixture.connect(jsonSerializer);
    await attacker.join();
    const answers = collectAnswers(attacker.transport);

    // 20,000 CALLs of ~30 bytes ask for 40 MiB of results; the attacker reads none of them.
    const calls = 20_000;
    tcpOf(attacker.transport).pause();
    for (let request = 1; request <= calls; request++) attacker.send(call(request, {}, 'com.blob'));
    await expect.poll(() => pauses.routerSideOf(attacker.transport), { timeout: 10_000 }).toBeDefined();
    const routerSide = pauses.routerSideOf(attacker.transport)!;
    const queue = sampleMax(() => routerSide.bufferedAmount);

    expect(await roundTrip(bystander, 1, 'com.blob')).toBeLessThan(500);
    expect(await roundTrip(bystander, 2, 'com.blob')).toBeLessThan(500);
    // Not read: most of the CALLs still wait in TCP buffers, and the queue holds the high-water mark plus at most
    // the results of the calls that were in flight when reading stopped.
    expect(invocations).toBeLessThan(calls / 2);
    expect(queue.max).toBeLessThanOrEqual(HIGH_WATER + PENDING * 2200 + 64 * 1024);

    tcpOf(attacker.transport).resume();
    await expect.poll(() => answers.size, { timeout: 30_000, interval: 20 }).toBe(calls);
    queue.stop();
    expect(queue.max).toBeLessThanOrEqual(HIGH_WATER + PENDING * 2200 + 64 * 1024);
    expect([...answers.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: calls }, (_, i) => i + 1));
    expect(attacker.closeEvent).toBeUndefined();
    expect(await roundTrip(bystander, 3, 'com.blob')).toBeLessThan(500);
  }, 60_000);

  it('stops reading a caller that floods wamp.registration.list (43 bytes in, tens of KiB out) without reading', async () => {
    await using fixture = await startRouter({
      keepalive: false,
      limits: { outboundHighWater: HIGH_WATER, maxPendingCallsPerCaller: PENDING },
    });
    // 10,000 registrations make each answer of wamp.registration.list about 48 KiB.
    const owner = fixture.local();
    await owner.join();
    const registrations = 10_000;
    for (let request = 1; request <= registrations; request++) owner.send(register(request, {}, `com.app.p${request}`));
    for (let request = 1; request <= registrations; request++) {
      expect((await owner.next())[0]).toBe(MessageCode.REGISTERED);
    }
    const bystander = await fixture.connect(jsonSerializer);
    const pauses = watchPauses();
    await bystander.join();
    bystander.send(call(1, {}, 'wamp.registration.list'));
    const answerBytes = JSON.stringify(await bystander.next()).length;
    expect(answerBytes).toBeGreaterThan(40_000);

    const attacker = await fixture.connect(jsonSerializer);
    await attacker.join();
    const answers = collectAnswers(attacker.transport);
    const calls = 3_000; // 3,000 × the answer: about 140 MiB if queued without bound
    tcpOf(attacker.transport).pause();
    for (let request = 1; request <= calls; request++) attacker.send(call(request, {}, 'wamp.registration.list'));
    await expect.poll(() => pauses.routerSideOf(attacker.transport), { timeout: 10_000 }).toBeDefined();
    const routerSide = pauses.routerSideOf(attacker.transport)!;
    const queue = sampleMax(() => routerSide.bufferedAmount);

    const started = performance.now();
    bystander.send(call(2, {}, 'wamp.session.count'));
    expect((await bystander.next())[0]).toBe(MessageCode.RESULT);
    expect(performance.now() - started).toBeLessThan(500);
    const bound = HIGH_WATER + PENDING * answerBytes + 64 * 1024;
    expect(queue.max).toBeLessThanOrEqual(bound);

    tcpOf(attacker.transport).resume();
    await expect.poll(() => answers.size, { timeout: 30_000, interval: 20 }).toBe(calls);
    queue.stop();
    expect(queue.max).toBeLessThanOrEqual(bound);
    expect(attacker.closeEvent).toBeUndefined();
  }, 60_000);

  it('still drains a paused callee, so its yields are read again and no call hangs', async () => {
    await using fixture = await startRouter({ keepalive: false, limits: { outboundHighWater: HIGH_WATER } });
    const pauses = watchPauses();
    const callee = await fixture.connect(jsonSerializer);
    await callee.join();
    await serve(callee, 'com.echo', ['done']);
    const caller = await fixture.connect(jsonSerializer);
    await caller.join();
    const answers = collectAnswers(caller.transport);

    // The callee stops reading while invocations of 64 KiB are sent to it until TCP buffers are full and its queue
    // stays past the high-water mark (the dealer then refuses whole batches); then it sends something itself, so
    // the router stops reading it too.
    tcpOf(callee.transport).pause();
    const argument = 'y'.repeat(64 * 1024);
    let calls = 0;
    for (let pendingBefore = -1; fixture.router.stats().pendingCalls !== pendingBefore; ) {
      pendingBefore = fixture.router.stats().pendingCalls;
      for (let i = 0; i < 20; i++) caller.send(call(++calls, {}, 'com.echo', [argument]));
      await expect.poll(() => answers.size + fixture.router.stats().pendingCalls, { timeout: 10_000 }).toBe(calls);
    }
    callee.send(call(1, {}, 'wamp.session.count'));
    await expect.poll(() => pauses.routerSideOf(callee.transport), { timeout: 10_000 }).toBeDefined();

    // Reading again, the callee yields each invocation; the router reads those once its queue drained.
    tcpOf(callee.transport).resume();
    await expect.poll(() => answers.size, { timeout: 20_000, interval: 20 }).toBe(calls);
    expect([...answers.values()].filter((code) => code === MessageCode.RESULT).length).toBeGreaterThan(0);
    expect(fixture.router.stats().pendingCalls).toBe(0);
  }, 40_000);

  it('disconnects a caller whose replies pile up past outboundHardLimit with 1008 and one warning', async () => {
    const { logger, warnings } = captureWarnings();
    await using fixture = await startRouter({
      keepalive: false,
      logger,
      limits: { outboundHighWater: HIGH_WATER, maxMessageBytes: 256 * 1024, outboundHardLimit: 1024 * 1024 },
    });
    const callee = await fixture.connect(jsonSerializer);
    await callee.join();
    await serve(callee, 'com.big', ['z'.repeat(200 * 1024)]);
    const bystander = await fixture.connect(jsonSerializer);
    await bystander.join();
    const attacker = await fixture.connect(jsonSerializer);
    await attacker.join();

    // 200 calls in flight at once, answered with 200 KiB each: the results are not the attacker's reads, so
    // pausing it does not stop them; the hard limit does.
    tcpOf(attacker.transport).pause();
    for (let request = 1; request <= 200; request++) attacker.send(call(request, {}, 'com.big'));
    await expect.poll(() => fixture.router.stats().sessions, { timeout: 10_000 }).toBe(2);
    expect(warnings.filter((line) => line.includes('outboundHardLimit'))).toHaveLength(1);
    expect(await roundTrip(bystander, 1, 'com.big')).toBeLessThan(500);

    tcpOf(attacker.transport).resume();
    const closed = await attacker.closed(10_000);
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('outboundHardLimit');
    expect(warnings.filter((line) => line.includes('outboundHardLimit'))).toHaveLength(1);
  }, 40_000);
});
