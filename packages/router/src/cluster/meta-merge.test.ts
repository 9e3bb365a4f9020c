// The meta API's merge across nodes: each merge mode, and the cluster-wide answer a node makes of its own and the
// others' answers (get_events over every node's kept events).
import { ErrorUri } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import type { MetaAnswer, MetaQuestion } from '../core/fabric.js';
import { KEPT_EVENTS } from '../core/meta/history-procedures.js';
import { silentLogger } from '../logger.js';
import { type AskNodes, clusterAnswer, mergeAnswers } from './meta-merge.js';

describe('mergeAnswers', () => {
  it.each([
    ['sum', [{ result: [2] }, { result: [3] }, { error: ErrorUri.NO_SUCH_REALM }], { result: [5] }],
    ['concat', [{ result: [[1, 2]] }, { result: [[3]] }], { result: [[1, 2, 3]] }],
    ['union', [{ result: [[7]] }, { result: [[7, 8]] }, { result: [null] }], { result: [[7, 8]] }],
    ['union', [{ result: [null] }, { result: [null] }], { result: [null] }],
    ['first-found', [{ result: [null] }, { result: [9] }], { result: [9] }],
    ['first', [{ error: ErrorUri.NO_SUCH_SESSION }, { result: [{ session: 4 }] }], { result: [{ session: 4 }] }],
    [
      'policies',
      [
        { result: [{ exact: [1], prefix: [], wildcard: [] }] },
        { result: [{ exact: [1, 2], prefix: [3], wildcard: [] }] },
      ],
      { result: [{ exact: [1, 2], prefix: [3], wildcard: [] }] },
    ],
  ] as const)('%s: %j', (how, answers, merged) => {
    expect(mergeAnswers(how, answers as unknown as MetaAnswer[])).toEqual(merged);
  });

  it('answers the first error when no node succeeded', () => {
    expect(
      mergeAnswers('first', [{ error: ErrorUri.NO_SUCH_SUBSCRIPTION }, { error: ErrorUri.NO_SUCH_REALM }]),
    ).toEqual({
      error: ErrorUri.NO_SUCH_SUBSCRIPTION,
    });
  });
});

/** A question whose local meta API answers from `answers`, by procedure. */
function question(procedure: string, answers: Record<string, MetaAnswer>, kwargs = {}): MetaQuestion {
  return {
    realm: 'realm1',
    procedure,
    args: [5],
    kwargs,
    caller: 1,
    local: (asked) => answers[asked] ?? { error: ErrorUri.NO_SUCH_PROCEDURE },
  };
}

const entry = (publication: number, time: number) => ({ time, publication, topic: 'com.log', args: [publication] });

describe('clusterAnswer', () => {
  it('answers a procedure that concerns this node alone at once, without asking', () => {
    const ask: AskNodes = () => Promise.reject(new Error('must not be asked'));
    const local = { result: [[]] };
    expect(
      clusterAnswer(question('wamp.registration.list', { 'wamp.registration.list': local }), ask, silentLogger),
    ).toBe(local);
  });

  it('merges get_events over the nodes: one copy of each publication, by time, filtered after the merge', async () => {
    const answers = {
      'wamp.subscription.get': { result: [{ id: 5, uri: 'com.log', match: 'exact' }] },
      [KEPT_EVENTS]: { result: [[entry(1, 10), entry(3, 30)]] },
    };
    const asked: unknown[] = [];
    const ask: AskNodes = async (query) => {
      asked.push(query);
      return [{ result: [[entry(2, 20), entry(3, 30), { time: 'late' }]] }, { error: ErrorUri.NO_SUCH_REALM }];
    };
    const merged = await clusterAnswer(
      question('wamp.subscription.get_events', answers, { reverse: true, limit: 2 }),
      ask,
      silentLogger,
    );
    expect(asked).toEqual([
      { realm: 'realm1', procedure: KEPT_EVENTS, args: ['com.log', 'exact'], kwargs: {}, caller: 0 },
    ]);
    const events = (merged as { result: Record<string, unknown>[][] }).result[0]!;
    // The newest two of the cluster's log, publication 3 once: this node alone would have answered 3 and 1.
    expect(events.map((event) => [event.publication, event.subscription])).toEqual([
      [3, 5],
      [2, 5],
    ]);
  });

  it('answers get_events for an unknown subscription with this node’s error, without asking', async () => {
    const ask: AskNodes = () => Promise.reject(new Error('must not be asked'));
    const answers = { 'wamp.subscription.get': { error: ErrorUri.NO_SUCH_SUBSCRIPTION, args: [] } };
    expect(await clusterAnswer(question('wamp.subscription.get_events', answers), ask, silentLogger)).toEqual({
      error: ErrorUri.NO_SUCH_SUBSCRIPTION,
    });
  });
});
