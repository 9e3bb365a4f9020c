// WebSocket keepalive of a server's connections: pings on one timer, answers to the peer's pings, and the cut of
// a peer that fails either.
import type WebSocket from 'ws';
import { ReadyState } from '../transport.js';
import type { TransportLogger } from './logger.js';
import type { KeepaliveOptions } from './server.js';

interface Liveness {
  /** `ip:port` of the peer, for the log line when it is cut. */
  peer: string;
  /** When the unanswered ping went out; 0 while none is outstanding. */
  pingSentAt: number;
  lastPingAt: number;
}

/**
 * Pongs one connection may have queued and not yet written; the ping that would queue one more cuts the
 * connection. The same bound as ws's own `maxPendingAutoPongs` default, which {@link answerPings} replaces.
 */
export const MAX_PENDING_PONGS = 60;

/**
 * A connection {@link Keepalive} pings: a ws socket, or the server's own transport.
 *
 * @example
 * ```ts
 * const target: KeepaliveTarget = { readyState: 1, ping: () => socket.ping(), terminate: () => socket.destroy() };
 * ```
 */
export interface KeepaliveTarget {
  readonly readyState: number;
  ping(): void;
  terminate(): void;
}

/**
 * Keepalive for every connection of a server on one timer (not one per socket). A peer that stops answering,
 * e.g. behind a half-open TCP connection, is terminated, which its side sees as 1006, and logged at warn. The
 * connection reports its pongs with {@link Keepalive.answered} and its end with {@link Keepalive.untrack}.
 *
 * @example
 * ```ts
 * const keepalive = new Keepalive({ intervalMs: 30_000, timeoutMs: 10_000 }, logger);
 * keepalive.track(socket, '203.0.113.7:51234');
 * socket.on('pong', () => keepalive.answered(socket));
 * socket.once('close', () => keepalive.untrack(socket));
 * ```
 */
export class Keepalive {
  private readonly targets = new Map<KeepaliveTarget, Liveness>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: KeepaliveOptions,
    private readonly logger?: TransportLogger,
  ) {}

  track(target: KeepaliveTarget, peer: string): void {
    this.targets.set(target, { peer, pingSentAt: 0, lastPingAt: Date.now() });
    if (this.timer === null) {
      this.timer = setInterval(this.tick, Math.min(this.options.intervalMs, this.options.timeoutMs));
      this.timer.unref();
    }
  }

  /** `target` answered a ping. */
  answered(target: KeepaliveTarget): void {
    const liveness = this.targets.get(target);
    if (liveness !== undefined) liveness.pingSentAt = 0;
  }

  untrack(target: KeepaliveTarget): void {
    this.targets.delete(target);
    if (this.targets.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.targets.clear();
  }

  private readonly tick = (): void => {
    const now = Date.now();
    for (const [target, liveness] of this.targets) {
      if (liveness.pingSentAt !== 0) {
        if (now - liveness.pingSentAt >= this.options.timeoutMs && target.readyState === ReadyState.OPEN) {
          this.logger?.warn(
            { peer: liveness.peer, timeoutMs: this.options.timeoutMs },
            'connection cut: no pong within the keepalive timeout',
          );
          target.terminate();
        }
      } else if (now - liveness.lastPingAt >= this.options.intervalMs) {
        liveness.pingSentAt = now;
        liveness.lastPingAt = now;
        target.ping();
      }
    }
  };
}

/**
 * Answers the peer's pings (in place of ws's `autoPong`, which must be off), cutting a peer whose pings outrun
 * the pongs: more than {@link MAX_PENDING_PONGS} queued and not yet written, as from a ping flood that never
 * reads. Done here rather than by ws so that the cut is logged at warn, once. For ws sockets; the server's own
 * transport answers its pings itself.
 *
 * @example
 * ```ts
 * answerPings(socket, '203.0.113.7:51234', logger);
 * ```
 */
export function answerPings(socket: WebSocket, peer: string, logger?: TransportLogger): void {
  let pending = 0;
  const written = (): void => {
    pending--;
  };
  socket.on('ping', (data: Buffer) => {
    // After the cut (or a close) the socket is no longer open: later pings of the burst are ignored.
    if (socket.readyState !== ReadyState.OPEN) return;
    if (pending >= MAX_PENDING_PONGS) {
      logger?.warn({ peer, pendingPongs: pending }, 'connection cut: a burst of pings outran the pongs');
      socket.terminate();
      return;
    }
    pending++;
    socket.pong(data, false, written);
  });
}
