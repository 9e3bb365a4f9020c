// What the router allocates per publication: an exact-topic publish to 10 subscribers costs the decode of the
// PUBLISH and the one EVENT encoding shared by every subscriber, and nothing per subscriber. Measured as the
// router process's heap growth over 30,000 publications with a young generation large enough that no garbage
// collection runs between the two readings (so the growth is the bytes allocated), once with 1 subscriber and once
// with 10: the difference is what each extra subscriber costs. (More publications would cross V8's trigger for
// off-heap buffers, the frames written, and a collection would spoil the reading.)
import { MessageCode, publish, subscribe } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { startRouterProcess } from '../support/router-process.js';
import { Wire } from '../support/wire.js';

const PUBLICATIONS = 30_000;
const WARM_UP = 20_000;
const BATCH = 200;
// 512 MiB of semi-space: the publications fit without a scavenge even at 2 KiB each.
const NODE_FLAGS = ['--max-semi-space-size=512', '--min-semi-space-size=512'];

/** Bytes the router allocates per publication with `subscriberCount` subscribers on one exact topic. */
async function bytesPerPublication(subscriberCount: number): Promise<number> {
  await using router = await startRouterProcess({ keepalive: false }, NODE_FLAGS);
  const subscribers = await Promise.all(
    Array.from({ length: subscriberCount }, () => Wire.open(router.url, jsonSerializer)),
  );
  const publisher = await Wire.open(router.url, jsonSerializer);
  for (const wire of [...subscribers, publisher]) await wire.join();
  for (const wire of subscribers) await wire.expect(subscribe(1, {}, 'com.alloc'), MessageCode.SUBSCRIBED);

  // Every subscriber counts the events it got; the publisher sends a batch once the slowest has the last one.
  const received = new Array<number>(subscriberCount).fill(0);
  let caughtUp: (() => void) | null = null;
  let sent = 0;
  subscribers.forEach((wire, index) => {
    wire.transport.onmessage = (raw) => {
      if ((raw as unknown[])[0] !== MessageCode.EVENT || ++received[index]! !== sent) return;
      if (received.every((count) => count === sent)) caughtUp?.();
    };
  });
  const args = [1, 'twenty-two bytes of data'];
  const publishUpTo = async (total: number) => {
    while (sent < total) {
      const delivered = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`events stopped at ${Math.min(...received)} of ${sent}`)),
          10_000,
        );
        caughtUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      for (let i = 0; i < BATCH && sent < total; i++) publisher.send(publish(++sent, {}, 'com.alloc', args));
      await delivered;
    }
  };

  await publishUpTo(WARM_UP);
  const before = await router.report(true);
  await publishUpTo(WARM_UP + PUBLICATIONS);
  const after = await router.report(false);
  // The forced collections of the first reading may be counted late; any other one spoils the measurement.
  expect(after.collections - before.collections).toBeLessThanOrEqual(2);
  expect(after.heapUsed).toBeGreaterThan(before.heapUsed);
  expect(received.every((count) => count === WARM_UP + PUBLICATIONS)).toBe(true);
  return (after.heapUsed - before.heapUsed) / PUBLICATIONS;
}

describe('allocation per publication', () => {
  it('allocates nothing per subscriber for an exact-topic publication', { timeout: 120_000 }, async () => {
    const one = await bytesPerPublication(1);
    const ten = await bytesPerPublication(10);
    console.log(`router bytes per publication: 1 subscriber ${one.toFixed(0)}, 10 subscribers ${ten.toFixed(0)}`);
    // Per extra subscriber next to nothing: the shared frame's bytes copied into that socket's one write of the turn
    // (off the heap). Writing each frame through a corked socket cost 71 B here, building EVENT by push 190 B more.
    expect((ten - one) / 9).toBeLessThan(16);
    // The decode of the PUBLISH, the EVENT and its one encoding, the frame and the write: well under 2 KiB.
    expect(ten).toBeLessThan(2048);
  });
});
