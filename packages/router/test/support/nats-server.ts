import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real nats-server (Debian's package) on 127.0.0.1 with a free port and JetStream, for the cluster tests. */
export interface NatsServer extends AsyncDisposable {
  /** `nats://127.0.0.1:<port>` for clients. */
  url: string;
  /** The route URL other servers of a NATS cluster join, when started with `cluster`. */
  routeUrl: string | undefined;
  /** Where JetStream keeps its data. */
  storeDir: string;
  /** `http://127.0.0.1:<port>` of the monitoring endpoints (`/connz`, `/jsz`, ...), when started with `monitor`. */
  monitorUrl: string | undefined;
  /** Stops the server (SIGKILL for a crash, SIGTERM for a clean stop) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface NatsServerOptions {
  /**
   * Join (or found) a NATS cluster of this name, with routes to these route URLs. A founder (no routes) routes to
   * itself, as JetStream in a cluster requires a configured route; the server drops that route as a duplicate.
   */
  cluster?: { name: string; routes: string[] };
  /** The server's name (`server_name`), unique in a NATS cluster; default its generated ID. */
  serverName?: string;
  /** Serve the HTTP monitoring endpoints on a free port (see {@link NatsServer.monitorUrl}). */
  monitor?: boolean;
  /** Listen on this client port (to restart a server where its clients expect it); default a free one. */
  port?: number;
  /** JetStream's store (to restart a server with its data); default a new temporary directory, removed at the end. */
  storeDir?: string;
}

const STARTUP_TIMEOUT_MS = 10_000;

/**
 * Starts `nats-server` and resolves once it listens, with the ports it picked. The suites install it with apt
 * (scripts/ensure-debian-packages.sh); without it this fails with what to do.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'nats-js-'));
  const args = ['-a', '127.0.0.1', '-p', String(options.port ?? -1), '-js', '-sd', storeDir];
  if (options.serverName !== undefined) args.push('--server_name', options.serverName);
  if (options.monitor === true) args.push('-m', '-1');
  if (options.cluster !== undefined) {
    args.push('--cluster_name', options.cluster.name);
    if (options.cluster.routes.length > 0) {
      args.push('--cluster', 'nats://127.0.0.1:-1', '--routes', options.cluster.routes.join(','));
    } else {
      const self = `nats://127.0.0.1:${await freePort()}`;
      args.push('--cluster', self, '--routes', self);
    }
  }
  const child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { url, routeUrl, monitorUrl } = await listening(
    child,
    options.cluster !== undefined,
    options.monitor === true,
  ).catch((error: unknown) => {
    if (options.storeDir === undefined) rmSync(storeDir, { recursive: true, force: true });
    throw error;
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const dispose = async () => {
    await stop('SIGKILL');
    if (options.storeDir === undefined) rmSync(storeDir, { recursive: true, force: true });
  };
  return { url, routeUrl, monitorUrl, storeDir, stop, [Symbol.asyncDispose]: dispose };
}

/** A TCP port that was free a moment ago, for a listener whose port must be known before the server starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Reads the server's log until it says where it listens (and, in a cluster, where routes connect). */
function listening(
  child: ChildProcess,
  routes: boolean,
  monitor: boolean,
): Promise<{ url: string; routeUrl: string | undefined; monitorUrl: string | undefined }> {
  return new Promise((resolve, reject) => {
    let log = '';
    let url: string | undefined;
    let routeUrl: string | undefined;
    let monitorUrl: string | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nats-server did not start within ${STARTUP_TIMEOUT_MS} ms:\n${log}`));
    }, STARTUP_TIMEOUT_MS);
    // 'close' rather than 'exit': by then stderr, with the server's reason, has been read to its end.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited (${code ?? signal}) before it was ready:\n${log}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run nats-server (${error.message}): install it with 'apt-get install nats-server'`));
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      url ??= /Listening for client connections on ([\d.]+:\d+)/.exec(log)?.[1];
      routeUrl ??= /Listening for route connections on ([\d.]+:\d+)/.exec(log)?.[1];
      monitorUrl ??= /Starting http monitor on ([\d.]+:\d+)/.exec(log)?.[1];
      if (
        url !== undefined &&
        (!routes || routeUrl !== undefined) &&
        (!monitor || monitorUrl !== undefined) &&
        log.includes('Server is ready')
      ) {
        clearTimeout(timer);
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({
          url: `nats://${url}`,
          routeUrl: routeUrl === undefined ? undefined : `nats://${routeUrl}`,
          monitorUrl: monitorUrl === undefined ? undefined : `http://${monitorUrl}`,
        });
      }
    });
  });
}
