import { describe, expect, it } from 'vitest';
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
    expect(queue.dropped).toBe(dropped);
    expect(await drainAll(queue)).toEqual(kept);
  });

  it('fails the iterator on overflow with the error policy, after the buffered items', async () => {
    const queue = new EventQueue<number>({ buffer: 1, overflow: 'error' });
    queue.push(1);
    queue.push(2);
    expect(await queue.next()).toEqual({ value: 1, done: false });
    await expect(queue.next()).rejects.toThrow(/overflowed/);
  });

  it('calls its return hook and ends when the consumer leaves the loop', async () => {
    let returned = 0;
    const queue = new EventQueue<number>({}, () => returned++);
    queue.push(1);
    for await (const _item of queue) break;
    expect(returned).toBe(1);
    queue.push(2);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });
});
