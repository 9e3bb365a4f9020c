import { Session, WampError } from '@wamp/client';
import type { Router } from '@wamp/router';
import { api, DEMO_REALM, DIVISION_BY_ZERO } from '../src/api.js';

/**
 * The demo's backend: an in-process session beside the router that registers the contract's procedures and
 * publishes the clock. Returns a function that stops it.
 *
 * @example
 * ```ts
 * const stop = await startBackend(router);
 * ```
 */
export async function startBackend(router: Router): Promise<() => Promise<void>> {
  const session = await Session.connect({
    realm: DEMO_REALM,
    api,
    transport: () => router.createLocalTransport(),
    reconnect: false,
  });
  await session.register('com.demo.add', ([a, b]) => a + b);
  await session.register('com.demo.divide', ([a, b]) => {
    if (b === 0) throw new WampError(DIVISION_BY_ZERO, [`cannot divide ${a} by zero`], { kwargs: { a, b } });
    return a / b;
  });
  await session.register('com.demo.reverse', ([text]) => [...text].reverse().join(''));
  await session.register('com.demo.countdown', async ([from], invocation) => {
    for (let n = Math.min(Math.max(1, Math.floor(from)), 20); n > 0; n--) {
      invocation.progress([String(n)]);
      // Paced so a person can watch it; a cancel from the page stops it here.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 300);
        invocation.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(invocation.signal.reason);
        });
      });
    }
    return 'liftoff';
  });
  const clock = setInterval(() => {
    void session.publish('com.demo.tick', [new Date().toISOString()]);
  }, 1000);
  clock.unref();
  return async () => {
    clearInterval(clock);
    await session.close();
  };
}
