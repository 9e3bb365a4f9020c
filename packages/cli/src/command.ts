// What every command is and gets: its flags and help, the parsed command line, the output, the stop signal
// (Ctrl-C, SIGTERM), and a session that is closed however the command ends.
import type { Session } from '@wamp/client';
import type { FlagValues, OptionTable } from './args.js';
import { openSession } from './connect.js';
import { ConnectFailure, type ExitCode } from './errors.js';
import type { Output } from './output.js';
import type { ConnectionSettings } from './settings.js';

/** What a command runs with. */
export interface CommandContext {
  /** The command's name, for messages that point to its `--help`. */
  name: string;
  values: FlagValues;
  positionals: string[];
  /** What followed `--`, or null. */
  rest: string[] | null;
  env: Readonly<Record<string, string | undefined>>;
  output: Output;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadStream;
  /** Aborted by the first SIGINT or SIGTERM. */
  stop: AbortSignal;
  /** The connection settings (flags, environment, profile). */
  settings(): ConnectionSettings;
}

/** One `wamp` command. */
export interface Command {
  name: string;
  /** One line for the tool's help. */
  summary: string;
  /** The command's `--help`, without the connection options every command shares. */
  help: string;
  /** Its own flags; the connection flags are added to them. */
  options: OptionTable;
  run(context: CommandContext): Promise<ExitCode>;
}

/**
 * Runs `body` with a session opened as the settings say, and closes the session however `body` ends.
 *
 * @example
 * ```ts
 * return withSession(context, { reconnect: false }, async (session) => { await session.call('com.x'); return ExitCode.OK; });
 * ```
 */
export async function withSession<T>(
  context: CommandContext,
  options: { reconnect: boolean },
  body: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await openSession(context.settings(), options);
  try {
    return await body(session);
  } finally {
    await session.close().catch(() => {});
  }
}

/**
 * For a long-running command: reports losing and regaining the connection on stderr, and resolves with a
 * {@link ConnectFailure} once the session closed for good (it gave up reconnecting, or the router ended it).
 *
 * @example
 * ```ts
 * const lost = watchConnection(session, context);
 * const outcome = await Promise.race([lost, stopped]);
 * ```
 */
export function watchConnection(session: Session, context: CommandContext): Promise<ConnectFailure> {
  const { url } = context.settings();
  session.on('open', () => context.stderr.write(`wamp: reconnected to ${url}\n`));
  return new Promise((resolve) => {
    session.on('close', ({ code, reason, wampReason, willReconnect }) => {
      if (context.stop.aborted) return;
      const why = [wampReason, `close code ${code}`, reason].filter((part) => part !== undefined && part !== '');
      if (willReconnect) {
        context.stderr.write(`wamp: lost the connection to ${url} (${why.join(', ')}); reconnecting\n`);
      } else {
        resolve(new ConnectFailure(`the session on ${url} ended (${why.join(', ')})`));
      }
    });
  });
}

/**
 * Resolves once `signal` aborts (at once if it has).
 *
 * @example
 * ```ts
 * await aborted(context.stop); // Ctrl-C
 * ```
 */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
