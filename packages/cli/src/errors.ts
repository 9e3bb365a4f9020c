// The exit codes of `wamp` and the errors that carry one: a usage error (2) and "could not connect" (3). A WAMP
// error (1) is the client's own WampError.

/** What `wamp` exits with. */
export const ExitCode = {
  OK: 0,
  /** The router or a callee answered with a WAMP error (its URI and args go to stderr). */
  WAMP_ERROR: 1,
  /** The command line (or a profile) is wrong; the message says what to change. */
  USAGE: 2,
  /** No session could be opened, or the metrics endpoint could not be read. */
  CONNECT: 3,
  /** A bug in `wamp` itself (EX_SOFTWARE): the stack trace goes to stderr. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A mistake in the command line, a profile or a flag's value: exit 2, with a line naming the command's help.
 *
 * @example
 * ```ts
 * throw new UsageError('--count must be a positive integer, got "x"', 'subscribe');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /** `command` is the subcommand whose `--help` the message points to; none for the tool itself. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/**
 * The router (or the metrics endpoint) could not be reached or joined at the transport level: exit 3. The message
 * names the URL.
 *
 * @example
 * ```ts
 * throw new ConnectFailure('could not connect to ws://127.0.0.1:8080/ws: ECONNREFUSED', { cause });
 * ```
 */
export class ConnectFailure extends Error {
  override readonly name = 'ConnectFailure';
}
