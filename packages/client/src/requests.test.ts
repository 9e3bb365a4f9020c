import { type Message, MessageCode, result } from '@wamp/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionClosedError } from './errors.js';
import { Deferred, PendingCall, PendingRequests } from './requests.js';

describe('PendingRequests', () => {
  it('numbers requests 1, 2, 3 and settles each with its answer', async () => {
    const requests = new PendingRequests();
    const first = new Deferred<Message>();
    const second = new Deferred<Message>();
    expect(requests.add(first)).toBe(1);
    expect(requests.nextId()).toBe(2);
    expect(requests.add(second)).toBe(3);
    requests.take(3)?.settle([MessageCode.PUBLISHED, 3, 99]);
    expect(await second.promise).toEqual([MessageCode.PUBLISHED, 3, 99]);
    expect(requests.take(3)).toBeUndefined();
    expect(requests.size).toBe(1);
  });

  it('rejects every pending request on close, and starts the next session at 1', async () => {
    const requests = new PendingRequests();
    const pending = [new Deferred<Message>(), new Deferred<Message>(), new Deferred<Message>()];
    for (const entry of pending) requests.add(entry);
    const closed = new ConnectionClosedError(1006, '', false);
    requests.rejectAll(closed);
    for (const entry of pending) await expect(entry.promise).rejects.toBe(closed);
    expect(requests.size).toBe(0);
    expect(requests.add(new Deferred<Message>())).toBe(1);
  });
});

describe('PendingCall', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function start(signal?: AbortSignal, timeout?: number) {
    const requests = new PendingRequests();
    const abandoned: number[] = [];
    const call = new PendingCall(
      {
        abandon: (id) => {
          if (requests.take(id) !== undefined) abandoned.push(id);
        },
      },
      'com.example.x',
      signal,
      timeout,
    );
    call.id = requests.add(call);
    return { call, requests, abandoned };
  }

  it('resolves with args, kwargs and details, defaulting the missing ones', async () => {
    const { call } = start();
    call.settle(result(1, { x: 1 }));
    expect(await call.promise).toEqual({ args: [], kwargs: {}, details: { x: 1 } });
  });

  it('rejects at once with the signal reason and abandons the request', async () => {
    const controller = new AbortController();
    const { call, abandoned, requests } = start(controller.signal);
    controller.abort(new Error('stop'));
    await expect(call.promise).rejects.toThrow('stop');
    expect(abandoned).toEqual([1]);
    expect(requests.size).toBe(0);
  });

  it('rejects with a TimeoutError after the timeout and abandons the request', async () => {
    vi.useFakeTimers();
    const { call, abandoned } = start(undefined, 1_000);
    const outcome = call.promise.catch((e: unknown) => e);
    vi.advanceTimersByTime(999);
    expect(abandoned).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(await outcome).toMatchObject({ name: 'TimeoutError' });
    expect(abandoned).toEqual([1]);
  });

  it('stops its timer and signal listener once settled', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const { call, abandoned } = start(controller.signal, 1_000);
    call.settle(result(1, {}, ['done']));
    vi.advanceTimersByTime(5_000);
    controller.abort();
    expect(await call.promise).toMatchObject({ args: ['done'] });
    expect(abandoned).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
