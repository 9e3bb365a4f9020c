// Thousands of sessions join, register, subscribe, call and drop abruptly (no GOODBYE), against a router in its
// own process. Afterwards every table is empty and the router's heap is back within 5 MiB of where it started.
import { call, MessageCode, register, subscribe, yieldResult } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { startRouterProcess } from '../support/router-process.js';
import { Wire } from '../support/wire.js';

const LIFECYCLES = Number(process.env.CHURN_LIFECYCLES ?? 10_000);
const CONCURRENCY = 50;
const HEAP_MARGIN = 5 * 1024 * 1024;

describe('churn', () => {
  it(`${LIFECYCLES} session lifecycles leave every table empty and the heap where it was`, {
    timeout: 120_000,
  }, async () => {
    await using router = await startRouterProcess({ keepalive: false });

    // A long-lived callee that answers on the next tick, so some calls are still in flight when callers drop.
    const callee = await Wire.open(router.url, jsonSerializer);
    await callee.join();
    await callee.expect(register(1, {}, 'com.churn.stable'), MessageCode.REGISTERED);
    callee.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.INVOCATION)
        setImmediate(() => callee.send(yieldResult(message[1] as number, {}, ['ok'])));
    };

    // Warm up (JIT, pools), then take the baseline.
    const lifecycle = async (index: number) => {
      const wire = await Wire.open(router.url, jsonSerializer);
      await wire.join();
      await wire.expect(register(1, {}, `com.churn.proc${index}`), MessageCode.REGISTERED);
      await wire.expect(subscribe(2, {}, 'com.churn.topic'), MessageCode.SUBSCRIBED);
      if (index % 3 === 0) {
        wire.send(call(3, {}, 'com.churn.stable', [index])); // dropped with the call in flight
      } else {
        await wire.expect(call(3, {}, 'com.churn.stable', [index]), MessageCode.RESULT);
      }
      wire.transport.terminate();
    };
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < count) await lifecycle(next++);
        }),
      );
    };
    await run(500);
    await expect.poll(async () => (await router.report()).stats.connections, { timeout: 10_000 }).toBe(1);
    const before = await router.report(true);

    const started = Date.now();
    await run(LIFECYCLES);
    const seconds = (Date.now() - started) / 1000;
    await expect.poll(async () => (await router.report()).stats.connections, { timeout: 10_000 }).toBe(1);

    const after = await router.report(true);
    // Only the long-lived callee remains.
    expect(after.stats).toEqual({
      connections: 1,
      sessions: 1,
      subscriptions: 0,
      registrations: 1,
      pendingCalls: 0,
      droppedEvents: 0,
      cluster: null,
    });
    const growth = after.heapUsed - before.heapUsed;
    console.info(
      `churn: ${LIFECYCLES} lifecycles in ${seconds.toFixed(1)} s (${Math.round(LIFECYCLES / seconds)}/s); heap ${(before.heapUsed / 2 ** 20).toFixed(1)} → ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(growth).toBeLessThan(HEAP_MARGIN);
    callee.transport.close();
  });
});
