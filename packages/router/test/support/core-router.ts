// A router core on its own (no server, no cluster, no authentication but anonymous) for the colocated tests of
// src/core/: raw peers join it over in-memory pairs, as `createLocalTransport()` connects them to a whole router.
// It loads nothing that does I/O, so core/ tests may use it (see tests/repository/layers.ts).
import { call, type KwArgs, type Message, type MessageCode } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { createMemoryPair } from '@wamp/transport';
import type { RealmAuth } from '../../src/auth/options.js';
import type { AdminSettings } from '../../src/core/admin.js';
import type { Authenticator } from '../../src/core/auth.js';
import { type EventHistoryOptions, resolveEventHistory } from '../../src/core/broker/history-options.js';
import { resolveLimits } from '../../src/core/limits-options.js';
import { RouterCore } from '../../src/core/router-core.js';
import type { RouterTracer } from '../../src/core/tracing.js';
import { silentLogger } from '../../src/logger.js';
import type { ResolvedOptions } from '../../src/options.js';
import { RawPeer } from './raw-peer.js';

/** What a test configures of the core; everything else has the router's defaults. */
export interface CoreOptions {
  realms?: string[];
  auth?: Record<string, RealmAuth>;
  eventHistory?: EventHistoryOptions[];
  /** Spans for calls and publications; default none. */
  tracing?: RouterTracer;
  /** The dashboard's admin roles and tap bounds: its `router.*` procedures and taps; default off. */
  admin?: AdminSettings;
}

/** A router core and its peers; disposing of it closes the peers. */
export interface CoreFixture extends Disposable {
  core: RouterCore;
  /** A raw peer over a new memory pair, not joined yet. */
  peer(): RawPeer;
  /** A raw peer that joined `realm`. */
  joined(realm?: string): Promise<RawPeer>;
}

/**
 * Lets every session in anonymously, with the realm's anonymous role (`anonymous` when the realm configures none),
 * as the router's own authenticator does for anonymous access; or with the authrole its HELLO asks for, a test's
 * way to have sessions of different roles in one realm.
 */
function anonymousAuthenticator(auth: Record<string, RealmAuth>): Authenticator {
  return {
    start: (request) => ({
      kind: 'welcome',
      authid: request.session.toString(36),
      authrole:
        typeof request.details.authrole === 'string'
          ? request.details.authrole
          : (auth[request.realm]?.anonymous?.role ?? 'anonymous'),
      authmethod: 'anonymous',
      authprovider: 'static',
    }),
  };
}

/**
 * Starts a router core with `options`, speaking JSON.
 *
 * @example
 * ```ts
 * using fixture = startCore({ auth: grantEverything('realm1') });
 * const peer = await fixture.joined();
 * expect((await callMeta(peer, 'wamp.session.count'))[3]).toEqual([0]);
 * ```
 */
export function startCore(options: CoreOptions = {}): CoreFixture {
  const auth = options.auth ?? {};
  const resolved: ResolvedOptions = {
    realms: options.realms ?? ['realm1'],
    autoCreateRealms: false,
    serializers: ['json'],
    uriCheck: 'loose',
    limits: resolveLimits(),
    logger: silentLogger,
    keepalive: false,
    allowedOrigins: undefined,
    perMessageDeflate: false,
    eventHistory: resolveEventHistory(options.eventHistory),
    auth,
    cluster: null,
    metrics: null,
    tracing: options.tracing ?? null,
    dashboard:
      options.admin === undefined
        ? null
        : { token: null, tokenGenerated: false, allowedOrigins: undefined, ...options.admin },
  };
  const pair = () => createMemoryPair(jsonSerializer);
  const core = new RouterCore(resolved, [jsonSerializer], 'core-test', pair, anonymousAuthenticator(auth));
  const peers: RawPeer[] = [];
  const peer = () => {
    const [client, server] = pair();
    core.accept(server);
    const made = new RawPeer(client);
    peers.push(made);
    return made;
  };
  return {
    core,
    peer,
    async joined(realm = 'realm1') {
      const made = peer();
      await made.join(realm);
      return made;
    },
    [Symbol.dispose]() {
      for (const made of peers) made.transport.terminate();
    },
  };
}

const requests = new WeakMap<RawPeer, number>();

/**
 * Calls a meta procedure from `peer` and resolves with the answer (RESULT or ERROR).
 *
 * @example
 * ```ts
 * const [code, , , args] = await callMeta(peer, 'wamp.session.list');
 * ```
 */
export async function callMeta(
  peer: RawPeer,
  procedure: string,
  args: unknown[] = [],
  kwargs: KwArgs = {},
): Promise<Message> {
  const request = (requests.get(peer) ?? 0) + 1;
  requests.set(peer, request);
  peer.send(call(request, {}, procedure, args, kwargs));
  return peer.next();
}

/**
 * Sends `message` (REGISTER, SUBSCRIBE) from `peer` and resolves with the ID its acknowledgement `code` carries.
 *
 * @example
 * ```ts
 * const subscription = await acknowledgedId(peer, subscribe(1, {}, 'com.log'), MessageCode.SUBSCRIBED);
 * ```
 */
export async function acknowledgedId(peer: RawPeer, message: Message, code: MessageCode): Promise<number> {
  peer.send(message);
  const answer = await peer.next();
  if (answer[0] !== code) throw new Error(`expected ${code}, got ${JSON.stringify(answer)}`);
  return answer[2] as number;
}
