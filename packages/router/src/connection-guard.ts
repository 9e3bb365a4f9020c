// The guard on incoming connections: caps per address and on those not yet joined, the descriptor ceiling, and the
// cut of connections that never upgrade.
import type { Socket } from 'node:net';
import type { RouterSession } from './core/session.js';
import type { DescriptorCeiling } from './descriptor-limit.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';

type GuardLimits = Pick<
  ResolvedOptions['limits'],
  'upgradeTimeoutMs' | 'maxConnectionsPerAddress' | 'maxPendingConnectionsPerAddress' | 'maxPendingConnections'
>;

/** What the guard counts of any connection, with a socket of its own or not. */
interface Counted {
  address: string;
  /** Welcomed at least once, or gone: no longer counted as pending. */
  joined: boolean;
}

/** One connection the guard counts: from TCP accept (servers the router owns) or the upgrade request (others). */
interface Entry extends Counted {
  socket: Socket;
  /** When the connection is cut unless it upgraded by then (`Date.now()` time); 0 when no deadline runs. */
  upgradeBy: number;
  /** What it must do by then, for the log line: a WebSocket upgrade or a RawSocket handshake. */
  awaiting: string;
}

interface AddressCount {
  open: number;
  pending: number;
}

/** Refusals are logged the first time and then at powers of two, counted over windows of this length. */
const REFUSAL_WINDOW_MS = 60_000;

/**
 * The address a connection counts against: IPv4 as it is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64 prefix,
 * since one host usually holds a whole /64.
 *
 * @example
 * ```ts
 * addressKey('::ffff:203.0.113.7'); // '203.0.113.7'
 * addressKey('2001:db8::1');        // '2001:db8:0:0::/64'
 * ```
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === '' ? [] : tail.split(':');
  const groups = [...front, ...new Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The TCP socket under `socket`: a TLS connection's request carries the TLSSocket wrapping the socket that was
 * accepted. `_parent` is Node's own link between them (untyped).
 */
function tcpSocketOf(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket })._parent ?? socket;
}

/** `ip:port` of a socket, for log lines; a Unix socket's peer has no address. */
function peerOf(socket: Socket): string {
  return socket.remoteAddress === undefined ? 'unix socket' : `${socket.remoteAddress}:${socket.remotePort}`;
}

/**
 * Counts the router's connections per remote address and those not yet joined (no WELCOME yet), refuses the ones
 * past the caps or the descriptor ceiling as early as it can, and cuts TCP connections that never upgrade.
 * Everything is per connection (a map entry); the upgrade deadlines share one timer, and nothing runs per message.
 *
 * @example
 * ```ts
 * const guard = new ConnectionGuard(options.limits, log, new DescriptorCeiling(log));
 * server.on('connection', guard.accepted);
 * ```
 */
export class ConnectionGuard {
  private readonly entries = new Map<Socket, Entry>();
  /**
   * The connections whose upgrade deadline runs, oldest first: every deadline is the same time after its accept,
   * so the first one is always the next due, and one timer set for it serves them all.
   */
  private readonly awaitingUpgrade = new Set<Entry>();
  private deadlineTimer: NodeJS.Timeout | null = null;
  private readonly addresses = new Map<string, AddressCount>();
  private pending = 0;
  private refusals = 0;
  private refusalWindowStart = 0;

  /** The `close` listener of every counted socket: one function for all, since Node calls it with the socket as `this`. */
  private readonly left: (this: Socket) => void;

  constructor(
    private readonly limits: GuardLimits,
    private readonly log: Logger,
    private readonly ceiling: DescriptorCeiling,
  ) {
    const guard = this;
    this.left = function (this: Socket) {
      guard.leave(this);
    };
  }

  /** Connections counted now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The `connection` listener of a server the router started: counts the TCP connection and starts its upgrade
   * deadline, or destroys it at once when a cap is reached (there is no request yet to answer).
   */
  readonly accepted = (socket: Socket): void => {
    if (this.acceptedAwaiting(socket, 'WebSocket upgrade') !== undefined) socket.destroy();
  };

  /**
   * The `connection` listener of a port that serves HTTP and RawSocket both: as {@link accepted}, with a deadline
   * for whichever comes first, an HTTP request or a RawSocket handshake.
   */
  readonly acceptedOnSharedPort = (socket: Socket): void => {
    if (this.acceptedAwaiting(socket, 'HTTP request or RawSocket handshake') !== undefined) socket.destroy();
  };

  /**
   * A connection to a RawSocket listener (TCP, TLS or a Unix socket, whose connections all count as one address):
   * counted, with the same deadline for its handshake as a WebSocket upgrade's. Returns the limit that refuses it,
   * for the listener's error reply, or undefined.
   */
  acceptedRawSocket(socket: Socket): string | undefined {
    return this.acceptedAwaiting(socket, 'RawSocket handshake');
  }

  private acceptedAwaiting(socket: Socket, awaiting: string): string | undefined {
    const entry = this.enter(socket);
    if (entry === undefined) return 'a connection limit';
    entry.upgradeBy = Date.now() + this.limits.upgradeTimeoutMs;
    entry.awaiting = awaiting;
    this.awaitingUpgrade.add(entry);
    if (this.deadlineTimer === null) this.armDeadline(this.limits.upgradeTimeoutMs);
    return undefined;
  }

  private armDeadline(delayMs: number): void {
    this.deadlineTimer = setTimeout(this.cutLate, delayMs);
    this.deadlineTimer.unref();
  }

  /** Cuts the connections whose deadline passed, then sets the timer for the next one, if any. */
  private readonly cutLate = (): void => {
    this.deadlineTimer = null;
    const now = Date.now();
    for (const entry of this.awaitingUpgrade) {
      if (entry.upgradeBy > now) {
        this.armDeadline(entry.upgradeBy - now);
        return;
      }
      this.stopDeadline(entry);
      this.log.warn(
        { peer: peerOf(entry.socket), upgradeTimeoutMs: this.limits.upgradeTimeoutMs },
        `connection cut: no ${entry.awaiting} in time`,
      );
      entry.socket.destroy();
    }
  };

  private stopDeadline(entry: Entry): void {
    entry.upgradeBy = 0;
    this.awaitingUpgrade.delete(entry);
  }

  /** A plain HTTP request on a server the router started: its upgrade deadline ends, Node's HTTP timeouts apply. */
  requested(socket: Socket): void {
    const entry = this.entries.get(tcpSocketOf(socket));
    if (entry !== undefined) this.stopDeadline(entry);
  }

  /**
   * Decides on an upgrade request (the transport's `admit`): a connection on a server the router did not start is
   * counted from here. Returns the reason to refuse it with 503, or undefined.
   */
  admit(socket: Socket): string | undefined {
    const tcp = tcpSocketOf(socket);
    if (this.entries.has(tcp)) return undefined;
    return this.enter(tcp) === undefined ? 'the router is at a connection limit: try again later' : undefined;
  }

  /** The upgrade completed: the session's HELLO deadline takes over; WELCOME ends the pending count. */
  upgraded(socket: Socket, session: RouterSession): void {
    const entry = this.entries.get(tcpSocketOf(socket));
    if (entry === undefined) return;
    this.stopDeadline(entry);
    session.onJoined = () => this.joined(entry);
  }

  /**
   * Counts a connection with no socket of its own (an HTTP long-poll transport, whose requests may come on any
   * connection) against the same caps. Returns the limit that refuses it, or what to call when its session exists
   * (`accepted`, so that WELCOME ends its pending count) and when it ends (`left`).
   */
  admitSocketless(
    remoteAddress: string,
  ): { accepted(session: RouterSession): void; left(): void } | { refusal: string } {
    const address = addressKey(remoteAddress);
    const counts = this.addresses.get(address) ?? { open: 0, pending: 0 };
    const refusal = this.refusal(counts);
    if (refusal !== undefined) {
      this.refused(remoteAddress, refusal);
      return { refusal };
    }
    const counted: Counted = { address, joined: false };
    this.count(address, counts);
    return {
      accepted: (session) => {
        session.onJoined = () => this.joined(counted);
      },
      left: () => this.uncount(counted),
    };
  }

  private count(address: string, counts: AddressCount): void {
    counts.open++;
    counts.pending++;
    this.pending++;
    this.addresses.set(address, counts);
  }

  /** Counts a new connection, or logs the refusal and returns undefined. */
  private enter(socket: Socket): Entry | undefined {
    const address = addressKey(socket.remoteAddress ?? '');
    const counts = this.addresses.get(address) ?? { open: 0, pending: 0 };
    const refusal = this.refusal(counts);
    if (refusal !== undefined) {
      this.refused(peerOf(socket), refusal);
      return undefined;
    }
    const entry: Entry = { socket, address, joined: false, upgradeBy: 0, awaiting: 'WebSocket upgrade' };
    this.count(address, counts);
    this.entries.set(socket, entry);
    socket.once('close', this.left);
    return entry;
  }

  /** Which cap a new connection from an address with `counts` would break, named as the option to change. */
  private refusal(counts: AddressCount): string | undefined {
    const limits = this.limits;
    if (counts.open >= limits.maxConnectionsPerAddress) return 'limits.maxConnectionsPerAddress';
    if (counts.pending >= limits.maxPendingConnectionsPerAddress) return 'limits.maxPendingConnectionsPerAddress';
    if (this.pending >= limits.maxPendingConnections) return 'limits.maxPendingConnections';
    if (this.ceiling.full(this.entries.size + 1)) return 'the open-files limit';
    return undefined;
  }

  /** One warn line for the first refusal of a window and then at powers of two, so a flood does not flood the log. */
  private refused(peer: string, limit: string): void {
    const now = Date.now();
    if (now - this.refusalWindowStart >= REFUSAL_WINDOW_MS) {
      this.refusalWindowStart = now;
      this.refusals = 0;
    }
    const count = ++this.refusals;
    if ((count & (count - 1)) === 0) {
      this.log.warn({ peer, limit, refusedInWindow: count }, `connection refused: ${limit} reached`);
    }
  }

  private joined(entry: Counted): void {
    if (entry.joined) return;
    entry.joined = true;
    this.addresses.get(entry.address)!.pending--;
    this.pending--;
  }

  private leave(socket: Socket): void {
    const entry = this.entries.get(socket);
    if (entry === undefined) return;
    this.stopDeadline(entry);
    this.entries.delete(socket);
    this.uncount(entry);
  }

  private uncount(entry: Counted): void {
    const counts = this.addresses.get(entry.address)!;
    counts.open--;
    if (!entry.joined) {
      counts.pending--;
      this.pending--;
    }
    // A WELCOME after the close (none should come) must not count the connection out twice.
    entry.joined = true;
    if (counts.open === 0) this.addresses.delete(entry.address);
  }
}
