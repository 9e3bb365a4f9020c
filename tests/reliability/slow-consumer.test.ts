// One subscriber stops reading while 200 MiB of events are published: the router's memory stays bounded by the
// outbound high-water mark (the drop policy applies to the slow one), and the others get every event in order.
import { readFileSync } from 'node:fs';
import { MessageCode, publish, subscribe } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { startRouterProcess } from '../support/router-process.js';
import { Wire } from '../support/wire.js';

const HIGH_WATER = 4 * 1024 * 1024;
const EVENT_BYTES = 64 * 1024;
const TOTAL_BYTES = Number(process.env.SLOW_CONSUMER_MIB ?? 200) * 1024 * 1024;
const BATCH = 32;

function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

describe('slow consumer', () => {
  it('keeps the router bounded while one subscriber stops reading', { timeout: 120_000 }, async () => {
    await using router = await startRouterProcess({
      keepalive: false,
      limits: { outboundHighWater: HIGH_WATER, slowConsumer: 'drop' },
    });
    const fast = await Promise.all([Wire.open(router.url, jsonSerializer), Wire.open(router.url, jsonSerializer)]);
    const slow = await Wire.open(router.url, jsonSerializer);
    const publisher = await Wire.open(router.url, jsonSerializer);
    for (const wire of [...fast, slow, publisher]) await wire.join();
    for (const wire of [...fast, slow]) await wire.expect(subscribe(1, {}, 'com.flood'), MessageCode.SUBSCRIBED);

    // Fast subscribers check order and count as events arrive.
    const received = [0, 0];
    let outOfOrder = 0;
    fast.forEach((wire, index) => {
      wire.transport.onmessage = (raw) => {
        const message = raw as unknown[];
        if (message[0] !== MessageCode.EVENT) return;
        const sequence = (message[4] as number[])[0]!;
        if (sequence !== received[index]! + 1) outOfOrder++;
        received[index] = sequence;
      };
    });
    // The slow one stops reading at the TCP level.
    (slow.transport as unknown as { socket: { _socket: import('node:net').Socket } }).socket._socket.pause();

    const pid = router.child.pid!;
    const before = (await router.report(true)).rss;
    let peak = before;
    const payload = 'x'.repeat(EVENT_BYTES);
    const total = Math.ceil(TOTAL_BYTES / EVENT_BYTES);
    for (let sent = 0; sent < total; ) {
      for (let i = 0; i < BATCH && sent < total; i++) publisher.send(publish(++sent, {}, 'com.flood', [sent, payload]));
      // Stay at most one batch ahead of the fast subscribers (they read at full rate).
      await expect
        .poll(() => Math.min(...received), { timeout: 10_000, interval: 5 })
        .toBeGreaterThanOrEqual(sent - BATCH);
      peak = Math.max(peak, rssOf(pid));
    }
    await expect.poll(() => Math.min(...received), { timeout: 10_000, interval: 5 }).toBe(total);
    const { stats } = await router.report();
    const growth = peak - before;
    console.info(
      `slow consumer: ${total} events (${(TOTAL_BYTES / 2 ** 20).toFixed(0)} MiB) published; router RSS +${(growth / 2 ** 20).toFixed(1)} MiB at peak; ${stats.droppedEvents} events dropped for the slow subscriber`,
    );
    expect(outOfOrder).toBe(0);
    expect(received).toEqual([total, total]);
    expect(stats.droppedEvents).toBeGreaterThan(0);
    // RSS moves with the GC's own heuristics (runs measured +49 to +54 MiB); 64 MiB of slack stays far below the
    // 200 MiB an unbounded queue for the slow subscriber would hold.
    expect(growth).toBeLessThanOrEqual(HIGH_WATER + 64 * 1024 * 1024);
    for (const wire of [...fast, slow, publisher]) wire.transport.terminate();
  });
});
