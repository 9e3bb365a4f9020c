// `wamp register URI -- COMMAND [ARG...]`: a procedure served by a shell command, one run per call.
import { availableParallelism } from 'node:os';
import { choiceFlag, integerFlag, secondsFlag, stringFlag } from '../args.js';
import { aborted, type Command, watchConnection, withSession } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { toJson } from '../output.js';
import { COMMAND_FAILED_URI, commandCallee, type InvocationReport } from '../register/callee.js';
import { findExecutable } from '../register/run-command.js';

const DEFAULT_QUEUE = 100;
const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
/** A URI by the spec's loose rules: non-empty components without whitespace or '#'. */
const URI = /^([^\s.#]+\.)*[^\s.#]+$/;

/** `wamp register URI -- COMMAND`: the procedure served by COMMAND, run once per call. */
export const register: Command = {
  name: 'register',
  summary: 'serve a procedure with a shell command, run once per call',
  help: `Usage: wamp register URI [options] -- COMMAND [ARG...]

Registers the procedure URI and runs COMMAND once per call. The call goes to the command's stdin as one JSON line,
{"args": [...], "kwargs": {...}, "details": {...}}, and the variables WAMP_PROCEDURE (the URI called) and, when
the caller is disclosed, WAMP_CALLER and WAMP_CALLER_AUTHID are set (WAMP_SECRET and WAMP_SECRET_FILE are not
passed on).

When the command exits with 0, its stdout is the result: JSON when it parses as JSON, else the text (trailing line
breaks taken off); empty output is a result without arguments. Any other exit answers the call with the error
${COMMAND_FAILED_URI} (or --error-uri), whose argument is the command's stderr (its last 64 KiB)
and whose kwargs are {"exit_code": N, "signal": null or "SIGTERM", …}. A canceled call stops its command (SIGTERM,
then SIGKILL after 2 s).

At most --concurrency commands run at once and --queue calls wait for one; a call past that is answered with
wamp.error.unavailable at once, the spec's error for a callee that cannot take a call, on which a dealer may try
another callee. Each finished call is printed: a JSON line {"procedure", "caller", "exit_code", "signal", "ms"} when
piped, a readable line on a terminal. Runs until Ctrl-C or SIGTERM; the session reconnects and registers again if
the router goes away.

Options:
  --match POLICY          exact (default), prefix or wildcard (pattern-based registration)
  --invoke POLICY         single (default), roundrobin, random, first or last (shared registration)
  --concurrency N         commands running at once (default: the number of CPUs, here ${availableParallelism()})
  --queue N               calls waiting for a free slot (default ${DEFAULT_QUEUE}; 0 refuses at once when all are busy)
  --timeout SECS          stop a command that runs longer, and answer with the error (kwargs.reason says so)
  --max-output BYTES      stop a command whose stdout grows past BYTES (default ${DEFAULT_MAX_OUTPUT}, 16 MiB)
  --error-uri URI         the error of a failed command, e.g. in your application's namespace

Examples:
  wamp register com.example.wc -- wc -c
  wamp register com.example.add -- sh -c 'jq ".args | add"'
  wamp register com.example.disk --concurrency 2 --timeout 10 -- df -h /`,
  options: {
    match: { type: 'string' },
    invoke: { type: 'string' },
    concurrency: { type: 'string' },
    queue: { type: 'string' },
    timeout: { type: 'string' },
    'max-output': { type: 'string' },
    'error-uri': { type: 'string' },
  },
  async run(context) {
    const { values, positionals, rest } = context;
    const [procedure, ...extra] = positionals;
    if (procedure === undefined) throw new UsageError('wamp register needs the procedure URI', 'register');
    if (extra.length > 0) {
      throw new UsageError(`put the command after "--": wamp register ${procedure} -- ${extra.join(' ')}`, 'register');
    }
    if (rest === null || rest.length === 0) {
      throw new UsageError(
        `wamp register needs the command after "--": wamp register ${procedure} -- COMMAND`,
        'register',
      );
    }
    const [command, ...commandArgs] = rest as [string, ...string[]];
    const file = findExecutable(command, context.env.PATH);
    if (file === undefined) {
      throw new UsageError(`cannot run "${command}": no such executable (in PATH, or at that path)`, 'register');
    }
    const errorUri = stringFlag(values, 'error-uri') ?? COMMAND_FAILED_URI;
    if (!URI.test(errorUri) || errorUri.startsWith('wamp.')) {
      throw new UsageError(
        `--error-uri must be a URI outside wamp.* (which the spec reserves), e.g. com.example.error.failed, got "${errorUri}"`,
        'register',
      );
    }
    const match = choiceFlag(values, 'match', 'register', ['exact', 'prefix', 'wildcard'] as const);
    const invoke = choiceFlag(values, 'invoke', 'register', [
      'single',
      'roundrobin',
      'random',
      'first',
      'last',
    ] as const);
    const handler = commandCallee({
      file,
      args: commandArgs,
      env: { ...context.env },
      timeoutMs: secondsFlag(values, 'timeout', 'register'),
      maxOutputBytes: integerFlag(values, 'max-output', 'register', 1) ?? DEFAULT_MAX_OUTPUT,
      concurrency: integerFlag(values, 'concurrency', 'register', 1, 10_000) ?? availableParallelism(),
      queue: integerFlag(values, 'queue', 'register', 0, 1_000_000) ?? DEFAULT_QUEUE,
      errorUri,
      onFinished: (report) => void context.output.write(reportLine(report, context.output.json)),
    });
    return withSession(context, { reconnect: true }, async (session) => {
      const lost = watchConnection(session, context);
      await session.raw.register(procedure, handler, {
        ...(match !== undefined && match !== 'exact' && { match }),
        ...(invoke !== undefined && invoke !== 'single' && { invoke }),
      });
      context.stderr.write(`wamp: registered ${procedure}; running ${command} for each call (Ctrl-C to stop)\n`);
      const outcome = await Promise.race([aborted(context.stop), lost]);
      if (outcome instanceof Error) throw outcome;
      return ExitCode.OK;
    });
  },
};

function reportLine(report: InvocationReport, json: boolean): string {
  const { procedure, caller, exitCode, signal, ms, stopped } = report;
  if (json) {
    return `${toJson({ procedure, caller: caller ?? null, exit_code: exitCode, signal, ms, ...(stopped !== undefined && { stopped }) })}\n`;
  }
  const time = new Date().toLocaleTimeString();
  const how =
    stopped !== undefined ? `stopped (${stopped})` : exitCode === 0 ? 'ok' : `failed (${signal ?? `exit ${exitCode}`})`;
  return `${time}  ${procedure}${caller === undefined ? '' : ` from ${caller}`}  ${how}  ${ms} ms\n`;
}
