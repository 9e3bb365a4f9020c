import { describe, expect, it } from 'vitest';
import { Limiter, LimiterFull } from './limiter.js';

/** A task that runs until its `finish` is called. */
function gate() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { finish, task: () => done };
}

describe('Limiter', () => {
  it('runs at most `concurrency` at once, queues `queue` more in order, and refuses past that', async () => {
    const limiter = new Limiter(2, 1);
    const started: string[] = [];
    const gates = [gate(), gate(), gate()];
    const runs = ['a', 'b', 'c'].map((name, i) =>
      limiter.run(async () => {
        started.push(name);
        await gates[i]!.task();
        return name;
      }),
    );
    await expect(limiter.run(async () => 'd')).rejects.toBeInstanceOf(LimiterFull);
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    expect([limiter.active, limiter.queued]).toEqual([2, 1]);
    gates[0]!.finish();
    await runs[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c']);
    gates[1]!.finish();
    gates[2]!.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('lets a waiting task whose signal aborts leave the queue, and frees its slot for the next', async () => {
    const limiter = new Limiter(1, 5);
    const first = gate();
    const running = limiter.run(first.task);
    const controller = new AbortController();
    const waiting = limiter.run(async () => 'never', controller.signal);
    const next = limiter.run(async () => 'next');
    controller.abort(new Error('canceled'));
    await expect(waiting).rejects.toThrow('canceled');
    expect(limiter.queued).toBe(1);
    first.finish();
    await running;
    expect(await next).toBe('next');
    expect(limiter.active).toBe(0);
  });

  it('frees the slot of a task that throws', async () => {
    const limiter = new Limiter(1, 0);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'ok')).toBe('ok');
  });
});
