// The client's side of joining a realm: HELLO with the roles it implements, the optional CHALLENGE/AUTHENTICATE
// round, then WELCOME or ABORT.
import {
  abort,
  authenticate,
  type ChallengeMessage,
  ErrorUri,
  goodbye,
  type HelloDetails,
  hello,
  MessageCode,
  parseMessage,
  WampError,
  type WelcomeDetails,
} from '@wamp/protocol';
import { abortReason, ConnectionClosedError } from './errors.js';
import type { Transport, TransportCloseEvent } from './neutral-transport.js';
import type { AuthOptions, Challenge } from './options.js';

/**
 * What the client announces in HELLO: every role, with the advanced features it implements.
 *
 * @example
 * ```ts
 * transport.send(hello('realm1', { roles: CLIENT_ROLES, agent: AGENT }));
 * ```
 */
export const CLIENT_ROLES: HelloDetails['roles'] = {
  caller: {
    features: {
      call_canceling: true,
      call_timeout: true,
      caller_identification: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      payload_passthru_mode: true,
    },
  },
  callee: {
    features: {
      call_canceling: true,
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      registration_revocation: true,
      payload_passthru_mode: true,
    },
  },
  publisher: {
    features: {
      publisher_exclusion: true,
      publisher_identification: true,
      subscriber_blackwhite_listing: true,
      payload_passthru_mode: true,
    },
  },
  subscriber: {
    features: {
      pattern_based_subscription: true,
      publisher_identification: true,
      subscription_revocation: true,
      payload_passthru_mode: true,
    },
  },
};

/**
 * `HELLO.Details.agent`.
 *
 * @example
 * ```ts
 * transport.send(hello('realm1', { roles: CLIENT_ROLES, agent: AGENT }));
 * ```
 */
export const AGENT = '@wamp/client';

/**
 * True when the router announced `feature` for `role` in WELCOME: the client side of the feature intersection
 * (the client announces everything it implements in {@link CLIENT_ROLES}).
 *
 * @example
 * ```ts
 * if (routerSupports(welcome, 'dealer', 'call_canceling')) transport.send(cancel(id, {}));
 * ```
 */
export function routerSupports(welcome: WelcomeDetails, role: 'broker' | 'dealer', feature: string): boolean {
  return welcome.roles[role]?.features?.[feature] === true;
}

function helloDetails(auth: AuthOptions | undefined): HelloDetails {
  const details: HelloDetails = { roles: CLIENT_ROLES, agent: AGENT };
  if (auth === undefined) return details;
  if (auth.authmethods !== undefined) details.authmethods = auth.authmethods;
  if (auth.authid !== undefined) details.authid = auth.authid;
  if (auth.authrole !== undefined) details.authrole = auth.authrole;
  const authextra = auth.authextra; // read once: it may be a getter with fresh data for each HELLO
  if (authextra !== undefined) details.authextra = authextra;
  return details;
}

/**
 * Called with the router's answer as soon as WELCOME arrives, before any later message can be delivered.
 *
 * @example
 * ```ts
 * const onWelcome: OnWelcome = (id, details) => { transport.onmessage = onMessage; };
 * ```
 */
export type OnWelcome = (session: number, details: WelcomeDetails) => void;

/**
 * Opens a WAMP session over an open transport: HELLO, an optional CHALLENGE/AUTHENTICATE round, then WELCOME or
 * ABORT. `auth.onWelcome` may refuse the WELCOME (GOODBYE, then the join fails with its error). `onWelcome` runs
 * synchronously on WELCOME so the caller can take over the transport's handler slots without a gap; the promise
 * then resolves. It rejects with the ABORT as a `WampError`, a
 * `ConnectionClosedError`, or the signal's reason, and the transport is closed.
 *
 * @example
 * ```ts
 * await handshake(transport, 'realm1', undefined, signal, (id, welcome) => { transport.onmessage = onMessage; });
 * ```
 */
export function handshake(
  transport: Transport,
  realm: string,
  auth: AuthOptions | undefined,
  signal: AbortSignal | undefined,
  onWelcome: OnWelcome,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown, abortReasonUri?: string) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      transport.onmessage = null;
      transport.ondecodeerror = null;
      transport.onclose = null;
      if (abortReasonUri !== undefined) {
        transport.send(abort({ message: error instanceof Error ? error.message : String(error) }, abortReasonUri));
      }
      transport.close(1000, '');
      reject(error);
    };
    const onAbort = () => fail(abortReason(signal!));
    const onChallenge = (message: ChallengeMessage) => {
      const answer = auth?.onChallenge;
      if (answer === undefined) {
        fail(
          new WampError(ErrorUri.AUTHENTICATION_FAILED, [
            `the router asked for ${message[1]} authentication, but no auth.onChallenge was given`,
          ]),
          ErrorUri.AUTHENTICATION_FAILED,
        );
        return;
      }
      new Promise<Awaited<ReturnType<typeof answer>>>((done) => done(answer(challengeOf(message, transport))))
        .then((reply) => {
          if (settled) return;
          if (typeof reply === 'string') transport.send(authenticate(reply, {}));
          else transport.send(authenticate(reply.signature, reply.extra ?? {}));
        })
        .catch((error: unknown) => fail(error, ErrorUri.AUTHENTICATION_FAILED));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    transport.onmessage = (raw) => {
      let message: ReturnType<typeof parseMessage>;
      try {
        message = parseMessage(raw);
      } catch (error) {
        fail(error, ErrorUri.PROTOCOL_VIOLATION);
        return;
      }
      switch (message[0]) {
        case MessageCode.WELCOME:
          if (settled) return;
          try {
            auth?.onWelcome?.(message[2]);
          } catch (error) {
            // The router has opened the session already: leave it with GOODBYE rather than ABORT.
            const text = error instanceof Error ? error.message : String(error);
            transport.send(goodbye({ message: text }, ErrorUri.AUTHENTICATION_FAILED));
            fail(error);
            return;
          }
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          onWelcome(message[1], message[2]);
          resolve();
          return;
        case MessageCode.CHALLENGE:
          onChallenge(message);
          return;
        case MessageCode.ABORT:
          fail(new WampError(message[2], message[3] ?? [], { kwargs: message[4] ?? {}, details: message[1] }));
          return;
        default:
          fail(
            new WampError(ErrorUri.PROTOCOL_VIOLATION, [`expected WELCOME, got message type ${message[0]}`]),
            ErrorUri.PROTOCOL_VIOLATION,
          );
      }
    };
    transport.ondecodeerror = (error) => fail(error, ErrorUri.PROTOCOL_VIOLATION);
    transport.onclose = (event: TransportCloseEvent) =>
      fail(
        new ConnectionClosedError(
          event.code,
          event.reason,
          event.wasClean,
          `the connection closed during the handshake (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
        ),
      );
    if (signal?.aborted) onAbort();
    else transport.send(hello(realm, helloDetails(auth)));
  });
}

/** What `onChallenge` gets: the CHALLENGE, and the connection's channel binding data where there is some. */
function challengeOf(message: ChallengeMessage, transport: Transport): Challenge {
  const challenge: Challenge = { method: message[1], extra: message[2] };
  if (transport.peer.tlsUnique !== undefined) challenge.tlsUnique = transport.peer.tlsUnique;
  return challenge;
}
