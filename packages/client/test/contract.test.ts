// Typed contracts: compile-time checks, enforced by `tsc` in `pnpm typecheck` (each expected error below must
// occur, or the directive itself fails), and the runtime validation a callee gets from a Standard Schema.
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineApi,
  type EventStream,
  proc,
  type RawResult,
  type Session,
  type StandardSchemaV1,
  topic,
  WampError,
  type WampEvent,
} from '../src/index.js';
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

/** The same kind of contract with zod schemas: validated (and transformed) at the callee and the subscriber. */
const zodApi = defineApi({
  procedures: {
    'com.example.repeat': proc<[text: string, times: number], string>(
      z.tuple([z.string().min(1), z.coerce.number().int().positive()]),
    ),
  },
  topics: {
    'com.example.reading': topic<[celsius: number]>(z.tuple([z.number().min(-273.15)])),
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

  it('validates with zod at the callee: invalid arguments are refused, valid ones arrive transformed', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const callee = await fixture.session({ api: zodApi });
    await callee.register('com.example.repeat', ([text, times]) => {
      expectTypeOf(times).toEqualTypeOf<number>();
      return text.repeat(times);
    });
    const untyped = await fixture.session();
    // z.coerce turns the string '3' into the number 3 before the handler runs.
    expect(await untyped.call('com.example.repeat', ['ab', '3'])).toBe('ababab');
    const error = (await untyped.call('com.example.repeat', ['', 0]).catch((e: unknown) => e)) as WampError;
    expect(error.uri).toBe('wamp.error.invalid_argument');
    expect(error.args).toHaveLength(2);
  });

  it('validates events at the subscriber: invalid ones are dropped and reported', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const subscriber = await fixture.session({ api: zodApi });
    const publisher = await fixture.session();
    const reported: unknown[] = [];
    subscriber.on('error', (error) => reported.push(error));
    const readings: number[] = [];
    await subscriber.subscribe('com.example.reading', ([celsius]) => readings.push(celsius));
    const stream = subscriber.subscribe('com.example.reading');
    await stream.ready;
    for (const value of [21.5, -500, 'hot', 19]) {
      await publisher.publish('com.example.reading', [value], { acknowledge: true });
    }
    await expect.poll(() => readings).toEqual([21.5, 19]);
    const first = await stream.next();
    const second = await stream.next();
    expect([first.value?.args[0], second.value?.args[0]]).toEqual([21.5, 19]);
    expect(reported).toHaveLength(4); // two bad events, seen by two subscribers
    expect(reported[0]).toMatchObject({ uri: 'wamp.error.invalid_argument' });
    await stream.return();
  });

  it('types iterators and raw results', () => {
    const shapes = (session: Session<typeof api>) => {
      expectTypeOf(session.subscribe('com.example.tick')).toEqualTypeOf<EventStream<[n: number]>>();
      expectTypeOf(session.events('com.example.tick')).toEqualTypeOf<EventStream<[n: number]>>();
      expectTypeOf<EventStream<[n: number]>>().toExtend<AsyncIterable<WampEvent<[n: number]>>>();
      expectTypeOf(session.raw.call('any.uri')).toEqualTypeOf<Promise<RawResult>>();
      // The raw engine stays open to any URI, even on a typed session.
      void session.raw.publish('not.in.the.contract', [1]);
      // Implementation-specific options start with `_`.
      void session.call('com.example.now', [], { _trace: 'abc', disclose_me: true });
    };
    expect(typeof shapes).toBe('function');
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
      // @ts-expect-error: the subscriber's arguments are [n: number]
      void session.subscribe('com.example.tick', ([n]: [string]) => n);
      // @ts-expect-error: a callee may not return a string for a number result, even asynchronously
      void session.register('com.example.now', async () => 'soon');
      // @ts-expect-error: too many arguments
      void session.call('com.example.greet', ['ada', 'lovelace']);
      // @ts-expect-error: the deadline is a number of ms
      void session.call('com.example.now', [], { timeout: '5s' });
      // @ts-expect-error: a misspelt option (custom options must start with `_`)
      void session.call('com.example.now', [], { timout: 5 });
      // @ts-expect-error: not a match policy
      void session.subscribe('com.example.tick', () => {}, { match: 'prefx' });
      // @ts-expect-error: progressive results are not offered by this client
      void session.call('com.example.now', [], { receive_progress: true });
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
