/**
 * The session's events (`state`, `open`, `close`, `error`), their payload types, and the listener registry the
 * connection emits them through.
 */
import type { WelcomeDetails } from '@wamp/protocol';
import { reportUnhandled } from './errors.js';

/**
 * The session's state, named as WebSocket's `readyState`. After an unexpected close with reconnect on, it goes
 * `closed` → `connecting` → `open` again; `close()` ends it for good in `closed`.
 *
 * @example
 * ```ts
 * session.on('state', (state: SessionState) => (badge.textContent = state));
 * ```
 */
export type SessionState = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * What `close` listeners learn: the WebSocket close, the router's reason when it said goodbye, and whether the
 * session will reconnect.
 *
 * @example
 * ```ts
 * session.on('close', ({ code, reason, wampReason, willReconnect }: CloseInfo) => log(code, reason, wampReason));
 * ```
 */
export interface CloseInfo {
  /** The WebSocket close code (1000 normal, 1001 going away, 1006 dropped, …). */
  code: number;
  /** The WebSocket close reason. */
  reason: string;
  /** True when the closing handshake completed. */
  wasClean: boolean;
  /** The router's GOODBYE or ABORT reason, e.g. `wamp.close.system_shutdown`, when it sent one. */
  wampReason?: string;
  /** True when the session will try to reconnect; false on the final close. */
  willReconnect: boolean;
}

/**
 * The session's events and their listeners.
 *
 * @example
 * ```ts
 * const off = session.on('open', (welcome) => console.log('joined as', welcome.authid));
 * ```
 */
export interface SessionEvents {
  /** The state changed. */
  state: (state: SessionState) => void;
  /** The session joined (again), with registrations and subscriptions restored. */
  open: (welcome: WelcomeDetails) => void;
  /** The connection closed; `willReconnect` says whether it comes back. */
  close: (info: CloseInfo) => void;
  /** A handler threw, a restore was refused, or the router broke the protocol. Without a listener: `console.error`. */
  error: (error: unknown) => void;
}

/**
 * The listeners of each session event. A listener that throws is reported and does not stop the others.
 *
 * @example
 * ```ts
 * class Connection extends SessionEmitter {
 *   private opened(welcome: WelcomeDetails): void {
 *     this.emit('open', welcome);
 *   }
 * }
 * ```
 */
export class SessionEmitter {
  private readonly listeners: { [K in keyof SessionEvents]: Set<SessionEvents[K]> } = {
    state: new Set(),
    open: new Set(),
    close: new Set(),
    error: new Set(),
  };

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => {
      this.listeners[event].delete(listener);
    };
  }

  /** Reports an error to `error` listeners, or to the console when there are none. */
  reportError(error: unknown): void {
    if (this.listeners.error.size === 0) reportUnhandled(error);
    else this.emit('error', error);
  }

  protected emit<K extends keyof SessionEvents>(event: K, value: Parameters<SessionEvents[K]>[0]): void {
    for (const listener of this.listeners[event]) {
      try {
        (listener as (value: unknown) => void)(value);
      } catch (error) {
        reportUnhandled(error);
      }
    }
  }
}
