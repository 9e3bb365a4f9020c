// What a publication's EVENTs carry besides the payload, made once per publication: the details (publisher
// disclosure, passthru keys, the topic for pattern subscribers), and the subscriber lists it names, for other nodes.
import { type EventDetails, type PublishMessage, TRACE_CONTEXT_KEY, type TraceContextCarrier } from '@wamp/protocol';
import type { RetainedRecord } from '../fabric.js';
import { copyPassthru } from '../passthru.js';
import type { RouterSession } from '../session.js';
import { namesReceivers, ReceiverFilter, type ReceiverLists } from './receivers.js';
import type { RetainedEvent } from './retained.js';

/** Shared by every EVENT without details; never mutated, and encoded synchronously. */
const NO_DETAILS: EventDetails = Object.freeze({});

/**
 * EVENT details of a publication: the publisher when it disclosed itself, payload passthru keys, and while tracing
 * is on the router's span under `_tracecontext`.
 *
 * @example
 * ```ts
 * eventDetails(session, { disclose_me: true }, false, undefined); // { publisher, publisher_authid, publisher_authrole }
 * ```
 */
export function eventDetails(
  session: RouterSession,
  options: PublishMessage[2],
  forceDisclose: boolean,
  traceContext: TraceContextCarrier | undefined,
): EventDetails {
  const disclose = forceDisclose || options.disclose_me === true;
  if (!disclose && options.ppt_scheme === undefined && traceContext === undefined) return NO_DETAILS;
  const details: EventDetails = {};
  if (disclose) {
    details.publisher = session.id;
    details.publisher_authid = session.authid;
    details.publisher_authrole = session.authrole;
  }
  copyPassthru(options, details);
  if (traceContext !== undefined) details[TRACE_CONTEXT_KEY] = traceContext;
  return details;
}

/**
 * The subscriber lists a PUBLISH names, for other nodes; null (no allocation) when it names none.
 *
 * @example
 * ```ts
 * receiverLists({ eligible: [7] }); // { eligible: [7] }
 * ```
 */
export function receiverLists(options: PublishMessage[2]): ReceiverLists | null {
  if (!namesReceivers(options)) return null;
  const lists: ReceiverLists = {};
  if (options.exclude !== undefined) lists.exclude = options.exclude;
  if (options.exclude_authid !== undefined) lists.exclude_authid = options.exclude_authid;
  if (options.exclude_authrole !== undefined) lists.exclude_authrole = options.exclude_authrole;
  if (options.eligible !== undefined) lists.eligible = options.eligible;
  if (options.eligible_authid !== undefined) lists.eligible_authid = options.eligible_authid;
  if (options.eligible_authrole !== undefined) lists.eligible_authrole = options.eligible_authrole;
  return lists;
}

/**
 * A retained event the cluster kept, as the broker sends it.
 *
 * @example
 * ```ts
 * sendRetained(session, subscription, records.map(retainedFromRecord));
 * ```
 */
export function retainedFromRecord(record: RetainedRecord): RetainedEvent {
  return {
    topic: record.topic,
    publication: record.publication,
    details: record.details,
    args: record.args,
    kwargs: record.kwargs,
    filter: record.receivers === null ? null : ReceiverFilter.from(record.receivers),
  };
}

/**
 * EVENT details for a pattern subscription: the publication's details plus the concrete topic.
 *
 * @example
 * ```ts
 * withTopic({ publisher: 7 }, 'com.app.a'); // { topic: 'com.app.a', publisher: 7 }
 * ```
 */
export function withTopic(details: EventDetails, topic: string): EventDetails {
  if (details === NO_DETAILS) return { topic };
  const copy: EventDetails = { topic };
  for (const key in details) copy[key] = details[key];
  return copy;
}
