// `--workers N`: the primary process that forks, restarts and stops the workers, and what a worker tells it.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger.js';

/** What a worker tells the primary process. */
export interface WorkerReport {
  type: 'listening';
  url: string;
  realms: string;
  /** `, RawSocket on …` when RawSocket listens too, else empty. */
  rawsocket: string;
}

/** Environment variable naming a worker's number (1…N); set by the primary for the processes it forks. */
const WORKER_ENV = 'WAMP_ROUTER_WORKER';
/** A worker that dies after it was listening comes back after this long. */
const RESTART_DELAY_MS = 1_000;

/** This process's worker number under `--workers`, or undefined when it is not a worker. */
export function workerNumber(): number | undefined {
  const value = cluster.isWorker ? process.env[WORKER_ENV] : undefined;
  return value === undefined ? undefined : Number(value);
}

/** Tells the primary that this worker listens (instead of printing the startup line itself). */
export function reportListening(report: WorkerReport): void {
  process.send?.(report);
}

/**
 * The primary process of `--workers N`: forks N workers running the same command line, which share the listening
 * port (node:cluster hands connections out) and meet on the cluster's NATS like any other nodes. Prints one startup
 * line once all listen; restarts a worker that dies after it was listening; stops them all on SIGINT/SIGTERM. A
 * worker that fails before it listens (bad option, NATS unreachable) stops the whole command with its exit code.
 */
export function runWorkers(count: number, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let exitCode = 0;
    let listening = 0;
    const numbers = new Map<Worker, number>();
    const started = new Set<number>();

    const fork = (number: number) => numbers.set(cluster.fork({ [WORKER_ENV]: String(number) }), number);
    const finishIfDone = () => {
      if (numbers.size === 0) resolve(exitCode);
    };
    const stop = (signal: NodeJS.Signals, code = 0) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      logger.info({ signal, workers: numbers.size }, 'stopping the workers');
      for (const worker of numbers.keys()) worker.process.kill('SIGTERM');
      finishIfDone();
    };

    cluster.on('message', (worker, report: WorkerReport) => {
      if (report?.type !== 'listening') return;
      const number = numbers.get(worker)!;
      if (started.has(number)) {
        logger.info({ worker: number, pid: worker.process.pid }, 'worker restarted');
        return;
      }
      started.add(number);
      if (++listening === count) {
        process.stdout.write(
          `wamp-router listening on ${report.url} (realms: ${report.realms}; ${count} workers)${report.rawsocket}\n`,
        );
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      const number = numbers.get(worker)!;
      numbers.delete(worker);
      if (stopping) {
        finishIfDone();
        return;
      }
      if (!started.has(number)) {
        logger.error({ worker: number, code, signal }, 'a worker failed to start; stopping');
        stop('SIGTERM', code || 1);
        return;
      }
      logger.error({ worker: number, code, signal, restartInMs: RESTART_DELAY_MS }, 'worker died; restarting it');
      setTimeout(() => stopping || fork(number), RESTART_DELAY_MS).unref();
    });
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    for (let number = 1; number <= count; number++) fork(number);
  });
}
