// The `wamp` command: finds the subcommand, parses its flags, runs it, and turns how it ended into an exit code
// and one line on stderr.
import { readFileSync } from 'node:fs';
import { isWampError } from '@wamp/client';
import { COMMON_OPTIONS, parseCommandLine, splitCommandLine } from './args.js';
import type { Command, CommandContext } from './command.js';
import { call } from './commands/call.js';
import { registrations, sessions, subscriptions } from './commands/listings.js';
import { publish } from './commands/publish.js';
import { register } from './commands/register.js';
import { subscribe } from './commands/subscribe.js';
import { top } from './commands/top.js';
import { ConnectFailure, ExitCode, UsageError } from './errors.js';
import { commandHelp, toolHelp } from './help.js';
import { Output, toJson } from './output.js';
import { resolveSettings } from './settings.js';

/** Every command, in the order `wamp --help` lists them. */
export const COMMANDS: readonly Command[] = [
  call,
  publish,
  subscribe,
  register,
  sessions,
  registrations,
  subscriptions,
  top,
];

/** Exit codes of a one-shot command stopped by a signal: 128 + its number, as shells report it. */
const INTERRUPTED: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Where a run reads and writes: the process's own streams and environment, unless a test hands in others. */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted to stop the command, as SIGINT and SIGTERM do (the reason is the signal's name). */
  stop: AbortSignal;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** The command named first on the command line (common flags may stand before it), and the rest. */
function findCommand(argv: readonly string[]): { name: string | undefined; argv: string[] } {
  const { positionals, at } = splitCommandLine(argv, COMMON_OPTIONS);
  if (positionals.length === 0) return { name: undefined, argv: [...argv] };
  const index = at[0]!;
  return { name: positionals[0], argv: [...argv.slice(0, index), ...argv.slice(index + 1)] };
}

/** `wamp`, `wamp --help`, `wamp --version`, `wamp help [COMMAND]`: what to print. */
function helpOrVersion(name: string | undefined, argv: readonly string[], io: Io): number {
  if (name === 'help') {
    const topic = findCommand(argv).name;
    const command = COMMANDS.find((candidate) => candidate.name === topic);
    if (topic !== undefined && command === undefined) return report(unknownCommand(topic), io);
    io.stdout.write(command === undefined ? toolHelp(COMMANDS) : commandHelp(command));
    return ExitCode.OK;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  if (argv.length > 0 && !argv.includes('--help') && !argv.includes('-h')) {
    return report(new UsageError('name a command: wamp COMMAND [ARGS] [options]'), io);
  }
  io.stdout.write(toolHelp(COMMANDS));
  return ExitCode.OK;
}

function unknownCommand(name: string): UsageError {
  return new UsageError(`no command "${name}" (commands: ${COMMANDS.map((command) => command.name).join(', ')})`);
}

/** One line on stderr for an error, and the exit code it means. */
function report(error: unknown, io: Io): number {
  const say = (line: string) => io.stderr.write(`wamp: ${line}\n`);
  if (error instanceof UsageError) {
    say(error.message);
    say(`run "wamp ${error.command === undefined ? '' : `${error.command} `}--help" for the usage`);
    return ExitCode.USAGE;
  }
  if (error instanceof ConnectFailure) {
    say(error.message);
    return ExitCode.CONNECT;
  }
  if (isWampError(error)) {
    const args = error.args.length === 0 ? '' : ` ${toJson(error.args)}`;
    const kwargs = Object.keys(error.kwargs).length === 0 ? '' : ` ${toJson(error.kwargs)}`;
    say(`${error.uri}${args}${kwargs}`);
    return ExitCode.WAMP_ERROR;
  }
  if (error instanceof Error && error.name === 'ConnectionClosedError') {
    say(`lost the router: ${error.message}`);
    return ExitCode.CONNECT;
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    say(`${error.message} (--timeout)`);
    return ExitCode.WAMP_ERROR;
  }
  say(`unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  return ExitCode.INTERNAL;
}

/**
 * Runs `wamp` with `argv` (without `node` and the script) and resolves with the exit code: 0 done, 1 a WAMP error
 * (or no answer within `--timeout`), 2 a usage error, 3 could not connect (or lost the router), 130 (SIGINT) or
 * 143 (SIGTERM) interrupted. What went wrong is one line on stderr.
 *
 * @example
 * ```ts
 * import { main } from '@wamp/cli';
 *
 * process.exitCode = await main(['call', 'com.example.add', '40', '2', '--realm', 'realm1']);
 * ```
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const { name, argv: rest } = findCommand(argv);
  if (name === undefined || name === 'help') return helpOrVersion(name, rest, io);
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) return report(unknownCommand(name), io);
  try {
    const {
      values,
      positionals,
      rest: afterDashes,
    } = parseCommandLine(rest, { ...COMMON_OPTIONS, ...command.options }, command.name);
    if (values.help === true) {
      io.stdout.write(commandHelp(command));
      return ExitCode.OK;
    }
    const settings = resolveSettings(values, io.env, command.name);
    const context: CommandContext = {
      name: command.name,
      values,
      positionals,
      rest: afterDashes,
      env: io.env,
      output: new Output(io.stdout, values.json === true || !io.stdout.isTTY),
      stderr: io.stderr,
      stdin: io.stdin,
      stop: io.stop,
      settings: () => settings,
    };
    return await command.run(context);
  } catch (error) {
    if (io.stop.aborted && !(error instanceof UsageError)) {
      io.stderr.write('wamp: interrupted\n');
      return INTERRUPTED[String(io.stop.reason)] ?? INTERRUPTED.SIGINT!;
    }
    return report(error, io);
  }
}

/** The process's streams, and a stop signal that SIGINT and SIGTERM abort. */
function processIo(): Io {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    // A second Ctrl-C while shutting down ends the process at once.
    if (controller.signal.aborted) process.exit(INTERRUPTED[signal]);
    controller.abort(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    stop: controller.signal,
  };
}

/**
 * The `wamp` binary: runs {@link main} on the process and exits with its code. A reader that closes the pipe
 * (`wamp subscribe … | head -1`) ends the command quietly.
 *
 * @example
 * ```ts
 * import { run } from '@wamp/cli';
 *
 * run(process.argv.slice(2));
 * ```
 */
export function run(argv: readonly string[]): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.OK);
    throw error;
  });
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`wamp: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = ExitCode.INTERNAL;
    },
  );
}
