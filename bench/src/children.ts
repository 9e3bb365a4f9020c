// Forked children of the benchmark (routers, the forwarder, peers) and the measuring window they share.
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cpuMicros } from './proc.js';

export const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
export const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 3000);
// `BENCH_PROFILE=dir`: every child writes a CPU profile there (one .cpuprofile per process, named by pid).
const PROFILE = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface Reply {
  type: string;
  [key: string]: unknown;
}

// The server measured gets a core of its own, so its figure is its own and not a share of one with its peers.
const CORES = availableParallelism();
const SERVER_CORES = '0';
const PEER_CORES = CORES > 1 ? `1-${CORES - 1}` : '0';
function pin(pid: number, cores: string): void {
  if (CORES > 1 && process.env.BENCH_PIN !== '0')
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
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

  /**
   * Forks `script` (with `env` added to this process's environment); a server (`gc`) is pinned to the first core and
   * peers to the others.
   */
  static start(script: string, args: string[], gc = false, env: Record<string, string> = {}): Child {
    const execArgv = gc ? ['--expose-gc', ...PROFILE] : PROFILE;
    const child = fork(here(script), args, { execArgv, stdio: 'inherit', env: { ...process.env, ...env } });
    pin(child.pid!, gc ? SERVER_CORES : PEER_CORES);
    return new Child(child);
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
    // A killed child writes no profile: a profiled one is let go and exits on 'disconnect' by itself.
    if (PROFILE.length > 0 && this.process.connected) {
      this.process.disconnect();
      return;
    }
    if (this.process.connected) this.process.send({ type: 'stop' });
    this.process.kill();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `children` (already ready), warms up, then measures operations over a fixed window, with the CPU time the
 * `servers` used meanwhile (summed) and the CPU time of the peers (`counters`, `go` and `quiet`, the peers that
 * neither count nor start: a callee).
 */
export async function window(
  servers: Child | Child[],
  counters: Child[],
  go: Child[],
  quiet: Child[] = [],
): Promise<{ ops: number; seconds: number; cpu: number; peerCpu: number; marks: Reply[] }> {
  const measured = Array.isArray(servers) ? servers : [servers];
  const peers = [...new Set([...counters, ...go, ...quiet])];
  const cpuOf = (children: Child[]) => children.reduce((sum, child) => sum + cpuMicros(child.process.pid!), 0);
  for (const child of go) child.send({ type: 'go' });
  await sleep(WARMUP_MS);
  const first = await Promise.all(counters.map((child) => child.ask({ type: 'mark' }, 'mark')));
  const cpuStart = cpuOf(measured);
  const peerCpuStart = cpuOf(peers);
  const start = process.hrtime.bigint();
  await sleep(WINDOW_MS);
  const last = await Promise.all(counters.map((child) => child.ask({ type: 'mark' }, 'mark')));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = cpuOf(measured) - cpuStart;
  const peerCpu = cpuOf(peers) - peerCpuStart;
  const ops = last.reduce((sum, reply, i) => sum + (reply.completed as number) - (first[i]!.completed as number), 0);
  return { ops, seconds, cpu, peerCpu, marks: last };
}
