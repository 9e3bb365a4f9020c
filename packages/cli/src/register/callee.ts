// The procedure `wamp register` serves: each invocation runs the command once, within the concurrency bound, and
// its outcome becomes the YIELD or the ERROR.
import { type Invocation, type RawReturn, WampError } from '@wamp/client';
import { toJson } from '../output.js';
import { valueOfOutput } from '../payload.js';
import { Limiter, LimiterFull } from './limiter.js';
import { type CommandOutcome, type CommandSpec, runCommand } from './run-command.js';

/**
 * The error a failed command answers with, unless `--error-uri` names another. Outside `wamp.*`, which the spec
 * keeps for its own errors; `io.github.wamp_ts.` is this project's namespace (its home, reversed, as the spec's
 * URI rules advise).
 */
export const COMMAND_FAILED_URI = 'io.github.wamp_ts.cli.error.command_failed';
/** The spec's error for a callee that cannot take the call now; a dealer may try another callee. */
export const UNAVAILABLE_URI = 'wamp.error.unavailable';

/** Variables the command must not inherit: the session's secret is not the command's to read. */
const WITHHELD = ['WAMP_SECRET', 'WAMP_SECRET_FILE'];

/** One finished invocation, for the log line `wamp register` prints. */
export interface InvocationReport {
  procedure: string;
  caller: unknown;
  exitCode: number | null;
  signal: string | null;
  ms: number;
  stopped?: string;
}

/** What {@link commandCallee} needs. */
export interface CalleeSpec {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number | undefined;
  maxOutputBytes: number;
  concurrency: number;
  queue: number;
  errorUri: string;
  onFinished(report: InvocationReport): void;
}

/**
 * The environment of one run: the caller's, less the secret, plus `WAMP_PROCEDURE` (the URI called, which
 * differs from the registered one under a pattern) and `WAMP_CALLER`, `WAMP_CALLER_AUTHID` when disclosed.
 *
 * @example
 * ```ts
 * commandEnv(process.env, invocation); // { ...process.env, WAMP_PROCEDURE: 'com.example.add' }
 * ```
 */
export function commandEnv(env: NodeJS.ProcessEnv, invocation: Invocation): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = { ...env, WAMP_PROCEDURE: invocation.procedure };
  for (const name of WITHHELD) delete child[name];
  const { caller, caller_authid: callerAuthid } = invocation.details;
  if (caller !== undefined) child.WAMP_CALLER = String(caller);
  if (callerAuthid !== undefined) child.WAMP_CALLER_AUTHID = String(callerAuthid);
  return child;
}

/** The YIELD of a command that exited with 0, or the ERROR of one that did not. */
function answer(outcome: CommandOutcome, spec: CalleeSpec): RawReturn {
  if (outcome.exitCode === 0 && outcome.stopped === undefined) {
    const result = valueOfOutput(outcome.stdout);
    return result === undefined ? {} : { args: [result.value] };
  }
  const stderr = outcome.stderr.replace(/[\r\n]+$/, '');
  const kwargs: Record<string, unknown> = { exit_code: outcome.exitCode, signal: outcome.signal };
  if (outcome.stopped === 'timeout') kwargs.reason = `ran longer than ${spec.timeoutMs! / 1000} s and was stopped`;
  if (outcome.stopped === 'output') kwargs.reason = `wrote more than ${spec.maxOutputBytes} bytes and was stopped`;
  throw new WampError(spec.errorUri, [stderr], { kwargs });
}

/**
 * A raw handler that runs the command for each invocation: `{"args", "kwargs", "details"}` as one JSON line on its
 * stdin; exit 0 yields its stdout (JSON when it parses, else the text, no result when empty); anything else
 * answers `errorUri` with stderr as the argument and `exit_code`, `signal` (and a `reason` when `wamp` stopped
 * it) as kwargs. At most `concurrency` run at once and `queue` wait; past that the call gets
 * `wamp.error.unavailable`.
 *
 * @example
 * ```ts
 * await session.raw.register('com.example.wc', commandCallee({ file: '/usr/bin/wc', args: ['-c'], ...bounds }));
 * ```
 */
export function commandCallee(spec: CalleeSpec): (invocation: Invocation) => Promise<RawReturn> {
  const limiter = new Limiter(spec.concurrency, spec.queue);
  const commandSpec: Omit<CommandSpec, 'env'> = {
    file: spec.file,
    args: spec.args,
    timeoutMs: spec.timeoutMs,
    maxOutputBytes: spec.maxOutputBytes,
  };
  return async (invocation) => {
    const input = `${toJson({ args: invocation.args, kwargs: invocation.kwargs, details: invocation.details })}\n`;
    const started = performance.now();
    let outcome: CommandOutcome;
    try {
      outcome = await limiter.run(
        () => runCommand({ ...commandSpec, env: commandEnv(spec.env, invocation) }, input, invocation.signal),
        invocation.signal,
      );
    } catch (error) {
      if (error instanceof LimiterFull) {
        throw new WampError(UNAVAILABLE_URI, [
          `busy: ${limiter.active} calls running and ${limiter.queued} waiting (--concurrency ${spec.concurrency}, --queue ${spec.queue})`,
        ]);
      }
      if (invocation.signal.aborted) throw error;
      throw new WampError(spec.errorUri, [`could not run ${spec.file}: ${(error as Error).message}`], {
        kwargs: { exit_code: null, signal: null },
      });
    }
    spec.onFinished({
      procedure: invocation.procedure,
      caller: invocation.details.caller,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      ms: Math.round(performance.now() - started),
      ...(outcome.stopped !== undefined && { stopped: outcome.stopped }),
    });
    return answer(outcome, spec);
  };
}
