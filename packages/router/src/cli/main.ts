// The `wamp-router` command: a router started from the command line and config file, and stopped on a signal.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { RouterError, RouterErrorCode } from '../errors.js';
import type { RouterOptions, SerializerName } from '../options.js';
import { createRouter } from '../router.js';
import type { ListenOptions } from '../server.js';
import { type CliArgs, parseCliArgs, USAGE } from './args.js';
import { type ConfigFile, loadConfigFile } from './config-file.js';
import { dashboardLine, dashboardOption, shareWorkersToken } from './dashboard.js';
import { freeUnixSocket, rawsocketListen } from './rawsocket-config.js';
import { otlpEndpoint, startTraceExport } from './trace-export.js';
import { reportListening, runWorkers, workerNumber } from './workers.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
/** How long shutdown may take before the process exits anyway. */
const EXIT_DEADLINE_MS = 5_000;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new RouterError(
      RouterErrorCode.INVALID_OPTION,
      `cannot read the TLS ${what} "${file}" (${(error as NodeJS.ErrnoException).code ?? 'error'}): check --tls-${what}`,
      { cause: error },
    );
  }
}

/** The HTTP(S) root beside a WebSocket URL: `ws://host:port/ws` → `http://host:port/`. */
function pageUrl(webSocketUrl: string): string {
  const url = new URL(webSocketUrl);
  return `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.host}/`;
}

/** Command line over config file over defaults. */
function merge(args: CliArgs, config: ConfigFile) {
  const {
    host,
    port,
    path,
    tls,
    rawsocket: rawsocketFromFile,
    static: staticFromFile,
    logLevel,
    otlpEndpoint: otlpFromFile,
    ...routerOptions
  } = config;
  const options: RouterOptions = { ...routerOptions };
  // --realm adds to the file's realms, so that the file's auth sections keep their realms.
  if (args.realms !== undefined) options.realms = [...new Set([...(options.realms ?? []), ...args.realms])];
  if (args.autoCreateRealms !== undefined) options.autoCreateRealms = args.autoCreateRealms;
  if (args.allowedOrigins !== undefined) options.allowedOrigins = args.allowedOrigins;
  if (args.serializers !== undefined) options.serializers = args.serializers as SerializerName[];
  const servers = args.cluster ?? options.cluster?.nats.servers;
  const nodeName = args.nodeName ?? options.cluster?.nats.name;
  if (servers !== undefined) {
    options.cluster = { nats: nodeName === undefined ? { servers } : { servers, name: nodeName } };
  } else if (args.nodeName !== undefined || args.workers !== undefined) {
    throw new RouterError(
      RouterErrorCode.INVALID_OPTION,
      `${args.nodeName !== undefined ? '--node-name' : '--workers'} needs --cluster nats://HOST:PORT (the workers meet on NATS)`,
    );
  }
  // The flags say where; the file's procedures and topProcedures stay.
  const metricsFromFile = typeof options.metrics === 'object' ? options.metrics : {};
  if (args.metricsPort !== undefined) {
    options.metrics = { ...metricsFromFile, port: args.metricsPort, host: args.metricsHost ?? '127.0.0.1' };
  } else if (args.metrics === true && typeof options.metrics !== 'object') {
    options.metrics = true;
  }
  if (args.longpoll !== undefined && args.workers !== undefined) {
    // A long-poll transport lives in the worker that opened it; the next request may reach another one.
    throw new RouterError(RouterErrorCode.INVALID_OPTION, '--longpoll needs one process: drop --workers or --longpoll');
  }
  const dashboard = dashboardOption(args, options.dashboard, process.env);
  if (dashboard !== undefined) options.dashboard = dashboard;
  const staticDir = args.staticDir ?? staticFromFile;
  const rawsocket = rawsocketListen(args, rawsocketFromFile);
  const tlsFiles = args.tlsCert !== undefined ? { cert: args.tlsCert, key: args.tlsKey! } : tls;
  const level = args.logLevel ?? logLevel ?? 'info';
  if (!LOG_LEVELS.includes(level)) {
    throw new RouterError(
      RouterErrorCode.INVALID_OPTION,
      `log level "${level}" is not one of ${LOG_LEVELS.join(', ')}`,
    );
  }
  return {
    options,
    traces: otlpEndpoint(args.otlpEndpoint, otlpFromFile, process.env),
    listen: {
      host: args.host ?? host ?? '127.0.0.1',
      port: args.port ?? port ?? 8080,
      path: args.path ?? path ?? '/ws',
      ...(tlsFiles !== undefined && {
        tls: { cert: readPem(tlsFiles.cert, 'cert'), key: readPem(tlsFiles.key, 'key') },
      }),
      ...(staticDir !== undefined && { staticDir }),
      ...(rawsocket !== undefined && { rawsocket }),
      ...(args.longpoll !== undefined && { longpoll: { path: args.longpoll } }),
    } as ListenOptions,
    tlsFiles,
    level,
  };
}

/**
 * Runs the `wamp-router` command: parses options, starts the router, prints one line with its URL, and shuts
 * down cleanly on SIGINT/SIGTERM. Returns the process exit code for usage errors; otherwise runs until signalled.
 */
export async function main(argv: string[]): Promise<void> {
  // `pnpm start -- --port 9000` passes the separator through; it is not an argument.
  const args = parseCliArgs(argv[0] === '--' ? argv.slice(1) : argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (args.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const config = args.config !== undefined ? loadConfigFile(args.config) : {};
  const { options, traces, listen, tlsFiles, level } = merge(args, config);
  const worker = workerNumber();
  // Logs go to stderr as JSON lines; stdout carries only the startup line.
  const logger = pino(
    { level, base: worker === undefined ? { name: 'wamp-router' } : { name: 'wamp-router', worker } },
    pino.destination(2),
  );
  if (args.workers !== undefined && worker === undefined) {
    const shared = shareWorkersToken(options.dashboard, process.env);
    if (shared !== undefined) process.stdout.write(`wamp-router dashboard token for every worker: ${shared}\n`);
    // The workers' listens on a Unix socket go to this process, which makes the socket: a stale file goes first.
    if (listen.rawsocket?.unix !== undefined) await freeUnixSocket(listen.rawsocket.unix);
    process.exitCode = await runWorkers(args.workers, logger);
    return;
  }
  if (worker !== undefined && options.cluster?.nats.name !== undefined) {
    options.cluster.nats.name = `${options.cluster.nats.name}-w${worker}`;
  }
  // The OpenTelemetry SDK is loaded only when traces are exported.
  const traceExport = traces === undefined ? null : await startTraceExport(traces, packageVersion(), logger);
  if (traceExport !== null) options.tracing = traceExport.provider;
  const router = createRouter({ ...options, logger });
  const { url, metricsUrl, dashboardUrl, rawsocketUrls = [], longpollUrl } = await router.listen(listen);
  // After the WebSocket URL, so that the line's first URL stays the one to connect a browser to.
  const rawsocket = rawsocketUrls.length === 0 ? '' : `, RawSocket on ${rawsocketUrls.join(' and ')}`;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.warn({ deadlineMs: EXIT_DEADLINE_MS }, 'shutdown took too long, exiting anyway');
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    router
      .close()
      // The spans of the calls that shutdown ended go out before the process does.
      .then(() => traceExport?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'traces not flushed')))
      .then(
        () => {
          logger.info({}, 'stopped');
          logger.flush();
          process.exitCode = 0;
          // A worker's IPC channel to the primary would keep it alive.
          if (worker !== undefined) process.disconnect?.();
        },
        (error: unknown) => {
          logger.error({ err: error }, 'error while shutting down');
          process.exitCode = 1;
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The startup line only once a signal stops the router cleanly: a supervisor may signal as soon as it reads it.
  const realms = router.realms.join(', ') || 'created on demand';
  if (worker !== undefined) {
    reportListening({ type: 'listening', url, realms, rawsocket });
  } else {
    const page = listen.staticDir !== undefined ? `, files of ${listen.staticDir} at ${pageUrl(url)}` : '';
    const scrape = metricsUrl === undefined ? '' : `, metrics at ${metricsUrl}`;
    const longpoll = longpollUrl === undefined ? '' : `, long-poll at ${longpollUrl}`;
    const exported = traceExport === null ? '' : `, traces to ${traceExport.url}`;
    process.stdout.write(
      `wamp-router listening on ${url} (realms: ${realms})${rawsocket}${longpoll}${page}${scrape}${exported}\n`,
    );
    if (dashboardUrl !== undefined) process.stdout.write(dashboardLine(dashboardUrl, router.options.dashboard!));
  }
  // SIGHUP reloads the TLS certificate and key from their files (e.g. after a renewal), without a restart.
  if (tlsFiles !== undefined) {
    process.on('SIGHUP', () => {
      try {
        const count = router.reloadTls({ cert: readPem(tlsFiles.cert, 'cert'), key: readPem(tlsFiles.key, 'key') });
        logger.info({ cert: tlsFiles.cert, servers: count }, 'TLS certificate reloaded');
      } catch (error) {
        logger.error({ err: error }, 'TLS certificate reload failed; the previous certificate stays in use');
      }
    });
  }
}

/** Prints a one-line error that says what to change, and sets a failing exit code. */
export function reportFatal(error: unknown): void {
  if (error instanceof RouterError) {
    process.stderr.write(`wamp-router: ${error.message}\n`);
  } else {
    process.stderr.write(`wamp-router: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exitCode = 1;
}
