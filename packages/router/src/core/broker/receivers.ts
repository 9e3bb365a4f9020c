// Subscriber black- and whitelisting: a publication's `exclude` and `eligible` lists, checked per subscriber.
import type { PublishOptions } from '@wamp/protocol';
import type { RouterSession } from '../session.js';

/** The subscriber black- and whitelists of a publication, as its PUBLISH options name them. */
export type ReceiverLists = Pick<
  PublishOptions,
  'exclude' | 'exclude_authid' | 'exclude_authrole' | 'eligible' | 'eligible_authid' | 'eligible_authrole'
>;

/**
 * True when `options` name any subscriber list.
 *
 * @example
 * ```ts
 * namesReceivers({ eligible: [7] }); // true
 * ```
 */
export function namesReceivers(options: ReceiverLists): boolean {
  return (
    options.exclude !== undefined ||
    options.exclude_authid !== undefined ||
    options.exclude_authrole !== undefined ||
    options.eligible !== undefined ||
    options.eligible_authid !== undefined ||
    options.eligible_authrole !== undefined
  );
}

function setOf<T>(values: T[] | undefined): Set<T> | null {
  return values === undefined ? null : new Set(values);
}

/**
 * The subscriber black- and whitelists of one publication (`exclude`, `eligible` and their `_authid` and
 * `_authrole` forms). Built only for publications that carry any of them; the rest take a null filter and
 * no per-subscriber check at all.
 */
export class ReceiverFilter {
  private readonly exclude: Set<number> | null;
  private readonly excludeAuthid: Set<string> | null;
  private readonly excludeAuthrole: Set<string> | null;
  private readonly eligible: Set<number> | null;
  private readonly eligibleAuthid: Set<string> | null;
  private readonly eligibleAuthrole: Set<string> | null;

  private constructor(options: ReceiverLists) {
    this.exclude = setOf(options.exclude);
    this.excludeAuthid = setOf(options.exclude_authid);
    this.excludeAuthrole = setOf(options.exclude_authrole);
    this.eligible = setOf(options.eligible);
    this.eligibleAuthid = setOf(options.eligible_authid);
    this.eligibleAuthrole = setOf(options.eligible_authrole);
  }

  /**
   * The filter for a publication's options, or null when they name no list.
   *
   * @example
   * ```ts
   * ReceiverFilter.from({ exclude: [42] })?.accepts(session);
   * ```
   */
  static from(options: ReceiverLists): ReceiverFilter | null {
    return namesReceivers(options) ? new ReceiverFilter(options) : null;
  }

  /** True when `session` may receive the event: on every whitelist given, and on no blacklist. */
  accepts(session: RouterSession): boolean {
    if (this.eligible !== null && !this.eligible.has(session.id)) return false;
    if (this.eligibleAuthid !== null && !this.eligibleAuthid.has(session.authid)) return false;
    if (this.eligibleAuthrole !== null && !this.eligibleAuthrole.has(session.authrole)) return false;
    if (this.exclude?.has(session.id)) return false;
    if (this.excludeAuthid?.has(session.authid)) return false;
    return !this.excludeAuthrole?.has(session.authrole);
  }
}
