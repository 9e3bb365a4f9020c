// The Subscription: one topic or pattern with its match policy, and its subscribers.
import type { MatchPolicy } from '@wamp/protocol';
import type { RouterSession } from '../session.js';

/**
 * One subscription: a topic (or pattern) with its match policy, and every session subscribed to it.
 * All subscribers of the same topic and policy share it and its ID, as the spec requires.
 */
export class Subscription {
  readonly subscribers = new Set<RouterSession>();
  /** When the first subscriber created it (for the meta API). */
  readonly created = new Date();

  constructor(
    readonly id: number,
    readonly topic: string,
    readonly match: MatchPolicy,
  ) {}
}
