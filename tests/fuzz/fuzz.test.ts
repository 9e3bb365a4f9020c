// Property-based fuzzing (fast-check): random and mutated messages into the parser, and into a live router over
// every serializer. Never an uncaught exception, never an internal error, always an answer or a close, and a
// healthy session beside the fuzzed ones keeps working throughout.
import { call, MessageCode, ProtocolViolation, parseMessage, type Serializer } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { createRouter } from '@wamp/router';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorRecordingLogger, fuzzSize, healthyNeighbour, SEED, plainValue as value } from '../support/fuzz.js';
import { Wire } from '../support/wire.js';

const MESSAGES_PER_SERIALIZER = fuzzSize('FUZZ_MESSAGES', 1000);

const CODES = Object.values(MessageCode) as number[];

/** Well-formed messages of every kind a client may send, the raw material for mutations. */
const TEMPLATES: unknown[][] = [
  [MessageCode.HELLO, 'realm1', { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} } }],
  [MessageCode.GOODBYE, {}, 'wamp.close.close_realm'],
  [MessageCode.ABORT, {}, 'wamp.error.canceled'],
  [MessageCode.PUBLISH, 1, { acknowledge: true }, 'com.fuzz.topic', [1], { a: 1 }],
  [MessageCode.SUBSCRIBE, 2, {}, 'com.fuzz.topic'],
  [MessageCode.UNSUBSCRIBE, 3, 1],
  [MessageCode.CALL, 4, {}, 'com.fuzz.echo', ['x'], { y: 2 }],
  [MessageCode.REGISTER, 5, {}, 'com.fuzz.proc'],
  [MessageCode.UNREGISTER, 6, 1],
  [MessageCode.YIELD, 1, {}, [1]],
  [MessageCode.ERROR, MessageCode.INVOCATION, 1, {}, 'com.fuzz.error'],
  [MessageCode.CANCEL, 4, { mode: 'kill' }],
  [MessageCode.AUTHENTICATE, 'signature', {}],
];

/** A template with one element replaced, dropped or added, or with its type code swapped. */
const mutated = fc
  .tuple(fc.constantFrom(...TEMPLATES), fc.nat(), value, fc.constantFrom('replace', 'drop', 'add', 'code'))
  .map(([template, position, replacement, how]) => {
    const message = [...template];
    const index = position % message.length;
    if (how === 'replace') message[index] = replacement;
    else if (how === 'drop') message.splice(Math.max(1, index), 1);
    else if (how === 'add') message.push(replacement);
    else message[0] = CODES[position % CODES.length];
    return message;
  });
const randomMessage = fc
  .tuple(fc.oneof(fc.constantFrom(...CODES), fc.integer()), fc.array(value, { maxLength: 7 }))
  .map(([code, rest]) => [code, ...rest]);

/** What one fuzz step sends: a message to encode, or bytes/text that are no valid frame at all. */
type Input = { kind: 'message'; message: unknown[] } | { kind: 'garbage'; bytes: Uint8Array; text: string };
const input: fc.Arbitrary<Input> = fc.oneof(
  { weight: 4, arbitrary: mutated.map((message) => ({ kind: 'message' as const, message })) },
  { weight: 2, arbitrary: randomMessage.map((message) => ({ kind: 'message' as const, message })) },
  { weight: 1, arbitrary: fc.constantFrom(...TEMPLATES).map((message) => ({ kind: 'message' as const, message })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      bytes: fc.uint8Array({ maxLength: 64 }),
      text: fc.string({ maxLength: 64 }),
    }),
  },
);

/**
 * Resolves once `wire` gets the answer to the probe CALL `request` ('answered') or its connection closes
 * ('closed'); other messages in between (answers to the fuzzed message) are consumed.
 */
function settle(wire: Wire, request: number): Promise<'answered' | 'closed'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to probe ${request} and no close within 5 s`)), 5_000);
    const done = (outcome: 'answered' | 'closed') => {
      clearTimeout(timer);
      resolve(outcome);
    };
    wire.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (
        (message[0] === MessageCode.ERROR && message[2] === request) ||
        (message[0] === MessageCode.RESULT && message[1] === request)
      ) {
        done('answered');
      }
    };
    wire.transport.onclose = () => {
      wire.closed = true;
      done('closed');
    };
    if (wire.closed) done('closed');
  });
}

describe('parser fuzzing', () => {
  it('either returns the message or throws a ProtocolViolation, for any value', () => {
    fc.assert(
      fc.property(fc.oneof(value, mutated, randomMessage), (raw) => {
        try {
          expect(parseMessage(raw)).toBe(raw);
        } catch (error) {
          if (!(error instanceof ProtocolViolation)) throw error;
        }
      }),
      { numRuns: 5_000, seed: SEED },
    );
  });
});

describe.each<[string, Serializer]>([
  ['json', jsonSerializer],
  ['cbor', cborSerializer],
  ['msgpack', msgpackSerializer],
])('live router fuzzing over %s', (_name, serializer) => {
  it(`survives ${MESSAGES_PER_SERIALIZER} fuzzed messages with a healthy neighbour (seed ${SEED})`, {
    timeout: 60_000,
  }, async () => {
    const { logger, errors: internalErrors } = errorRecordingLogger();
    const router = createRouter({ logger, keepalive: false });
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    try {
      // The healthy neighbour: a callee and a caller that must keep working.
      const stillHealthy = await healthyNeighbour(url, serializer);

      const inputs = fc.sample(input, { numRuns: MESSAGES_PER_SERIALIZER, seed: SEED });
      let fuzzed: Wire | undefined;
      let connections = 0;
      let answered = 0;
      let closed = 0;
      for (const [index, step] of inputs.entries()) {
        if (fuzzed === undefined || fuzzed.closed) {
          fuzzed = await Wire.open(url, serializer);
          connections++;
          // Half the connections are fuzzed before HELLO, half in an established session.
          if (connections % 2 === 0) await fuzzed.join().catch(() => undefined);
        }
        let frame: string | Uint8Array;
        if (step.kind === 'garbage') {
          frame = serializer.binary ? step.bytes : step.text;
        } else {
          try {
            frame = serializer.encode(step.message as never);
          } catch {
            continue; // a value this format cannot carry never reaches the wire
          }
        }
        // Each fuzzed message is followed by a probe that always gets an answer from a live session (ERROR
        // no_such_procedure), so the router has handled the message before the next one; a dead session closes.
        const outcome = settle(fuzzed, index + 1);
        fuzzed.transport.sendEncoded(frame);
        fuzzed.send(call(index + 1, {}, 'com.fuzz.probe'));
        if ((await outcome) === 'answered') answered++;
        else closed++;
        if (index % 100 === 99) await stillHealthy();
      }
      await stillHealthy();
      expect(internalErrors).toEqual([]);
      console.info(
        `fuzz ${serializer.subprotocol}: ${inputs.length} messages over ${connections} connections (${answered} answered, ${closed} closed the session), seed ${SEED}`,
      );
      expect(answered + closed).toBeGreaterThan(inputs.length * 0.9);
    } finally {
      await router.close();
    }
  });
});
