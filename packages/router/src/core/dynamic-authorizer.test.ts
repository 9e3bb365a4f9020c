import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import { type AuthorizerCall, type DynamicAuthorization, DynamicAuthorizer } from './dynamic-authorizer.js';
import type { RouterSession } from './session.js';

/** What the authorizer reads of a session: who it is (for the procedure's `session` argument) and its log. */
function sessionOf(id: number, log: Logger, authextra?: Record<string, unknown>): RouterSession {
  const session: Partial<RouterSession> = {
    id,
    authid: `user-${id}`,
    authrole: 'backend',
    authmethod: 'ticket',
    authprovider: 'static',
    log,
  };
  if (authextra !== undefined) session.authextra = authextra;
  return session as RouterSession;
}

/**
 * A realm's authorizer procedure as the router sees it: records each call, answers what `decide` returns (a
 * thrown error becomes a rejection, as an ERROR or a timeout does), and a clock the test moves.
 */
function authorizerWith(decide: (uri: string, action: string) => unknown, config: Partial<DynamicAuthorization> = {}) {
  const calls: { procedure: string; args: unknown[]; timeoutMs: number }[] = [];
  const warnings: Record<string, unknown>[] = [];
  const log: Logger = {
    debug() {},
    info() {},
    warn: (fields) => warnings.push(fields),
    error() {},
    child: () => log,
  };
  const call: AuthorizerCall = async (procedure, args, timeoutMs) => {
    calls.push({ procedure, args, timeoutMs });
    return [decide(args[1] as string, args[2] as string)];
  };
  const clock = { now: 1_000_000 };
  const authorizer = new DynamicAuthorizer({ authorizer: 'com.app.authorize', ...config }, call, () => clock.now);
  return {
    authorizer,
    calls,
    warnings,
    clock,
    session: (id = 1, authextra?: Record<string, unknown>) => sessionOf(id, log, authextra),
  };
}

describe('DynamicAuthorizer', () => {
  it('calls the procedure with the session, URI, action and options, within the configured timeout', async () => {
    const { authorizer, calls, session } = authorizerWith(() => true, { timeoutMs: 750 });
    await authorizer.check(session(4, { tier: 'gold' }), 'publish', 'com.app.chat');
    await authorizer.check(session(5), 'call', 'com.app.add');
    expect(calls).toEqual([
      {
        procedure: 'com.app.authorize',
        args: [
          {
            session: 4,
            authid: 'user-4',
            authrole: 'backend',
            authmethod: 'ticket',
            authprovider: 'static',
            authextra: { tier: 'gold' },
          },
          'com.app.chat',
          'publish',
          {},
        ],
        timeoutMs: 750,
      },
      {
        procedure: 'com.app.authorize',
        args: [
          { session: 5, authid: 'user-5', authrole: 'backend', authmethod: 'ticket', authprovider: 'static' },
          'com.app.add',
          'call',
          {},
        ],
        timeoutMs: 750,
      },
    ]);
  });

  it('waits 5 s by default', async () => {
    const { authorizer, calls, session } = authorizerWith(() => true);
    await authorizer.check(session(), 'call', 'com.app.add');
    expect(calls[0]?.timeoutMs).toBe(5_000);
  });

  it.each([
    [true, 'allow'],
    [false, 'deny'],
    [{ allow: true }, 'allow'],
    [{ allow: true, disclose: true }, 'allow-disclosed'],
    [{ allow: false, disclose: true }, 'deny'],
    [{ allow: 'yes' }, 'deny'],
    ['allow', 'deny'],
    [null, 'deny'],
    [undefined, 'deny'],
  ])('reads the answer %j as %s', async (answer, verdict) => {
    const { authorizer, session } = authorizerWith(() => answer);
    await expect(authorizer.check(session(), 'subscribe', 'com.app.news')).resolves.toBe(verdict);
  });

  it('denies when the procedure fails, logs why, and asks again next time', async () => {
    let failing = true;
    const { authorizer, calls, warnings, session } = authorizerWith(() => {
      if (failing) throw new Error('wamp.error.timeout');
      return true;
    });
    await expect(authorizer.check(session(), 'call', 'com.app.add')).resolves.toBe('deny');
    expect(warnings).toEqual([expect.objectContaining({ session: 1, action: 'call', uri: 'com.app.add' })]);
    failing = false;
    await expect(authorizer.check(session(), 'call', 'com.app.add')).resolves.toBe('allow');
    expect(calls).toHaveLength(2);
  });

  it('answers a repeated action of the same session from its cache, synchronously', async () => {
    const { authorizer, calls, session } = authorizerWith(
      (uri, action) => uri === 'com.app.news' && action === 'subscribe',
    );
    await authorizer.check(session(1), 'subscribe', 'com.app.news');
    expect(authorizer.check(session(1), 'subscribe', 'com.app.news')).toBe('allow');
    // Another session, action or URI is another question.
    await expect(authorizer.check(session(2), 'subscribe', 'com.app.news')).resolves.toBe('allow');
    await expect(authorizer.check(session(1), 'publish', 'com.app.news')).resolves.toBe('deny');
    await expect(authorizer.check(session(1), 'subscribe', 'com.app.other')).resolves.toBe('deny');
    expect(authorizer.check(session(1), 'subscribe', 'com.app.other')).toBe('deny'); // a plain `false` is cached too
    expect(calls).toHaveLength(4);
    expect(authorizer.cachedCount).toBe(4);
  });

  it.each([[{ allow: true, cache: false }], [{ allow: false, cache: false }], [{ allow: 'maybe' }]])(
    'does not cache the answer %j',
    async (answer) => {
      const { authorizer, calls, session } = authorizerWith(() => answer);
      await authorizer.check(session(), 'call', 'com.app.add');
      expect(authorizer.check(session(), 'call', 'com.app.add')).toBeInstanceOf(Promise);
      expect(calls).toHaveLength(2);
    },
  );

  it('forgets a decision once its time to live is over', async () => {
    const { authorizer, calls, clock, session } = authorizerWith(() => true, { cache: { ttlMs: 1_000 } });
    await authorizer.check(session(), 'call', 'com.app.add');
    clock.now += 999;
    expect(authorizer.check(session(), 'call', 'com.app.add')).toBe('allow');
    clock.now += 1;
    await expect(authorizer.check(session(), 'call', 'com.app.add')).resolves.toBe('allow');
    expect(calls).toHaveLength(2);
  });

  it('keeps at most maxEntries decisions and drops the least recently used first', async () => {
    const { authorizer, calls, session } = authorizerWith(() => true, { cache: { maxEntries: 2 } });
    await authorizer.check(session(), 'call', 'com.app.a');
    await authorizer.check(session(), 'call', 'com.app.b');
    expect(authorizer.check(session(), 'call', 'com.app.a')).toBe('allow'); // a hit: a is now the most recent
    await authorizer.check(session(), 'call', 'com.app.c'); // b is dropped
    expect(authorizer.cachedCount).toBe(2);
    expect(authorizer.check(session(), 'call', 'com.app.a')).toBe('allow');
    expect(authorizer.check(session(), 'call', 'com.app.c')).toBe('allow');
    expect(authorizer.check(session(), 'call', 'com.app.b')).toBeInstanceOf(Promise);
    expect(calls.map((call) => call.args[1])).toEqual(['com.app.a', 'com.app.b', 'com.app.c', 'com.app.b']);
  });

  it('caches nothing with maxEntries 0', async () => {
    const { authorizer, calls, session } = authorizerWith(() => true, { cache: { maxEntries: 0 } });
    await authorizer.check(session(), 'call', 'com.app.add');
    await authorizer.check(session(), 'call', 'com.app.add');
    expect(authorizer.cachedCount).toBe(0);
    expect(calls).toHaveLength(2);
  });
});
