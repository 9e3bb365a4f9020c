// Forked children of the benchmark (routers, the forwarder, peers) and the measuring window they share.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuMicros } from './proc.js';

export const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
export const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 3000);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface Reply {
  type: string;
  [key: string]: unknown;
}

/** A forked child with a typed request/answer channel. */
export class Child {
  private readonly inbox: Reply[] = [];
  private waiters: ((reply: Reply) => boolean)[] = [];
  onProgress: ((reply: Reply) => void) | null = null;

  constructor(readonly process: ChildProcess) {
    process.on('message', (reply: Reply) => {
      if (reply.type === 'progress') {
        this.onProgress?.(reply);
        return;
      }
      const waiter = this.waiters.findIndex((accept) => accept(reply));
      if (waiter === -1) this.inbox.push(reply);
      else this.waiters.splice(waiter, 1);
    });
  }

  static start(script: string, args: string[], gc = false): Child {
    return new Child(fork(here(script), args, { execArgv: gc ? ['--expose-gc'] : [], stdio: 'inherit' }));
  }

  /**
   * Sends a command; a child that is gone by then (a late progress report relayed to a stopped publisher, say) is
   * no error: the callback takes the failure instead of an unhandled 'error' event.
   */
  send(message: object): void {
    if (this.process.connected) this.process.send(message, () => undefined);
  }

  /** The next reply of `type`, failing after `timeoutMs`. */
  expect(type: string, timeoutMs = 60_000): Promise<Reply> {
    const queued = this.inbox.findIndex((reply) => reply.type === type);
    if (queued !== -1) return Promise.resolve(this.inbox.splice(queued, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${type}" from ${this.process.spawnargs.join(' ')}`)),
        timeoutMs,
      );
      this.waiters.push((reply) => {
        if (reply.type !== type) return false;
        clearTimeout(timer);
        resolve(reply);
        return true;
      });
    });
  }

  async ask(message: object, type: string): Promise<Reply> {
    const answer = this.expect(type);
    this.send(message);
    return answer;
  }

  stop(): void {
    if (this.process.connected) this.process.send({ type: 'stop' });
    this.process.kill();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `children` (already ready), warms up, then measures operations over a fixed window, with the CPU time the
 * `servers` used meanwhile (summed).
 */
export async function window(
  servers: Child | Child[],
  counters: Child[],
  go: Child[],
): Promise<{ ops: number; seconds: number; cpu: number; marks: Reply[] }> {
  const measured = Array.isArray(servers) ? servers : [servers];
  const cpuOf = () => measured.reduce((sum, server) => sum + cpuMicros(server.process.pid!), 0);
  for (const child of go) child.send({ type: 'go' });
  await sleep(WARMUP_MS);
  const first = await Promise.all(counters.map((child) => child.ask({ type: 'mark' }, 'mark')));
  const cpuStart = cpuOf();
  const start = process.hrtime.bigint();
  await sleep(WINDOW_MS);
  const last = await Promise.all(counters.map((child) => child.ask({ type: 'mark' }, 'mark')));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = cpuOf() - cpuStart;
  const ops = last.reduce((sum, reply, i) => sum + (reply.completed as number) - (first[i]!.completed as number), 0);
  return { ops, seconds, cpu, marks: last };
}
