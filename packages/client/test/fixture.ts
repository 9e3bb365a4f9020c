import type { Serializer } from '@wamp/protocol';
import { createRouter, type Router, type RouterOptions } from '@wamp/router';
import { type ApiDefinition, Session, type SessionOptions, type Untyped } from '../src/index.js';

/** A router on 127.0.0.1 and sessions on it, all closed by `await using`. */
export interface Fixture extends AsyncDisposable {
  router: Router;
  url: string;
  port: number;
  session<Api extends ApiDefinition = Untyped>(options?: Partial<SessionOptions<Api>>): Promise<Session<Api>>;
}

export async function startRouter(serializer: Serializer, port = 0, options: RouterOptions = {}): Promise<Fixture> {
  const router = createRouter({ limits: { shutdownGraceMs: 200 }, ...options });
  const listening = await router.listen({ host: '127.0.0.1', port });
  const sessions: Session<ApiDefinition>[] = [];
  return {
    router,
    url: listening.url,
    port: listening.port,
    async session<Api extends ApiDefinition = Untyped>(options: Partial<SessionOptions<Api>> = {}) {
      const session = await Session.connect<Api>({
        url: listening.url,
        realm: 'realm1',
        serializers: [serializer],
        reconnect: false,
        ...options,
      });
      sessions.push(session as unknown as Session<ApiDefinition>);
      return session;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(sessions.map((session) => session.close()));
      await router.close();
    },
  };
}

/** Resolves when `predicate` holds for a value `subscribe` reports, failing after `timeoutMs`. */
export function waitFor<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  predicate: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting'));
    }, timeoutMs);
    const off = subscribe((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}
