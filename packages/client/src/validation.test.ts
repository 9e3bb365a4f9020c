import { describe, expect, it } from 'vitest';
import type { StandardSchemaV1 } from './contract.js';
import { ValidatingSink, validateArgs } from './validation.js';

function schema(async: boolean): StandardSchemaV1<unknown, [number]> {
  const check = (value: unknown) =>
    Array.isArray(value) && typeof value[0] === 'number'
      ? { value: [value[0] * 2] as [number] }
      : { issues: [{ message: 'expected a number' }, { message: 'really' }] };
  return {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: async ? (value) => Promise.resolve(check(value)) : check,
    },
  };
}

describe('validateArgs', () => {
  it('returns the validated value synchronously for a synchronous schema', () => {
    expect(validateArgs(schema(false), [2])).toEqual([4]);
  });

  it('returns a promise for an asynchronous schema', async () => {
    await expect(validateArgs(schema(true), [2])).resolves.toEqual([4]);
  });

  it.each([false, true])('turns issues into wamp.error.invalid_argument (async %s)', async (async) => {
    const error = await (async () => validateArgs(schema(async), ['x']))().catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'WampError',
      uri: 'wamp.error.invalid_argument',
      args: ['expected a number', 'really'],
    });
  });
});

describe('ValidatingSink', () => {
  it('passes valid events on (transformed) and reports invalid ones', async () => {
    const pushed: unknown[] = [];
    const reported: unknown[] = [];
    const ends: unknown[] = [];
    const sink = new ValidatingSink(
      schema(false),
      { push: (event) => pushed.push(event.args), end: (error) => ends.push(error) },
      (error) => reported.push(error),
    );
    sink.push({ args: [1], kwargs: {}, details: {} });
    sink.push({ args: ['bad'], kwargs: {}, details: {} });
    sink.end();
    expect(pushed).toEqual([[2]]);
    expect(reported).toHaveLength(1);
    expect(ends).toEqual([undefined]);
  });
});
