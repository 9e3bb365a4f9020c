import { describe, expect, it } from 'vitest';
import { EventOverflowError } from './errors.js';
import { EventQueue } from './event-queue.js';

async function drainAll(queue: EventQueue<number>): Promise<number[]> {
  const seen: number[] = [];
  queue.end();
  for await (const item of queue) seen.push(item);
  return seen;
}

describe('EventQueue', () => {
  it('hands items to a waiting consumer in order', async () => {
    const queue = new EventQueue<number>();
    const next = queue.next();
    queue.push(1);
    queue.push(2);
    expect(await next).toEqual({ value: 1, done: false });
    expect(await queue.next()).toEqual({ value: 2, done: false });
  });

  it.each([
    ['drop-oldest', [3, 4], 2],
    ['drop-newest', [1, 2], 2],
  ] as const)('keeps at most `buffer` items with %s', async (overflow, kept, dropped) => {
    const queue = new EventQueue<number>({ buffer: 2, overflow });
    for (const item of [1, 2, 3, 4]) queue.push(item);
    expect(queue.size).toBe(2);
    expect(queue.dropped).toBe(dropped);
    expect(await drainAll(queue)).toEqual(kept);
  });

  it('fails with EventOverflowError on overflow with the error policy, after the buffered items, and stops', async () => {
    let stops = 0;
    const queue = new EventQueue<number>({ buffer: 1, overflow: 'error' }, () => stops++);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    expect(stops).toBe(1);
    expect(await queue.next()).toEqual({ value: 1, done: false });
    const error = await queue.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventOverflowError);
    expect(error).toMatchObject({ name: 'EventOverflowError', buffer: 1 });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects a waiting consumer when ended with an error', async () => {
    const queue = new EventQueue<number>();
    const next = queue.next();
    queue.end(new Error('revoked'));
    await expect(next).rejects.toThrow('revoked');
  });

  it('calls its stop hook once and ends when the consumer leaves the loop', async () => {
    let stops = 0;
    const queue = new EventQueue<number>({}, () => stops++);
    queue.push(1);
    for await (const _item of queue) break;
    await queue.return();
    expect(stops).toBe(1);
    queue.push(2);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });

  it('aborts at once: the buffer is discarded and the consumer gets the reason', async () => {
    const queue = new EventQueue<number>();
    queue.push(1);
    queue.abort(new DOMException('stop', 'AbortError'));
    await expect(queue.next()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('stays in order through many pushes and shifts (compaction)', async () => {
    const queue = new EventQueue<number>({ buffer: 5_000 });
    const seen: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3_000; i++) queue.push(round * 3_000 + i);
      for (let i = 0; i < 2_500; i++) seen.push(((await queue.next()).value as number) - round * 500);
    }
    expect(queue.size).toBe(2_000);
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    const rest = await drainAll(queue);
    expect(rest[0]).toBe(10_000);
    expect(rest.at(-1)).toBe(11_999);
  });

  it.each([[{ buffer: 0 }], [{ buffer: 1.5 }], [{ overflow: 'block' as never }]])('refuses %o', (options) => {
    expect(() => new EventQueue(options)).toThrow(RangeError);
  });
});
