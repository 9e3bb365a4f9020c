// What a publisher hears back: nothing unless its PUBLISH asked for `acknowledge` (spec: PUBLISH, errors
// included), else PUBLISHED or an ERROR.
import { error, MessageCode, type PublishMessage, published } from '@wamp/protocol';
import { LIMIT_REACHED } from '../limits.js';
import type { RouterSession } from '../session.js';

/**
 * Refuses a PUBLISH with ERROR `uri` (and `why` as its argument), sent only when it asked for `acknowledge`.
 *
 * @example
 * ```ts
 * refusePublish(session, message, ErrorUri.NOT_AUTHORIZED, undefined);
 * ```
 */
export function refusePublish(
  session: RouterSession,
  message: PublishMessage,
  uri: string,
  why: string | undefined,
): void {
  if (message[2].acknowledge !== true) return;
  session.send(error(MessageCode.PUBLISH, message[1], {}, uri, why === undefined ? undefined : [why]));
}

/**
 * Answers an acknowledged publication: PUBLISHED, or, when its event was delivered but a retention bound refused
 * to keep it, ERROR `wamp.error.unavailable` saying so (the publisher asked for something it did not get).
 *
 * @example
 * ```ts
 * acknowledgePublish(session, request, publication, undefined); // PUBLISHED
 * ```
 */
export function acknowledgePublish(
  session: RouterSession,
  request: number,
  publication: number,
  notRetained: string | undefined,
): void {
  if (notRetained === undefined) session.send(published(request, publication));
  else session.send(error(MessageCode.PUBLISH, request, {}, LIMIT_REACHED, [notRetained]));
}
