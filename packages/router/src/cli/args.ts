// The command line of `wamp-router`: its options, its usage text, and their parsing.
import { parseArgs } from 'node:util';
import { RouterError, RouterErrorCode } from '../errors.js';

/** What the command line asked for; absent fields fall back to the config file, then to defaults. */
export interface CliArgs {
  help: boolean;
  version: boolean;
  config?: string;
  host?: string;
  port?: number;
  path?: string;
  rawsocketPort?: number;
  rawsocketHost?: string;
  /** `--rawsocket-share-port`: RawSocket on `--port` too, told from HTTP by its first octet. */
  rawsocketSharePort?: boolean;
  /** `--longpoll`: the base path of WAMP over HTTP long-poll on `--port`. */
  longpoll?: string;
  /** `--unix`: a Unix domain socket path for RawSocket. */
  unix?: string;
  /** `--unix-mode`: its file mode (parsed from octal). */
  unixMode?: number;
  realms?: string[];
  autoCreateRealms?: boolean;
  allowedOrigins?: string[];
  serializers?: string[];
  tlsCert?: string;
  tlsKey?: string;
  staticDir?: string;
  logLevel?: string;
  cluster?: string[];
  nodeName?: string;
  workers?: number;
  /** `--metrics`: on the router's port. */
  metrics?: boolean;
  metricsPort?: number;
  metricsHost?: string;
  /** `--otlp-endpoint`: the OTLP/HTTP base URL to export traces to. */
  otlpEndpoint?: string;
  /** `--dashboard`: the operator dashboard at /dashboard. */
  dashboard?: boolean;
  dashboardToken?: string;
}

export const USAGE = `Usage: wamp-router [options]

Runs a WAMP v2 router (broker and dealer) on a WebSocket endpoint.

Options:
  --host HOST             address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --port PORT             TCP port (default 8080; 0 picks a free one)
  --path PATH             WebSocket path (default /ws)
  --rawsocket-port PORT   also serve WAMP-over-RawSocket on this TCP port (rs://; rss:// with --tls-cert)
  --rawsocket-host HOST   address for --rawsocket-port (default: --host)
  --rawsocket-share-port  also serve RawSocket on --port itself, beside WebSocket and HTTP (rs://; rss:// with TLS)
  --unix PATH             also serve RawSocket on a Unix domain socket (rs+unix://PATH)
  --longpoll PATH         also serve WAMP over HTTP long-poll on --port under PATH, e.g. /lp (not with --workers)
  --unix-mode MODE        its file mode in octal, e.g. 660 for owner and group (default: as the umask leaves it)
  --realm NAME            a realm to serve, added to the config file's; repeat for several (default realm1)
  --auto-create-realms    create a realm on the first HELLO that names it
  --allow-origin ORIGIN   accept browsers from ORIGIN only (exact, or *.example.com); repeatable
  --serializers LIST      comma-separated, in order of preference (default json,cbor,msgpack)
  --tls-cert FILE         PEM certificate: serve wss:// (needs --tls-key)
  --tls-key FILE          PEM private key for --tls-cert
  --static DIR            also serve the files in DIR over HTTP on the same port (e.g. a web app)
  --cluster URL           join a cluster of routers that meet on NATS at URL (nats://host:4222); repeatable
  --node-name NAME        this router's name in the cluster (default <hostname>-<pid>)
  --workers N             run N router processes on this port, joined through --cluster, to use N cores
  --metrics               serve Prometheus metrics at /metrics on the router's port
  --metrics-port PORT     serve them on a port of their own instead (with /healthz and /readyz)
  --metrics-host HOST     address for --metrics-port (default 127.0.0.1)
  --otlp-endpoint URL     export traces over OTLP/HTTP to URL/v1/traces (default: OTEL_EXPORTER_OTLP_ENDPOINT)
  --dashboard             serve the operator dashboard at /dashboard (turns --metrics on); prints its URL
  --dashboard-token TOKEN its admin token, 16 characters or more (default: WAMP_ROUTER_DASHBOARD_TOKEN, else
                          one made at startup and printed once)
  --config FILE           JSON or YAML config file; command-line options win over it
  --log-level LEVEL       trace, debug, info, warn, error, fatal or silent (default info)
  -h, --help              show this help
  -v, --version           print the version

Examples:
  wamp-router --port 8080 --realm realm1 --realm admin
  wamp-router --port 8080 --cluster nats://127.0.0.1:4222 --workers 4
`;

function usageError(message: string): RouterError {
  return new RouterError(RouterErrorCode.INVALID_OPTION, `${message}. Run "wamp-router --help" for the options.`);
}

/**
 * Parses the command line (without `node` and the script).
 *
 * @example
 * ```ts
 * parseCliArgs(['--port', '9000', '--realm', 'a', '--realm', 'b']); // { port: 9000, realms: ['a', 'b'], ... }
 * ```
 */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw usageError((error as Error).message.replace(/\. To specify.*$/s, ''));
  }
  const { values } = parsed;
  const args: CliArgs = { help: values.help === true, version: values.version === true };
  if (values.config !== undefined) args.config = values.config;
  if (values.host !== undefined) args.host = values.host;
  if (values.port !== undefined) args.port = portOf('--port', values.port);
  if (values.metrics === true) args.metrics = true;
  if (values['metrics-port'] !== undefined) args.metricsPort = portOf('--metrics-port', values['metrics-port']);
  if (values['metrics-host'] !== undefined) {
    if (args.metricsPort === undefined) throw usageError('--metrics-host goes with --metrics-port');
    args.metricsHost = values['metrics-host'];
  }
  if (values['otlp-endpoint'] !== undefined) args.otlpEndpoint = values['otlp-endpoint'];
  if (values.dashboard === true) args.dashboard = true;
  if (values['dashboard-token'] !== undefined) args.dashboardToken = values['dashboard-token'];
  if (values.path !== undefined) {
    if (!values.path.startsWith('/')) throw usageError(`--path must start with "/", got "${values.path}"`);
    args.path = values.path;
  }
  if (values['rawsocket-port'] !== undefined) args.rawsocketPort = portOf('--rawsocket-port', values['rawsocket-port']);
  if (values['rawsocket-host'] !== undefined) args.rawsocketHost = values['rawsocket-host'];
  if (values['rawsocket-share-port'] === true) args.rawsocketSharePort = true;
  if (values.unix !== undefined) args.unix = values.unix;
  if (values.longpoll !== undefined) {
    if (!values.longpoll.startsWith('/')) throw usageError(`--longpoll must start with "/", got "${values.longpoll}"`);
    args.longpoll = values.longpoll;
  }
  if (values['unix-mode'] !== undefined) args.unixMode = unixModeOf('--unix-mode', values['unix-mode']);
  if (values.realm !== undefined) args.realms = values.realm;
  if (values['auto-create-realms'] === true) args.autoCreateRealms = true;
  if (values['allow-origin'] !== undefined) args.allowedOrigins = values['allow-origin'];
  if (values.serializers !== undefined) {
    args.serializers = values.serializers
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name.length > 0);
  }
  if (values['tls-cert'] !== undefined) args.tlsCert = values['tls-cert'];
  if (values['tls-key'] !== undefined) args.tlsKey = values['tls-key'];
  if ((args.tlsCert === undefined) !== (args.tlsKey === undefined)) {
    throw usageError('--tls-cert and --tls-key go together');
  }
  if (values.static !== undefined) args.staticDir = values.static;
  if (values['log-level'] !== undefined) args.logLevel = values['log-level'];
  if (values.cluster !== undefined) args.cluster = values.cluster;
  if (values['node-name'] !== undefined) args.nodeName = values['node-name'];
  if (values.workers !== undefined) {
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
      throw usageError(`--workers must be 1-256, got "${values.workers}"`);
    }
    args.workers = workers;
  }
  return args;
}

/**
 * A file mode in octal digits (`660`, `0660`), as chmod takes it.
 *
 * @example
 * ```ts
 * unixModeOf('--unix-mode', '660'); // 0o660
 * ```
 */
export function unixModeOf(flag: string, value: string): number {
  if (!/^0?[0-7]{3}$/.test(value)) throw usageError(`${flag} must be an octal file mode like 660, got "${value}"`);
  return Number.parseInt(value, 8);
}

function portOf(flag: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`${flag} must be 0-65535, got "${value}"`);
  return port;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      path: { type: 'string' },
      'rawsocket-port': { type: 'string' },
      'rawsocket-host': { type: 'string' },
      'rawsocket-share-port': { type: 'boolean' },
      unix: { type: 'string' },
      longpoll: { type: 'string' },
      'unix-mode': { type: 'string' },
      realm: { type: 'string', multiple: true },
      'auto-create-realms': { type: 'boolean' },
      'allow-origin': { type: 'string', multiple: true },
      serializers: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      static: { type: 'string' },
      'log-level': { type: 'string' },
      cluster: { type: 'string', multiple: true },
      'node-name': { type: 'string' },
      workers: { type: 'string' },
      metrics: { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      'otlp-endpoint': { type: 'string' },
      dashboard: { type: 'boolean' },
      'dashboard-token': { type: 'string' },
    },
  });
}
