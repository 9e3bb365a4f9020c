// Dynamic authorization: a role whose actions a procedure of the realm decides, its answers cached.
import type { Action, Verdict } from './permissions.js';
import type { RouterSession } from './session.js';

/**
 * A role whose actions a procedure decides, registered in the realm by a trusted backend (Crossbar's dynamic
 * authorizer). The procedure is called with `[session, uri, action, options]`, where `session` is
 * `{ session, authid, authrole, authmethod, authprovider, authextra? }`, and answers `true`/`false` or
 * `{ allow, disclose?, cache? }`. An error, a malformed answer or no answer within `timeoutMs` denies.
 */
export interface DynamicAuthorization {
  /** The authorizer procedure's URI. */
  authorizer: string;
  /** How long the procedure may take; default 5,000 ms. */
  timeoutMs?: number;
  /**
   * Decisions are remembered per session, action and URI (unless the answer says `cache: false`), for `ttlMs`
   * (default 60,000) and at most `maxEntries` of them (default 10,000; 0 turns the cache off), least recently
   * used dropped first.
   */
  cache?: { maxEntries?: number; ttlMs?: number };
}

/** Calls a procedure of the realm as the router; rejects on an ERROR or after `timeoutMs`. */
export type AuthorizerCall = (procedure: string, args: unknown[], timeoutMs: number) => Promise<unknown[]>;

interface CachedVerdict {
  verdict: Verdict;
  expiresAt: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_CACHE_ENTRIES = 10_000;
const DEFAULT_CACHE_TTL_MS = 60_000;

/** What the authorizer procedure learns about the session that acts. */
function describeActor(session: RouterSession): Record<string, unknown> {
  const actor: Record<string, unknown> = {
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: session.authprovider,
  };
  if (session.authextra !== undefined) actor.authextra = session.authextra;
  return actor;
}

/** Reads the procedure's answer: a boolean, or `{ allow, disclose?, cache? }`; anything else denies. */
function readDecision(answer: unknown): { verdict: Verdict; cacheable: boolean } {
  if (typeof answer === 'boolean') return { verdict: answer ? 'allow' : 'deny', cacheable: true };
  if (typeof answer !== 'object' || answer === null) return { verdict: 'deny', cacheable: false };
  const { allow, disclose, cache } = answer as { allow?: unknown; disclose?: unknown; cache?: unknown };
  if (allow !== true) return { verdict: 'deny', cacheable: cache !== false && allow === false };
  return { verdict: disclose === true ? 'allow-disclosed' : 'allow', cacheable: cache !== false };
}

/**
 * One dynamically authorized role: asks its procedure, and remembers the answers in a bounded LRU cache with
 * a time to live, so that a session's repeated actions cost a map lookup rather than a round trip.
 *
 * @example
 * ```ts
 * const role = new DynamicAuthorizer({ authorizer: 'com.example.authorize' }, (p, args, t) => meta.call(p, args, t));
 * await role.check(session, 'publish', 'com.example.chat'); // 'allow', 'allow-disclosed' or 'deny'
 * ```
 */
export class DynamicAuthorizer {
  private readonly procedure: string;
  private readonly timeoutMs: number;
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  /** Map iteration order is insertion order: a hit re-inserts, so the first key is the least recently used. */
  private readonly cache = new Map<string, CachedVerdict>();

  constructor(
    config: DynamicAuthorization,
    private readonly callProcedure: AuthorizerCall,
    private readonly now: () => number = Date.now,
  ) {
    this.procedure = config.authorizer;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxEntries = config.cache?.maxEntries ?? DEFAULT_CACHE_ENTRIES;
    this.ttlMs = config.cache?.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  }

  /** Cached decisions, for tests and stats. */
  get cachedCount(): number {
    return this.cache.size;
  }

  /** The cached verdict when there is a fresh one, else a promise of the procedure's. */
  check(session: RouterSession, action: Action, uri: string): Verdict | Promise<Verdict> {
    const key = `${session.id} ${action} ${uri}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cache.delete(key);
      if (cached.expiresAt > this.now()) {
        this.cache.set(key, cached);
        return cached.verdict;
      }
    }
    return this.ask(session, action, uri, key);
  }

  private async ask(session: RouterSession, action: Action, uri: string, key: string): Promise<Verdict> {
    let answer: unknown[];
    try {
      answer = await this.callProcedure(this.procedure, [describeActor(session), uri, action, {}], this.timeoutMs);
    } catch (error) {
      session.log.warn(
        { session: session.id, action, uri, authorizer: this.procedure, err: error },
        'dynamic authorizer failed: action denied',
      );
      return 'deny';
    }
    const { verdict, cacheable } = readDecision(answer[0]);
    if (cacheable && this.maxEntries > 0) {
      this.cache.set(key, { verdict, expiresAt: this.now() + this.ttlMs });
      if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    }
    return verdict;
  }
}
