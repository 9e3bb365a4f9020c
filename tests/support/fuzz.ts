// What the fuzz suites share: the seed, the plain values they mix into messages, a logger that records what the
// router logs at error level, and a healthy neighbour session that must keep working through the fuzzing.
import { call, MessageCode, register, type Serializer, yieldResult } from '@wamp/protocol';
import type { Logger } from '@wamp/router';
import fc from 'fast-check';
import { expect } from 'vitest';
import { Wire } from './wire.js';

/** The seed of every fuzz run: `FUZZ_SEED` to replay one, else one from the clock (printed by each suite). */
export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

/** A size from the environment (for soak runs), or the CI default. */
export function fuzzSize(name: string, ciDefault: number): number {
  return Number(process.env[name] ?? ciDefault);
}

const leaf = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 53, 2 ** 53 + 2, 2 ** 32),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', 'wamp.session.count', 'com..x', 'a b', 'com.fuzz.echo', 'realm1'),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 16 }),
);

/** Values every serializer carries: numbers, strings, booleans, null, byte arrays, lists and dicts of them. */
export const plainValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('list'), tie('dict')),
  list: fc.array(tie('any'), { maxLength: 4 }),
  dict: fc.dictionary(fc.string({ maxLength: 8 }), tie('any'), { maxKeys: 4 }),
})).any;

/** A logger for the router under test that keeps every error-level line: a fuzz run must end with none. */
export function errorRecordingLogger(): { logger: Logger; errors: unknown[] } {
  const errors: unknown[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (fields) => errors.push(fields),
    child: () => logger,
  };
  return { logger, errors };
}

/**
 * A callee and a caller beside the fuzzed sessions; the returned check makes one echo round trip and fails unless
 * it comes back intact.
 */
export async function healthyNeighbour(url: string, serializer: Serializer): Promise<() => Promise<void>> {
  const callee = await Wire.open(url, serializer);
  await callee.join();
  await callee.expect(register(1, {}, 'com.healthy.echo'), MessageCode.REGISTERED);
  callee.transport.onmessage = (raw) => {
    const message = raw as unknown[];
    if (message[0] === MessageCode.INVOCATION)
      callee.send(yieldResult(message[1] as number, {}, message[4] as unknown[]));
  };
  const caller = await Wire.open(url, serializer);
  await caller.join();
  let probe = 0;
  return async () => {
    probe++;
    expect(await caller.expect(call(probe, {}, 'com.healthy.echo', [probe]), MessageCode.RESULT)).toEqual([
      MessageCode.RESULT,
      probe,
      {},
      [probe],
    ]);
  };
}
