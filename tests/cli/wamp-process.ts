// Helpers of the `wamp` suites: the command run as a user runs it (a real process, piped or in a terminal), a
// long-running one read line by line, and a router process to talk to. Needs @wamp/cli and @wamp/router built.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningCli, startCli } from '../support/cli.js';

export const WAMP = fileURLToPath(new URL('../../packages/cli/bin/wamp.js', import.meta.url));
const ROUTER = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));

/** How a finished `wamp` ended. */
export interface WampResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scratch folder: the HOME of every `wamp` run (so no profile of the machine's user is read), and files. */
export function scratch(prefix: string): { path: string; file(name: string, content: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `wamp-${prefix}-`));
  return {
    path,
    file(name, content) {
      const file = join(path, name);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** The environment of a run: this process's, without any WAMP_* variable, with `home` as HOME, plus `extra`. */
function environment(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  for (const name of Object.keys(env)) if (name.startsWith('WAMP_')) delete env[name];
  return { ...env, ...extra };
}

export interface RunOptions {
  home: string;
  env?: Record<string, string>;
  /** Fails the run if it has not ended by then. */
  timeoutMs?: number;
}

/**
 * A long-running `wamp` (or `script` running it in a terminal): its stdout read as lines, stderr kept, and its
 * end awaited.
 */
export class WampProcess {
  readonly child: ChildProcess;
  private stdoutText = '';
  private stderrText = '';
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(command: string, args: readonly string[], options: RunOptions) {
    this.child = spawn(command, args, { env: environment(options.home, options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdoutText += chunk;
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrText += chunk;
      this.wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code) => {
        this.wake();
        resolve(code);
      }),
    );
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The complete lines of stdout so far, each parsed as JSON. */
  jsonLines(): unknown[] {
    return this.stdoutText
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line));
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
  }

  /**
   * Resolves once `check` returns something other than undefined (checked now and on each output), and rejects
   * with everything printed if the process ends first or `timeoutMs` passes.
   */
  until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (finish: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(test);
        finish();
      };
      const fail = (why: string) =>
        done(() =>
          reject(new Error(`${why} waiting for ${what}\nstdout: ${this.stdoutText}\nstderr: ${this.stderrText}`)),
        );
      const test = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          return fail(`${(error as Error).message},`);
        }
        if (value !== undefined) return done(() => resolve(value));
        if (this.child.exitCode !== null || this.child.signalCode !== null) fail('the process ended');
      };
      const timer = setTimeout(() => fail(`no luck within ${timeoutMs} ms`), timeoutMs);
      this.waiters.add(test);
      test();
    });
  }

  /** Waits for a line of stderr matching `pattern`. */
  stderrLine(pattern: RegExp, timeoutMs?: number): Promise<string> {
    return this.until(`stderr ${pattern}`, () => pattern.exec(this.stderrText)?.[0], timeoutMs);
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/**
 * Starts `wamp args` with stdout and stderr piped (so it prints JSON lines).
 *
 * @example
 * ```ts
 * const subscriber = startWamp(['subscribe', 'com.x', '--url', url], { home });
 * ```
 */
export function startWamp(args: readonly string[], options: RunOptions): WampProcess {
  return new WampProcess('node', [WAMP, ...args], options);
}

/** Runs `wamp args` to its end (piped), with `input` on stdin. */
export async function runWamp(args: readonly string[], options: RunOptions & { input?: string }): Promise<WampResult> {
  const run = startWamp(args, options);
  run.child.stdin!.end(options.input ?? '');
  return finish(run, options.timeoutMs);
}

async function finish(run: WampProcess, timeoutMs = 20_000): Promise<WampResult> {
  const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, stdout: run.stdout, stderr: run.stderr };
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * Starts `wamp args` in a pseudo-terminal (util-linux `script`), as a user at a terminal runs it: stdout is a TTY,
 * and what is written to the process's stdin is typed at that terminal. Its output has the terminal's `\r\n`.
 */
export function startWampInTerminal(args: readonly string[], options: RunOptions): WampProcess {
  const command = ['node', WAMP, ...args].map(quote).join(' ');
  return new WampProcess('script', ['--quiet', '--return', '--command', command, '/dev/null'], options);
}

/** Runs `wamp args` to its end in a pseudo-terminal; the output's line ends are `\n` again. */
export async function runWampInTerminal(args: readonly string[], options: RunOptions): Promise<WampResult> {
  const result = await finish(startWampInTerminal(args, options), options.timeoutMs);
  return { ...result, stdout: result.stdout.replaceAll('\r\n', '\n') };
}

/**
 * Starts `wamp-router` on a free port of 127.0.0.1 with `args` (e.g. `--metrics`, `--config FILE`), its log
 * quiet but for warnings.
 *
 * @example
 * ```ts
 * const router = await startRouter(['--metrics']);
 * ```
 */
export function startRouter(args: readonly string[] = []): Promise<RunningCli> {
  return startCli('node', [ROUTER, '--port', '0', '--log-level', 'warn', ...args]);
}
