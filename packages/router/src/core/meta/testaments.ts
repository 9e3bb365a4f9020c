// The testament types: the events a session leaves to be published when it ends, in the spec's two scopes.
import type { Args, KwArgs, PublishOptions } from '@wamp/protocol';

/** An event a session left to be published when it ends (`wamp.session.add_testament`). */
export interface Testament {
  topic: string;
  args: Args;
  kwargs: KwArgs;
  options: PublishOptions;
  /** Implementation option `_on_goodbye`: publish it even when the session leaves with a clean GOODBYE. */
  onGoodbye: boolean;
}

/** A session's testaments in the spec's two scopes, in the order they were added. */
export interface Testaments {
  detached: Testament[];
  destroyed: Testament[];
}

/** The testament scopes the spec defines; `destroyed` is the default. */
export type TestamentScope = keyof Testaments;
