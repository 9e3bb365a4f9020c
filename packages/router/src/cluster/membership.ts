// Which nodes of the cluster are alive: heartbeats, goodbyes, and a silent node declared gone.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '../logger.js';

/** The subject every node announces itself on, and the one it says goodbye on. */
const HEARTBEAT_SUBJECT = 'wamp.cluster.heartbeat';
const LEAVE_SUBJECT = 'wamp.cluster.leave';

/** How often a node announces itself, and how long without a word before it counts as gone. */
export interface MembershipTiming {
  heartbeatMs: number;
  failureTimeoutMs: number;
}

export const DEFAULT_TIMING: MembershipTiming = { heartbeatMs: 1_000, failureTimeoutMs: 3_000 };

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Which nodes are alive. Each node publishes its name on a heartbeat subject every `heartbeatMs`; a node not heard
 * for `failureTimeoutMs` is declared gone (it was killed, or cut off from NATS), and so is one that says goodbye
 * on a clean shutdown. What a gone node held (its callees, the calls it was serving or making) is then cleaned up
 * by the caller of {@link Membership.start}. A node heard again after that is alive again, and re-announces what it
 * holds itself.
 *
 * @example
 * ```ts
 * const membership = new Membership(connection, 'node-1', DEFAULT_TIMING, log);
 * membership.start((node) => log.warn({ node }, 'node gone'));
 * ```
 */
export class Membership {
  private readonly lastHeard = new Map<string, number>();
  /** Nodes heard at least once since they last joined, for the "joined" log line. */
  private readonly known = new Set<string>();
  private readonly subscriptions: Subscription[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  /** While this node is cut off from NATS it hears nobody, which says nothing about the others. */
  private suspended = false;

  constructor(
    private readonly connection: NatsConnection,
    private readonly node: string,
    private readonly timing: MembershipTiming,
    private readonly log: Logger,
  ) {}

  start(onGone: (node: string) => void): void {
    const heard = (node: string) => {
      if (node === this.node) return;
      if (!this.known.has(node)) {
        this.known.add(node);
        this.log.info({ node }, 'node joined the cluster');
      }
      this.lastHeard.set(node, Date.now());
    };
    const gone = (node: string, why: string) => {
      if (!this.lastHeard.delete(node)) return;
      this.known.delete(node);
      this.log.warn({ node, why }, 'node left the cluster');
      onGone(node);
    };
    this.subscriptions.push(
      this.connection.subscribe(HEARTBEAT_SUBJECT, {
        callback: (_error, message) => heard(fromUtf8.decode(message.data)),
      }),
      this.connection.subscribe(LEAVE_SUBJECT, {
        callback: (_error, message) => gone(fromUtf8.decode(message.data), 'said goodbye'),
      }),
    );
    const beat = () => {
      if (this.suspended) return;
      if (!this.connection.isClosed()) this.connection.publish(HEARTBEAT_SUBJECT, utf8.encode(this.node));
      const deadline = Date.now() - this.timing.failureTimeoutMs;
      for (const [node, at] of this.lastHeard) if (at < deadline) gone(node, 'no heartbeat');
    };
    beat();
    this.timer = setInterval(beat, this.timing.heartbeatMs);
    this.timer.unref();
  }

  /** How many other nodes are alive, as far as this node knows. */
  get others(): number {
    return this.lastHeard.size;
  }

  /**
   * Watches a node this node depends on (a callee's or a caller's node, one named in the registry) even before it
   * was heard: a node that dies before its first heartbeat reaches here is declared gone all the same.
   */
  expect(node: string): void {
    if (node !== this.node && !this.lastHeard.has(node)) this.lastHeard.set(node, Date.now());
  }

  /** This node lost NATS: nobody is declared gone until it is back. */
  suspend(): void {
    this.suspended = true;
  }

  /** This node is back on NATS: every known node gets a full failure timeout to be heard again. */
  resume(): void {
    const now = Date.now();
    for (const node of this.lastHeard.keys()) this.lastHeard.set(node, now);
    this.suspended = false;
  }

  /** Says goodbye, so the others clean up at once rather than after the failure timeout. */
  leave(): void {
    clearInterval(this.timer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    if (!this.connection.isClosed()) this.connection.publish(LEAVE_SUBJECT, utf8.encode(this.node));
  }
}
