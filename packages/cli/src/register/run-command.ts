// One run of the command behind `wamp register`: the invocation as JSON on its stdin, its stdout and stderr
// collected within bounds, stopped on cancel or timeout.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** How the command ended. */
export interface CommandOutcome {
  /** The exit code, or null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it, e.g. `SIGTERM` after a timeout. */
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Its last {@link STDERR_KEPT} bytes. */
  stderr: string;
  /** Why `wamp` stopped it, if it did. */
  stopped?: 'timeout' | 'output' | 'canceled';
}

/** What to run, and within which bounds. */
export interface CommandSpec {
  file: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Stop it (SIGTERM, then SIGKILL) after this long; none when undefined. */
  timeoutMs: number | undefined;
  /** Stop it once its stdout grows past this. */
  maxOutputBytes: number;
}

/** The end of stderr that is kept for the error: enough for a stack trace, bounded. */
export const STDERR_KEPT = 64 * 1024;
/** How long a stopped command (its process group) has between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2_000;

/**
 * The path of `command` as `spawn` would find it (through PATH unless it names a path), or undefined when there is
 * no executable file there.
 *
 * @example
 * ```ts
 * findExecutable('jq', process.env.PATH); // '/usr/bin/jq'
 * ```
 */
export function findExecutable(command: string, path: string | undefined, cwd = process.cwd()): string | undefined {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(cwd, command)]
    : (path ?? '').split(delimiter).map((folder) => join(folder === '' ? cwd : folder, command));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs the command once with `input` on its stdin, and resolves when it has exited and closed its output. The
 * signal (a canceled call) stops it as a timeout does: SIGTERM to its process group, then SIGKILL 2 s later if it
 * is still running.
 *
 * @example
 * ```ts
 * const outcome = await runCommand({ file: 'wc', args: ['-c'], env: process.env, timeoutMs: 5_000, maxOutputBytes: 1 << 20 }, 'abc');
 * outcome.stdout; // '3\n'
 * ```
 */
export function runCommand(spec: CommandSpec, input: string, signal?: AbortSignal): Promise<CommandOutcome> {
  return new Promise((resolvePromise, reject) => {
    // A process group of its own, so that stopping it stops what it started too (`sh -c` does not exec its command).
    const child = spawn(spec.file, spec.args, { env: spec.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const signalGroup = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {
        // The group has ended already.
      }
    };
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    let stopped: CommandOutcome['stopped'];
    let killTimer: NodeJS.Timeout | undefined;
    let closed = false;
    const stop = (why: NonNullable<CommandOutcome['stopped']>) => {
      if (stopped !== undefined || closed || child.pid === undefined) return;
      stopped = why;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = spec.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), spec.timeoutMs);
    const onAbort = () => stop('canceled');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > spec.maxOutputBytes) return stop('output');
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_KEPT) stderr = stderr.subarray(stderr.length - STDERR_KEPT);
    });
    // A command that exits without reading its input closes the pipe: that is its business, not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    child.once('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (exitCode, exitSignal) => {
      closed = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      resolvePromise({
        exitCode,
        signal: exitSignal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: stderr.toString('utf8'),
        ...(stopped !== undefined && { stopped }),
      });
    });
  });
}
