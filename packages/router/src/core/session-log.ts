// The info lines of session joins and leaves: one line each, and a summary instead of a flood when thousands
// join or leave at once.
import type { Logger } from '../logger.js';
import type { RouterSession } from './session.js';

/** Lines per window written one by one; the rest of the window's joins and leaves are counted in one summary. */
export const SESSION_LINES_PER_WINDOW = 50;
export const SESSION_LOG_WINDOW_MS = 1_000;

/** The fields both lines carry: who the session is and where it comes from; never anything of its credentials. */
function identity(session: RouterSession, realm: string): Record<string, unknown> {
  return {
    realm,
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    transport: session.transport.protocol,
    peer: session.transport.peer.remoteAddress,
  };
}

/**
 * Writes, at `info`, one structured line per session join (realm, session, authid, authrole, authmethod,
 * transport, peer) and leave (the same, with how long it lasted and why it ended). Never authextra or anything
 * from the authentication itself, which may hold a secret. Past {@link SESSION_LINES_PER_WINDOW} lines in a second
 * it counts instead, and writes one summary line at the end of that second.
 *
 * @example
 * ```ts
 * const sessionLog = new SessionLog(core.log);
 * sessionLog.joined(session);
 * sessionLog.left(session, 'realm1', 'wamp.close.normal');
 * ```
 */
export class SessionLog {
  private windowStart = 0;
  private linesInWindow = 0;
  private unloggedJoins = 0;
  private unloggedLeaves = 0;
  private summaryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly log: Logger) {}

  joined(session: RouterSession): void {
    if (!this.mayWrite()) {
      this.unloggedJoins++;
      return;
    }
    this.log.info(identity(session, session.realm?.name ?? ''), 'session joined');
  }

  /** `reason`: the GOODBYE or ABORT reason URI, or what ended the connection. */
  left(session: RouterSession, realm: string, reason: string): void {
    if (!this.mayWrite()) {
      this.unloggedLeaves++;
      return;
    }
    const fields = identity(session, realm);
    fields.durationMs = Date.now() - session.joinedAt;
    fields.reason = reason;
    this.log.info(fields, 'session left');
  }

  /** Stops the summary timer (the router closes); what it had counted is written now. */
  stop(): void {
    if (this.summaryTimer !== null) clearTimeout(this.summaryTimer);
    this.writeSummary();
  }

  private mayWrite(): boolean {
    const now = Date.now();
    if (now - this.windowStart >= SESSION_LOG_WINDOW_MS) {
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (this.linesInWindow < SESSION_LINES_PER_WINDOW) {
      this.linesInWindow++;
      return true;
    }
    if (this.summaryTimer === null) {
      this.summaryTimer = setTimeout(this.writeSummary, this.windowStart + SESSION_LOG_WINDOW_MS - now);
      this.summaryTimer.unref();
    }
    return false;
  }

  private readonly writeSummary = (): void => {
    this.summaryTimer = null;
    if (this.unloggedJoins === 0 && this.unloggedLeaves === 0) return;
    this.log.info(
      { joins: this.unloggedJoins, leaves: this.unloggedLeaves, windowMs: SESSION_LOG_WINDOW_MS },
      `sessions came and went faster than ${SESSION_LINES_PER_WINDOW} lines a second: the rest, counted`,
    );
    this.unloggedJoins = 0;
    this.unloggedLeaves = 0;
  };
}
