import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { defineApi, proc } from '../src/index.js';
import { startRouter } from './fixture.js';

const api = defineApi({ procedures: { 'com.example.countdown': proc<[from: number], string>() } });

describe('progressive call results', () => {
  it('streams partial results through an async iterator, then the final result', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session({ api });
    const caller = await fixture.session({ api });
    await callee.register('com.example.countdown', async ([from], invocation) => {
      expect(invocation.receiveProgress).toBe(true);
      for (let n = from; n > 0; n--) invocation.progress([n]);
      return 'liftoff';
    });
    const countdown = caller.progressive('com.example.countdown', [3]);
    const partials: unknown[] = [];
    for await (const n of countdown) partials.push(n);
    expect(partials).toEqual([3, 2, 1]);
    expect(await countdown.result).toBe('liftoff');
  });

  it('sends no partial results to a plain call, which gets just the final one', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session({ api });
    const caller = await fixture.session({ api });
    let asked: boolean | undefined;
    await callee.register('com.example.countdown', ([from], invocation) => {
      asked = invocation.receiveProgress;
      invocation.progress([from]); // a no-op for a caller that did not ask
      return 'done';
    });
    expect(await caller.call('com.example.countdown', [2])).toBe('done');
    expect(asked).toBe(false);
  });

  it('ends the iterator with the error when the call fails', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session({ api });
    const caller = await fixture.session({ api });
    await callee.register('com.example.countdown', ([from], invocation) => {
      invocation.progress([from]);
      throw new Error('engine failure');
    });
    const countdown = caller.progressive('com.example.countdown', [5]);
    const partials: unknown[] = [];
    await expect(
      (async () => {
        for await (const n of countdown) partials.push(n);
      })(),
    ).rejects.toMatchObject({ uri: 'wamp.error.runtime_error' });
    expect(partials).toEqual([5]);
    await expect(countdown.result).rejects.toMatchObject({ uri: 'wamp.error.runtime_error' });
  });
});

describe('progressive call invocations', () => {
  it('streams the caller’s input chunks into one invocation', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.raw.register('com.example.sum', async (invocation) => {
      let total = (invocation.args[0] as number) ?? 0;
      if (invocation.input !== null)
        for await (const chunk of invocation.input) total += (chunk.args[0] as number) ?? 0;
      return { args: [total] };
    });
    const upload = caller.raw.callWithInput('com.example.sum', [1]);
    upload.send([2]);
    upload.send([3]);
    upload.end([4]);
    expect((await upload.result).args).toEqual([10]);
  });

  it('gives an ordinary call no input stream', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.raw.register('com.example.plain', (invocation) => ({ args: [invocation.input === null] }));
    expect((await caller.raw.call('com.example.plain')).args).toEqual([true]);
  });
});
