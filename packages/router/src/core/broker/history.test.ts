import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventHistory, type HistoryQuery } from './history.js';
import { storedSize } from './payload-size.js';

type HistoryConfig = ConstructorParameters<typeof EventHistory>[0][number];

const START = Date.parse('2030-01-01T00:00:00.000Z');
const NO_BOUND = Number.MAX_SAFE_INTEGER;

/** A log's configuration: exact match, bounds that do not bind unless given. */
function log(topic: string, bounds: Partial<HistoryConfig> = {}): HistoryConfig {
  return { topic, match: 'exact', limit: 1_000, maxBytes: NO_BOUND, ...bounds };
}

/** What one event of `args` on `topic` weighs against the byte bounds, as the history measures it. */
const weight = (topic: string, args: unknown[]) => storedSize(topic, args, undefined, NO_BOUND);

const publicationsOf = (entries: readonly { publication: number }[] | undefined) =>
  entries?.map((entry) => entry.publication);

// Events are kept with the broker's clock: each test moves it a second per publication, so that "oldest" and the
// time filters are decided by distinct times.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Records `[topic, publication]` events one second apart. */
function publish(history: EventHistory, events: [string, number][], args: unknown[] = ['payload']): void {
  for (const [topic, publication] of events) {
    history.record(topic, publication, args, undefined);
    vi.advanceTimersByTime(1_000);
  }
}

describe('EventHistory bounds', () => {
  it('keeps the last `limit` events of a log', () => {
    const history = new EventHistory([log('com.log.a', { limit: 3 })], NO_BOUND);
    publish(
      history,
      [1, 2, 3, 4, 5].map((id) => ['com.log.a', id]),
    );
    expect(publicationsOf(history.entriesOf('com.log.a', 'exact'))).toEqual([3, 4, 5]);
  });

  it('keeps a log within its bytes, the oldest dropped first, and keeps nowhere an event heavier than the log', () => {
    const event = weight('com.log.a', ['payload']);
    const history = new EventHistory([log('com.log.a', { maxBytes: 2 * event + event / 2 })], NO_BOUND);
    publish(
      history,
      [1, 2, 3, 4].map((id) => ['com.log.a', id]),
    );
    expect(publicationsOf(history.entriesOf('com.log.a', 'exact'))).toEqual([3, 4]);
    publish(history, [['com.log.a', 5]], ['x'.repeat(3 * event)]);
    expect(publicationsOf(history.entriesOf('com.log.a', 'exact'))).toEqual([3, 4]); // nothing pushed out for it
  });

  it('keeps all logs of the realm within maxRealmBytes by dropping the oldest event of any log', () => {
    const event = weight('com.log.a', ['payload']);
    expect(weight('com.log.b', ['payload'])).toBe(event);
    const history = new EventHistory([log('com.log.a'), log('com.log.b')], 3 * event);
    // The oldest is in the second log: a tie in time would pick the first log and drop publication 2 instead.
    publish(history, [
      ['com.log.b', 1],
      ['com.log.a', 2],
      ['com.log.b', 3],
      ['com.log.a', 4],
    ]);
    expect(publicationsOf(history.entriesOf('com.log.b', 'exact'))).toEqual([3]);
    expect(publicationsOf(history.entriesOf('com.log.a', 'exact'))).toEqual([2, 4]);
  });

  it('drops the oldest event of the realm first even when events share a millisecond', () => {
    const event = weight('com.log.a', ['payload']);
    const history = new EventHistory([log('com.log.a'), log('com.log.b')], 2 * event);
    // The clock stands still: only the order of recording tells that publication 1 is the oldest.
    for (const [topic, publication] of [
      ['com.log.b', 1],
      ['com.log.a', 2],
      ['com.log.a', 3],
    ] as const) {
      history.record(topic, publication, ['payload'], undefined);
    }
    expect(publicationsOf(history.entriesOf('com.log.b', 'exact'))).toEqual([]);
    expect(publicationsOf(history.entriesOf('com.log.a', 'exact'))).toEqual([2, 3]);
  });

  it('bounds a log by the realm bytes when those are smaller than its own', () => {
    const event = weight('com.log.a', ['payload']);
    const history = new EventHistory([log('com.log.a', { maxBytes: 10 * event })], event);
    publish(
      history,
      [1, 2].map((id) => ['com.log.a', id]),
    );
    expect(publicationsOf(history.entriesOf('com.log.a', 'exact'))).toEqual([2]);
  });
});

describe('EventHistory topics', () => {
  const history = () =>
    new EventHistory(
      [log('com.log.auth'), log('com.log.', { match: 'prefix' }), log('com..auth', { match: 'wildcard' })],
      NO_BOUND,
    );

  it('keeps a publication in every log whose topic or pattern matches it', () => {
    const kept = history();
    publish(kept, [
      ['com.log.auth', 1],
      ['com.log.db', 2],
      ['com.web.auth', 3],
      ['org.log.auth', 4],
    ]);
    expect(publicationsOf(kept.entriesOf('com.log.auth', 'exact'))).toEqual([1]);
    expect(publicationsOf(kept.entriesOf('com.log.', 'prefix'))).toEqual([1, 2]);
    expect(publicationsOf(kept.entriesOf('com..auth', 'wildcard'))).toEqual([1, 3]);
  });

  it('answers only for the (topic, match) a log is configured with', () => {
    const kept = history();
    publish(kept, [['com.log.db', 1]]);
    expect(kept.entriesOf('com.log.', 'exact')).toBeUndefined();
    expect(kept.query('com.log.db', 'exact', {})).toBeUndefined();
    expect(kept.query('com.log.', 'prefix', {})).toHaveLength(1);
  });

  it('is disabled, and keeps nothing, without configured topics', () => {
    const none = new EventHistory([], NO_BOUND);
    publish(none, [['com.log.auth', 1]]);
    expect(none.enabled).toBe(false);
    expect(none.query('com.log.auth', 'exact', {})).toBeUndefined();
  });
});

describe('EventHistory queries (wamp.subscription.get_events)', () => {
  /** Publications 10…14 at START + 0…4 s, alternating between two topics under one prefix log. */
  function fiveEvents(): EventHistory {
    const history = new EventHistory([log('com.log.', { match: 'prefix' })], NO_BOUND);
    publish(
      history,
      [10, 11, 12, 13, 14].map((id, index) => [index % 2 === 0 ? 'com.log.a' : 'com.log.b', id]),
    );
    return history;
  }
  const at = (seconds: number) => new Date(START + seconds * 1_000).toISOString();

  it.each<[HistoryQuery, number[]]>([
    [{}, [10, 11, 12, 13, 14]],
    [{ limit: 2 }, [10, 11]],
    [{ reverse: true, limit: 2 }, [14, 13]],
    [{ limit: 0 }, [10, 11, 12, 13, 14]],
    [{ from_publication: 11 }, [11, 12, 13, 14]],
    [{ after_publication: 11 }, [12, 13, 14]],
    [{ before_publication: 13 }, [10, 11, 12]],
    [{ until_publication: 13 }, [10, 11, 12, 13]],
    [{ after_publication: 10, before_publication: 14 }, [11, 12, 13]],
    [{ from_time: at(1) }, [11, 12, 13, 14]],
    [{ after_time: at(1) }, [12, 13, 14]],
    [{ before_time: at(3) }, [10, 11, 12]],
    [{ until_time: at(3) }, [10, 11, 12, 13]],
    [{ from_time: 'not a time' }, [10, 11, 12, 13, 14]],
    [{ topic: 'com.log.b' }, [11, 13]],
    [{ topic: 'com.log.a', reverse: true, limit: 2 }, [14, 12]],
  ])('%j', (filters, expected) => {
    expect(publicationsOf(fiveEvents().query('com.log.', 'prefix', filters))).toEqual(expected);
  });
});
