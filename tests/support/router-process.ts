import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RouterOptions, RouterStats } from '@wamp/router';

const SCRIPT = fileURLToPath(new URL('./router-process.mjs', import.meta.url));

/** What the router process reports about itself. */
export interface RouterReport {
  stats: RouterStats;
  heapUsed: number;
  rss: number;
  /** Garbage collections so far (forced ones included; PerformanceObserver reports them asynchronously). */
  collections: number;
}

/** A router running in its own process (built package), for memory measurements; disposed with `await using`. */
export interface RouterProcess extends AsyncDisposable {
  url: string;
  child: ChildProcess;
  /** Stats, heap and RSS; with `gc`, after two forced garbage collections. */
  report(gc?: boolean): Promise<RouterReport>;
}

/** Starts the router process; `nodeFlags` go to its Node beside `--expose-gc`. */
export async function startRouterProcess(
  options: Omit<RouterOptions, 'logger'> = {},
  nodeFlags: string[] = [],
): Promise<RouterProcess> {
  const child = fork(SCRIPT, [JSON.stringify(options)], {
    execArgv: ['--expose-gc', ...nodeFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    child.once('exit', (code) => reject(new Error(`router process exited with ${code}`)));
  });
  return {
    url,
    child,
    report(gc = false) {
      return new Promise((resolve) => {
        child.once('message', (message: RouterReport) => resolve(message));
        child.send({ type: 'stats', gc });
      });
    },
    async [Symbol.asyncDispose]() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
