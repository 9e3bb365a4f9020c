// A client subscribes thousands of distinct prefix and wildcard patterns and unsubscribes each again, round after
// round, against a router in its own process. The URI matcher must prune the trie nodes its patterns emptied:
// before it did, every round left its nodes behind (six rounds of 5,000 patterns grew the heap by 41 MiB).
import { MessageCode, publish, subscribe, unsubscribe } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { startRouterProcess } from '../support/router-process.js';
import { Wire } from '../support/wire.js';

const ROUNDS = 6;
const PATTERNS_PER_ROUND = 4_000;
/** Heap growth allowed from the end of round 1 to the end of the last round, after forced GCs. */
const HEAP_MARGIN = 3 * 1024 * 1024;

/** Distinct patterns of one round, half prefix and half wildcard, none shared with another round. */
function patternsOf(round: number): [topic: string, match: 'prefix' | 'wildcard'][] {
  return Array.from({ length: PATTERNS_PER_ROUND }, (_, i) =>
    i % 2 === 0
      ? [`com.churn.round${round}.prefix${i}.`, 'prefix']
      : [`com.churn.round${round}..wildcard${i}.end`, 'wildcard'],
  );
}

describe('pattern churn', () => {
  it(`${ROUNDS} rounds of ${PATTERNS_PER_ROUND} distinct pattern subscriptions, each unsubscribed, leave the heap flat`, {
    timeout: 60_000,
  }, async () => {
    await using router = await startRouterProcess({ keepalive: false });
    const attacker = await Wire.open(router.url, jsonSerializer);
    await attacker.join();
    // A bystander with a pattern subscription of its own, which must keep receiving through all of it.
    const bystander = await Wire.open(router.url, jsonSerializer);
    await bystander.join();
    const [, , bystanderSubscription] = await bystander.expect(
      subscribe(1, { match: 'prefix' }, 'com.churn.'),
      MessageCode.SUBSCRIBED,
    );

    const round = async (index: number) => {
      const patterns = patternsOf(index);
      // Pipelined: every SUBSCRIBE goes out before the first SUBSCRIBED is read.
      for (const [i, [topic, match]] of patterns.entries()) attacker.send(subscribe(i + 1, { match }, topic));
      const ids: number[] = [];
      for (let i = 0; i < patterns.length; i++) {
        const answer = await attacker.next();
        expect(answer[0]).toBe(MessageCode.SUBSCRIBED);
        ids.push(answer[2] as number);
      }
      for (const [i, id] of ids.entries()) attacker.send(unsubscribe(i + 1, id));
      for (let i = 0; i < ids.length; i++) expect((await attacker.next())[0]).toBe(MessageCode.UNSUBSCRIBED);
    };

    await round(1);
    const before = await router.report(true);
    for (let index = 2; index <= ROUNDS; index++) await round(index);
    const after = await router.report(true);

    expect(after.stats.subscriptions).toBe(1);
    attacker.send(publish(1, {}, 'com.churn.after'));
    const received = await bystander.next();
    expect(received[0]).toBe(MessageCode.EVENT);
    expect(received[1]).toBe(bystanderSubscription);
    const growth = after.heapUsed - before.heapUsed;
    console.info(
      `pattern churn: heap ${(before.heapUsed / 2 ** 20).toFixed(1)} MiB after round 1, ${(after.heapUsed / 2 ** 20).toFixed(1)} MiB after round ${ROUNDS}`,
    );
    expect(growth).toBeLessThan(HEAP_MARGIN);
    attacker.transport.close();
    bystander.transport.close();
  });
});
