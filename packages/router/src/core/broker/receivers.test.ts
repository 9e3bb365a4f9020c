import { describe, expect, it } from 'vitest';
import type { RouterSession } from '../session.js';
import { namesReceivers, ReceiverFilter, type ReceiverLists } from './receivers.js';

/** The subscribers of the cases: what the filter reads of each is its session ID, authid and authrole. */
const SUBSCRIBERS = [
  { id: 1, authid: 'alice', authrole: 'user' },
  { id: 2, authid: 'bob', authrole: 'user' },
  { id: 3, authid: 'carol', authrole: 'admin' },
  { id: 4, authid: 'alice', authrole: 'admin' },
] as Partial<RouterSession>[] as RouterSession[];

/** The IDs of the subscribers a publication with `options` reaches. */
function receivers(options: ReceiverLists): number[] {
  const filter = ReceiverFilter.from(options);
  return SUBSCRIBERS.filter((session) => filter === null || filter.accepts(session)).map((session) => session.id);
}

describe('ReceiverFilter', () => {
  it.each<[string, ReceiverLists, number[]]>([
    ['eligible by session', { eligible: [2, 3] }, [2, 3]],
    ['eligible by authid', { eligible_authid: ['alice'] }, [1, 4]],
    ['eligible by authrole', { eligible_authrole: ['admin'] }, [3, 4]],
    ['excluded by session', { exclude: [1, 4] }, [2, 3]],
    ['excluded by authid', { exclude_authid: ['alice', 'bob'] }, [3]],
    ['excluded by authrole', { exclude_authrole: ['user'] }, [3, 4]],
    ['every whitelist must name the subscriber', { eligible_authid: ['alice'], eligible_authrole: ['user'] }, [1]],
    ['a blacklist wins over a whitelist', { eligible: [1, 2, 3], exclude_authrole: ['admin'] }, [1, 2]],
    ['an empty whitelist lets nobody in', { eligible: [] }, []],
    ['an empty blacklist keeps nobody out', { exclude: [] }, [1, 2, 3, 4]],
  ])('%s', (_, options, expected) => {
    expect(receivers(options)).toEqual(expected);
  });

  it('is null for a publication that names no list, so delivery checks nobody', () => {
    expect(ReceiverFilter.from({})).toBeNull();
  });
});

describe('namesReceivers', () => {
  it.each<keyof ReceiverLists>([
    'exclude',
    'exclude_authid',
    'exclude_authrole',
    'eligible',
    'eligible_authid',
    'eligible_authrole',
  ])('sees %s, even empty', (list) => {
    expect(namesReceivers({ [list]: [] })).toBe(true);
  });

  it('is false for options without any list', () => {
    expect(namesReceivers({})).toBe(false);
  });
});
