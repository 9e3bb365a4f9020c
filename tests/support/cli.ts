import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

/** A started `wamp-router` process and the URL from its startup line. */
export interface RunningCli extends AsyncDisposable {
  process: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** Everything the process wrote to stderr so far (its JSON log lines). */
  stderr(): string;
  /** Sends `signal` to the process group and resolves with the exit code once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROUTER_STARTUP = /^wamp-router listening on (\S+) /m;

/**
 * Spawns `command args` (a `wamp-router` invocation, unless `startLine` says otherwise) and waits for its
 * startup line, failing with everything it
 * printed if it exits first or takes longer than `timeoutMs`.
 */
export function startCli(
  command: string,
  args: string[],
  options: { cwd?: string; timeoutMs?: number; startLine?: RegExp } = {},
): Promise<RunningCli> {
  const startLine = options.startLine ?? ROUTER_STARTUP;
  // Its own process group, signalled as a whole, as a terminal does on Ctrl-C: a wrapper such as npx then
  // cannot leave the router running behind it.
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // 'close' rather than 'exit': it comes once stdout and stderr are drained, so stop() callers read every line.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // The group is gone already.
      }
    }
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `wamp-router did not start within ${options.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 20_000);
    const onData = () => {
      const match = startLine.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        process: child,
        url: match[1]!,
        stdout: () => stdout,
        stderr: () => stderr,
        stop,
        [Symbol.asyncDispose]: async () => {
          await stop('SIGKILL');
        },
      });
    };
    child.stdout.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`wamp-router exited with ${code} before starting\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

const run = promisify(execFile);

/** Runs `node script args` expecting it to fail; resolves with its exit code and stderr. */
export async function runFailing(script: string, args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run('node', [script, ...args]);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`${script} ${args.join(' ')} succeeded, expected a failure`);
}
