// Property-based fuzzing of payload VALUES (fast-check): values that decode but are hostile (CBOR bignums, tags,
// shared references, MessagePack ext types, 64-bit integers, JSON `__proto__` keys, lone surrogates, deep nesting),
// written at the wire level by a JSON, CBOR or MessagePack peer into every message that carries a payload. For every
// case: the router logs no error and keeps serving, every CALL is answered, a value is either refused to its sender
// (`wamp.error.invalid_argument`, naming the element) and sent to nobody, or arrives unchanged at peers of every
// serializer; no subscriber misses an event or is cut off, a retained event never harms a later subscriber, and no
// prototype is touched.
import { call, ErrorUri, MessageCode, publish, subscribe } from '@wamp/protocol';
import { createRouter } from '@wamp/router';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorRecordingLogger, fuzzSize, healthyNeighbour, SEED } from '../support/fuzz.js';
import { answerTo, difference, Peer } from './hostile-peers.js';
import { hostileDict, hostilePayload } from './hostile-values.js';
import { type Format, frameOf, list, messageNode, type Node, plain, SERIALIZERS } from './hostile-wire.js';

const CASES_PER_SERIALIZER = fuzzSize('FUZZ_VALUES', 200);
const FORMATS: Format[] = ['json', 'cbor', 'msgpack'];
const PLACEMENTS = ['call', 'yield', 'progress', 'error', 'publish', 'testament', 'meta'] as const;
type Placement = (typeof PLACEMENTS)[number];

const TOPIC = 'com.hostile.topic'; // retained and kept in history
const SENTINEL = 'com.hostile.sentinel';
const TESTAMENT = 'com.hostile.testament';
const ANSWER = 'com.hostile.answer'; // registered by the hostile peer, which answers with hostile values

interface Case {
  placement: Placement;
  receiver: Format;
  payload: Node[];
  details: Node;
}

function caseOf(format: Format): fc.Arbitrary<Case> {
  return fc.record({
    placement: fc.constantFrom(...PLACEMENTS),
    receiver: fc.constantFrom(...FORMATS),
    payload: hostilePayload(format),
    details: fc.oneof(hostileDict(format), fc.constant<Node>({ kind: 'dict', entries: [] })),
  });
}

/**
 * Checks the refusal the door answers with: invalid_argument, its message naming the element (`args[0].x is …`).
 * False, for the step to return: the value was not routed.
 */
function refused(answer: unknown[], where: string): false {
  expect(answer[4], `${where}: ${JSON.stringify(answer[5])}`).toBe(ErrorUri.INVALID_ARGUMENT);
  expect(String((answer[5] as unknown[])[0])).toMatch(/\b(kw)?args([[.].*)? is /s);
  return false;
}

function expectFaithful(sent: unknown[], received: unknown[], where: string): void {
  expect(difference(sent[0] ?? [], received[0] ?? [], 'args'), where).toBeUndefined();
  expect(difference(sent[1] ?? {}, received[1] ?? {}, 'kwargs'), where).toBeUndefined();
}

const isType = (code: number) => (message: unknown[]) => message[0] === code;
const isEventOf = (subscription: number) => (message: unknown[]) =>
  message[0] === MessageCode.EVENT && message[1] === subscription;

/** Prototypes a hostile key could reach, with their own property names now. */
function prototypeNames(): string {
  return [Object.prototype, Array.prototype, Function.prototype]
    .map((prototype) => Object.getOwnPropertyNames(prototype).sort().join())
    .join('|');
}

describe.each(FORMATS)('hostile values from a %s peer', (format) => {
  it(`are refused or arrive unchanged at every serializer, in ${CASES_PER_SERIALIZER} cases (seed ${SEED})`, {
    timeout: 60_000,
  }, async () => {
    const prototypesBefore = prototypeNames();
    const { logger, errors } = errorRecordingLogger();
    const router = createRouter({ logger, keepalive: false, eventHistory: [{ topic: TOPIC, limit: 5 }] });
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    const peers: Peer[] = [];
    const open = async (as: Format) => {
      const peer = await Peer.open(url, SERIALIZERS[as]);
      peers.push(peer);
      return peer;
    };
    const byFormat = async (setup: (peer: Peer) => Promise<void> = async () => {}) => {
      const entries = await Promise.all(FORMATS.map(async (as) => [as, await open(as)] as const));
      for (const [, peer] of entries) await setup(peer);
      return Object.fromEntries(entries) as Record<Format, Peer>;
    };
    const subscriptionIds = new Map<Peer, Record<string, number>>();
    const subscribeTo = async (peer: Peer, topic: string, options = {}) => {
      const request = peer.nextRequest();
      peer.send(subscribe(request, options, topic));
      const answer = await peer.take((m) => m[0] === MessageCode.SUBSCRIBED && m[1] === request, 'SUBSCRIBED');
      subscriptionIds.set(peer, { ...subscriptionIds.get(peer), [topic]: answer[2] as number });
      return answer[2] as number;
    };
    const answerOf = async (peer: Peer, message: unknown[]) => {
      peer.send(message);
      return peer.take(answerTo(message[1] as number), `the answer to CALL ${message[3]}`);
    };

    try {
      const stillHealthy = await healthyNeighbour(url, SERIALIZERS[format]);
      const hostile = await open(format);
      hostile.send([MessageCode.REGISTER, hostile.nextRequest(), {}, ANSWER]);
      await hostile.take(isType(MessageCode.REGISTERED), 'REGISTERED');
      // A callee of each serializer, answering every INVOCATION with an empty result.
      const callees = await byFormat();
      for (const as of FORMATS) {
        callees[as].autoYield = true;
        callees[as].send([MessageCode.REGISTER, callees[as].nextRequest(), {}, `com.hostile.take.${as}`]);
        await callees[as].take(isType(MessageCode.REGISTERED), 'REGISTERED');
      }
      const callers = await byFormat();
      const subscribers = await byFormat(async (peer) => {
        for (const topic of [TOPIC, SENTINEL, TESTAMENT]) await subscribeTo(peer, topic);
      });
      const sentinelPublisher = await open('json');

      const counts: Record<Placement, { routed: number; refused: number }> = Object.fromEntries(
        PLACEMENTS.map((placement) => [placement, { routed: 0, refused: 0 }]),
      ) as never;
      /** The payload of the last event routed to TOPIC, which a late subscriber gets as the retained event. */
      let retained: unknown[] | undefined;

      /** Decodes `node` as the router does (the same decoder), and sends it. */
      const sendHostile = (peer: Peer, node: Node): unknown[] => {
        const frame = frameOf(format, node);
        const decoded = SERIALIZERS[format].decode(frame) as unknown[];
        peer.sendFrame(frame);
        return decoded;
      };

      const steps: Record<Placement, (step: Case) => Promise<boolean>> = {
        async call({ receiver, payload }) {
          const request = hostile.nextRequest();
          const sent = sendHostile(
            hostile,
            messageNode([MessageCode.CALL, request, {}, `com.hostile.take.${receiver}`], payload),
          );
          const answer = await hostile.take(answerTo(request), 'the answer to the hostile CALL');
          if (answer[0] === MessageCode.ERROR) {
            refused(answer, 'CALL');
            expect(callees[receiver].holds(isType(MessageCode.INVOCATION))).toBe(false);
            return false;
          }
          const invocation = await callees[receiver].take(isType(MessageCode.INVOCATION), 'INVOCATION');
          expectFaithful(sent.slice(4), invocation.slice(4), `CALL to a ${receiver} callee`);
          return true;
        },
        async yield({ receiver, payload }) {
          const request = callers[receiver].nextRequest();
          callers[receiver].send(call(request, {}, ANSWER));
          const invocation = await hostile.take(isType(MessageCode.INVOCATION), 'INVOCATION');
          const sent = sendHostile(hostile, messageNode([MessageCode.YIELD, invocation[1], {}], payload));
          const answer = await callers[receiver].take(answerTo(request), 'the answer to the CALL');
          if (answer[0] === MessageCode.ERROR) return refused(answer, 'YIELD');
          expectFaithful(sent.slice(3), answer.slice(3), `YIELD to a ${receiver} caller`);
          return true;
        },
        async progress({ receiver, payload }) {
          const caller = callers[receiver];
          const request = caller.nextRequest();
          caller.send(call(request, { receive_progress: true }, ANSWER));
          const invocation = await hostile.take(isType(MessageCode.INVOCATION), 'INVOCATION');
          const sent = sendHostile(
            hostile,
            messageNode([MessageCode.YIELD, invocation[1], { progress: true }], payload),
          );
          const partial = await caller.take(answerTo(request), 'the partial result');
          if (partial[0] === MessageCode.ERROR) {
            refused(partial, 'progressive YIELD');
            // The callee is still working: it is told to stop.
            await hostile.take((m) => m[0] === MessageCode.INTERRUPT && m[1] === invocation[1], 'INTERRUPT');
            return false;
          }
          expect(partial[2]).toEqual({ progress: true });
          expectFaithful(sent.slice(3), partial.slice(3), `progressive YIELD to a ${receiver} caller`);
          hostile.send([MessageCode.YIELD, invocation[1], {}, ['done']]);
          expect((await caller.take(answerTo(request), 'the final result'))[3]).toEqual(['done']);
          return true;
        },
        async error({ receiver, payload, details }) {
          const request = callers[receiver].nextRequest();
          callers[receiver].send(call(request, {}, ANSWER));
          const invocation = await hostile.take(isType(MessageCode.INVOCATION), 'INVOCATION');
          const sent = sendHostile(
            hostile,
            list(
              ...[MessageCode.ERROR, MessageCode.INVOCATION, invocation[1]].map(plain),
              details,
              plain('com.app.failed'),
              ...payload,
            ),
          );
          const answer = await callers[receiver].take(answerTo(request), 'the answer to the CALL');
          expect(answer[0]).toBe(MessageCode.ERROR);
          if (answer[4] !== 'com.app.failed') return refused(answer, 'callee ERROR');
          expect(difference(sent[3], answer[3], 'details'), `ERROR details to a ${receiver} caller`).toBeUndefined();
          expectFaithful(sent.slice(5), answer.slice(5), `ERROR to a ${receiver} caller`);
          return true;
        },
        async publish({ payload }) {
          const request = hostile.nextRequest();
          const sent = sendHostile(
            hostile,
            messageNode([MessageCode.PUBLISH, request, { acknowledge: true, retain: true }, TOPIC], payload),
          );
          const answer = await hostile.take(
            (m) =>
              (m[0] === MessageCode.PUBLISHED || m[0] === MessageCode.ERROR) &&
              m[m[0] === MessageCode.ERROR ? 2 : 1] === request,
            'the answer to the PUBLISH',
          );
          if (answer[0] === MessageCode.ERROR) return refused(answer, 'PUBLISH');
          for (const as of FORMATS) {
            const event = await subscribers[as].take(
              isEventOf(subscriptionIds.get(subscribers[as])![TOPIC]!),
              `EVENT at ${as}`,
            );
            expectFaithful(sent.slice(4), event.slice(4), `EVENT to a ${as} subscriber`);
          }
          retained = sent.slice(4);
          return true;
        },
        async testament({ payload }) {
          const leaver = await open(format);
          const request = leaver.nextRequest();
          const testament = list(plain(TESTAMENT), payload[0]!, payload[1] ?? { kind: 'dict', entries: [] });
          const sent = sendHostile(
            leaver,
            messageNode([MessageCode.CALL, request, {}, 'wamp.session.add_testament'], [testament]),
          );
          const answer = await leaver.take(answerTo(request), 'the answer to add_testament');
          leaver.close();
          if (answer[0] === MessageCode.ERROR) {
            // A value that passes the door but takes more than the session's testament bytes once written out
            // (shared references expand) is refused by that bound instead: not kept either way.
            const message = String((answer[5] as unknown[] | undefined)?.[0]);
            if (answer[4] === ErrorUri.UNAVAILABLE && message.includes("a session's testaments may hold")) return false;
            return refused(answer, 'add_testament');
          }
          const kept = sent[4] as unknown[];
          for (const as of FORMATS) {
            const event = await subscribers[as].take(
              isEventOf(subscriptionIds.get(subscribers[as])![TESTAMENT]!),
              `testament at ${as}`,
            );
            expectFaithful(kept.slice(1), event.slice(4), `testament to a ${as} subscriber`);
          }
          return true;
        },
        async meta({ payload }) {
          // A meta procedure's arguments go through the same door: answered either way, never a crash.
          const request = hostile.nextRequest();
          sendHostile(hostile, messageNode([MessageCode.CALL, request, {}, 'wamp.session.count'], payload));
          const answer = await hostile.take(answerTo(request), 'the answer to wamp.session.count');
          if (answer[0] === MessageCode.ERROR) return refused(answer, 'meta CALL');
          return true;
        },
      };

      const cases = fc.sample(caseOf(format), { numRuns: CASES_PER_SERIALIZER, seed: SEED });
      for (const [index, step] of cases.entries()) {
        const routed = await steps[step.placement](step);
        counts[step.placement][routed ? 'routed' : 'refused']++;
        // Every subscriber gets the next well-formed event, and nothing routed in between that it did not expect.
        sentinelPublisher.send(publish(sentinelPublisher.nextRequest(), {}, SENTINEL, [index]));
        for (const as of FORMATS) {
          const ids = subscriptionIds.get(subscribers[as])!;
          const sentinel = await subscribers[as].take(isEventOf(ids[SENTINEL]!), `sentinel ${index} at ${as}`);
          expect(sentinel[4]).toEqual([index]);
          expect(
            subscribers[as].holds(isEventOf(ids[TOPIC]!)) || subscribers[as].holds(isEventOf(ids[TESTAMENT]!)),
          ).toBe(false);
        }
        if (index % 10 === 9) {
          // A late subscriber of another serializer gets the retained event intact, and the history still reads.
          const late = await open(FORMATS[((index / 10) % 3) | 0]!);
          const subscription = await subscribeTo(late, TOPIC, { get_retained: true });
          if (retained !== undefined) {
            expectFaithful(
              retained,
              (await late.take(isEventOf(subscription), 'the retained event')).slice(4),
              'retained',
            );
          }
          const history = await answerOf(
            late,
            call(late.nextRequest(), {}, 'wamp.subscription.get_events', [subscription]),
          );
          expect(history[0], JSON.stringify(history)).toBe(MessageCode.RESULT);
          late.close();
          await stillHealthy();
        }
      }
      await stillHealthy();
      for (const peer of [
        hostile,
        ...Object.values(callees),
        ...Object.values(callers),
        ...Object.values(subscribers),
      ]) {
        expect(peer.closeCode).toBeUndefined();
      }
      expect(errors).toEqual([]);
      expect(prototypeNames()).toBe(prototypesBefore);
      console.info(`hostile values ${format}: ${cases.length} cases, seed ${SEED}, ${JSON.stringify(counts)}`);
      // The generators must exercise both outcomes in every kind of message, or the run proved little.
      for (const placement of PLACEMENTS) expect(counts[placement].refused, placement).toBeGreaterThan(0);
      expect(Object.values(counts).reduce((total, count) => total + count.routed, 0)).toBeGreaterThan(0);
    } finally {
      for (const peer of peers) peer.close();
      await router.close();
    }
  });
});
