// Typed contracts: compile-time checks, enforced by `tsc` in `pnpm typecheck` (each expected error below must
// occur, or the directive itself fails), and the runtime validation a callee gets from a Standard Schema.
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineApi, proc, type Session, type StandardSchemaV1, topic, WampError } from '../src/index.js';
import { startRouter } from './fixture.js';

/** A tiny Standard Schema validator: two numbers. */
const twoNumbers: StandardSchemaV1<unknown, [number, number]> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) =>
      Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'number')
        ? { value: value as [number, number] }
        : { issues: [{ message: 'expected two numbers' }] },
  },
};

const api = defineApi({
  procedures: {
    'com.example.add': proc<[a: number, b: number], number>(twoNumbers),
    'com.example.greet': proc<[name: string], string>(),
    'com.example.now': proc<[], number>(),
  },
  topics: {
    'com.example.tick': topic<[n: number]>(),
  },
});

describe('typed contracts', () => {
  it('infers argument and result types end to end', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session({ api });
    const caller = await fixture.session({ api });

    await callee.register('com.example.add', ([a, b]) => {
      expectTypeOf(a).toEqualTypeOf<number>();
      return a + b;
    });
    await callee.register('com.example.greet', ([name]) => `hello ${name}`);
    await callee.register('com.example.now', () => 42);

    const sum = await caller.call('com.example.add', [1, 2]);
    expectTypeOf(sum).toEqualTypeOf<number>();
    expect(sum).toBe(3);
    expect(await caller.call('com.example.greet', ['ada'])).toBe('hello ada');
    expect(await caller.call('com.example.now')).toBe(42);

    const ticks: number[] = [];
    await caller.subscribe('com.example.tick', ([n]) => {
      expectTypeOf(n).toEqualTypeOf<number>();
      ticks.push(n);
    });
    await callee.publish('com.example.tick', [7], { acknowledge: true });
    await expect.poll(() => ticks).toEqual([7]);
  });

  it('rejects arguments that fail the schema with invalid_argument, before the handler runs', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session({ api });
    let ran = false;
    await callee.register('com.example.add', ([a, b]) => {
      ran = true;
      return a + b;
    });
    // An untyped caller (no contract) can send anything.
    const untyped = await fixture.session();
    const error = (await untyped.call('com.example.add', ['one', 2]).catch((e: unknown) => e)) as WampError;
    expect(error).toBeInstanceOf(WampError);
    expect(error.uri).toBe('wamp.error.invalid_argument');
    expect(error.args).toEqual(['expected two numbers']);
    expect(ran).toBe(false);
  });

  it('turns contract mistakes into compile errors', () => {
    // Only types are checked here; the function is never called.
    const mistakes = (session: Session<typeof api>) => {
      // @ts-expect-error: wrong argument type
      void session.call('com.example.add', ['1', 2]);
      // @ts-expect-error: missing argument
      void session.call('com.example.add', [1]);
      // @ts-expect-error: arguments are required
      void session.call('com.example.greet');
      // @ts-expect-error: unknown procedure (a typo)
      void session.call('com.example.ad', [1, 2]);
      // @ts-expect-error: the handler returns the wrong result type
      void session.register('com.example.add', ([a]) => `${a}`);
      // @ts-expect-error: wrong event payload
      void session.publish('com.example.tick', ['seven']);
      // @ts-expect-error: unknown topic
      void session.subscribe('com.example.tock', () => {});
      // @ts-expect-error: a result is a number, not a string
      const wrong: Promise<string> = session.call('com.example.add', [1, 2]);
      return wrong;
    };
    expect(typeof mistakes).toBe('function');
  });

  it('leaves untyped sessions open to any URI, with unknown results', () => {
    const untyped = (session: Session) => {
      expectTypeOf(session.call('any.uri.at.all')).toEqualTypeOf<Promise<unknown>>();
      void session.publish('any.topic', [1, 'two']);
    };
    expect(typeof untyped).toBe('function');
  });
});
