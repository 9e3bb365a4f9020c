// The meta API's listings (advanced profile: session, registration and subscription meta procedures): the IDs
// from `list`, then each one's `get`, with a bounded number of calls in flight.
import { isWampError, type Session } from '@wamp/client';

/** Calls in flight at once while describing a listing's entries. */
const IN_FLIGHT = 16;

/** What `wamp.session.get` says of a session (the spec's `SessionDetails`). */
export interface SessionInfo {
  session: number;
  authid?: string;
  authrole?: string;
  authmethod?: string;
  authprovider?: string;
  transport?: { protocol?: string; peer?: string };
  [key: string]: unknown;
}

/** What `wamp.registration.get` says of a registration. */
interface RegistrationDetails {
  id: number;
  uri: string;
  match: string;
  invoke: string;
  created: string;
  [key: string]: unknown;
}

/** `wamp.registration.get` and the callees of `wamp.registration.list_callees`. */
export interface RegistrationInfo extends RegistrationDetails {
  callees: number[];
}

/** What `wamp.subscription.get` says of a subscription. */
interface SubscriptionDetails {
  id: number;
  uri: string;
  match: string;
  created: string;
  [key: string]: unknown;
}

/** `wamp.subscription.get` and the subscribers of `wamp.subscription.list_subscribers`. */
export interface SubscriptionInfo extends SubscriptionDetails {
  subscribers: number[];
}

/** A listing: how many entries there are, and the first ones described (all, unless a limit was given). */
export interface Listing<T> {
  total: number;
  entries: T[];
}

/** The first positional result of a meta call. */
async function metaCall<T>(session: Session, procedure: string, args: unknown[] = []): Promise<T> {
  return (await session.raw.call(procedure, args)).args[0] as T;
}

/** `describe` of each ID, `IN_FLIGHT` at a time; entries gone in between (a `no_such_*` error) are left out. */
async function describeAll<T>(
  all: readonly number[],
  limit: number,
  describe: (id: number) => Promise<T>,
): Promise<Listing<T>> {
  const ids = all.slice(0, limit);
  const described: (T | undefined)[] = new Array(ids.length);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const index = next++;
      try {
        described[index] = await describe(ids[index]!);
      } catch (error) {
        if (!(isWampError(error) && error.uri.startsWith('wamp.error.no_such_'))) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, ids.length) }, worker));
  return { total: all.length, entries: described.filter((entry) => entry !== undefined) };
}

/** The IDs of a `list` answered by match policy (`{ exact: [...], prefix: [...], wildcard: [...] }`). */
function idsByPolicy(lists: Record<string, unknown> | undefined): number[] {
  return Object.values(lists ?? {}).flatMap((ids) => (Array.isArray(ids) ? (ids as number[]) : []));
}

/**
 * The realm's sessions, but the one asking, the first `limit` as `wamp.session.get` describes them.
 *
 * @example
 * ```ts
 * const { total, entries } = await listSessions(session); // 1, [{ session: 42, authid: 'alice', authrole: 'user', … }]
 * ```
 */
export async function listSessions(session: Session, limit = Number.POSITIVE_INFINITY): Promise<Listing<SessionInfo>> {
  const ids = await metaCall<number[]>(session, 'wamp.session.list');
  const others = (ids ?? []).filter((id) => id !== session.id);
  return describeAll(others, limit, (id) => metaCall<SessionInfo>(session, 'wamp.session.get', [id]));
}

/**
 * The realm's registrations, the first `limit` with their callees.
 *
 * @example
 * ```ts
 * const { entries } = await listRegistrations(session); // [{ id, uri: 'com.example.add', match, invoke, created, callees: [42] }]
 * ```
 */
export async function listRegistrations(
  session: Session,
  limit = Number.POSITIVE_INFINITY,
): Promise<Listing<RegistrationInfo>> {
  const ids = idsByPolicy(await metaCall(session, 'wamp.registration.list'));
  return describeAll(ids, limit, async (id) => {
    const [details, callees] = await Promise.all([
      metaCall<RegistrationDetails>(session, 'wamp.registration.get', [id]),
      metaCall<number[]>(session, 'wamp.registration.list_callees', [id]),
    ]);
    return { ...details, callees: callees ?? [] };
  });
}

/**
 * The realm's subscriptions, the first `limit` with their subscribers.
 *
 * @example
 * ```ts
 * const { entries } = await listSubscriptions(session); // [{ id, uri: 'com.example.chat', match, created, subscribers: [7, 9] }]
 * ```
 */
export async function listSubscriptions(
  session: Session,
  limit = Number.POSITIVE_INFINITY,
): Promise<Listing<SubscriptionInfo>> {
  const ids = idsByPolicy(await metaCall(session, 'wamp.subscription.list'));
  return describeAll(ids, limit, async (id) => {
    const [details, subscribers] = await Promise.all([
      metaCall<SubscriptionDetails>(session, 'wamp.subscription.get', [id]),
      metaCall<number[]>(session, 'wamp.subscription.list_subscribers', [id]),
    ]);
    return { ...details, subscribers: subscribers ?? [] };
  });
}
