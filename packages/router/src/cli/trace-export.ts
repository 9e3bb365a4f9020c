// Trace export for the `wamp-router` command: the OpenTelemetry SDK with an OTLP/HTTP exporter, loaded only when
// an endpoint is set (--otlp-endpoint, the config file's otlpEndpoint, or OTEL_EXPORTER_OTLP_ENDPOINT).
import { DiagLogLevel, diag, type TracerProvider } from '@opentelemetry/api';
import { RouterError, RouterErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

/** The `service.name` of the router's spans. */
export const SERVICE_NAME = 'wamp-router';

/** The SDK packages the export needs: optional peer dependencies of `@wamp/router`, installed by the user. */
const SDK_PACKAGES = [
  '@opentelemetry/sdk-trace-base@^2.12.1',
  '@opentelemetry/exporter-trace-otlp-http@^0.223.1',
  '@opentelemetry/resources@^2.12.1',
];

/** A started trace export: the provider to hand to `createRouter`, and its shutdown, which flushes. */
export interface TraceExport {
  readonly provider: TracerProvider;
  /** The URL spans are sent to (`…/v1/traces`). */
  readonly url: string;
  shutdown(): Promise<void>;
}

/**
 * True for an `http:` or `https:` URL.
 *
 * @example
 * ```ts
 * isHttpUrl('http://127.0.0.1:4318'); // true
 * ```
 */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

/**
 * Where the traces go for an OTLP/HTTP base URL: its `/v1/traces`, as the OTLP exporter configuration treats
 * `OTEL_EXPORTER_OTLP_ENDPOINT`.
 *
 * @example
 * ```ts
 * tracesUrl('http://collector:4318/'); // 'http://collector:4318/v1/traces'
 * ```
 */
export function tracesUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * The OTLP/HTTP base URL in force: the flag, else the config file's `otlpEndpoint`, else
 * `OTEL_EXPORTER_OTLP_ENDPOINT`; undefined when none is set. A bad URL is an error naming where it came from.
 *
 * @example
 * ```ts
 * otlpEndpoint(args.otlpEndpoint, config.otlpEndpoint, process.env); // 'http://127.0.0.1:4318' or undefined
 * ```
 */
export function otlpEndpoint(
  flag: string | undefined,
  fromFile: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const fromEnv = env.OTEL_EXPORTER_OTLP_ENDPOINT === '' ? undefined : env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const endpoint = flag ?? fromFile ?? fromEnv;
  if (endpoint === undefined || isHttpUrl(endpoint)) return endpoint;
  const source =
    flag !== undefined ? '--otlp-endpoint' : fromFile !== undefined ? 'otlpEndpoint' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  throw new RouterError(
    RouterErrorCode.INVALID_OPTION,
    `${source} must be an http:// or https:// URL (the OTLP/HTTP base URL, e.g. http://127.0.0.1:4318), got "${endpoint}"`,
  );
}

async function load<T>(specifier: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new RouterError(
      RouterErrorCode.INVALID_OPTION,
      `--otlp-endpoint needs the OpenTelemetry SDK, which is not installed (${specifier} is missing): ` +
        `npm install ${SDK_PACKAGES.join(' ')}`,
      { cause: error },
    );
  }
}

/**
 * Starts the OpenTelemetry SDK for the router's spans: a tracer provider with `service.name` `wamp-router`, whose
 * batches go as OTLP/HTTP JSON to `endpoint`'s `/v1/traces`. The SDK is imported here, only when this runs. Export
 * failures are logged as warnings (the SDK's diagnostics, routed to the router's logger).
 *
 * @example
 * ```ts
 * const traces = await startTraceExport('http://127.0.0.1:4318', '1.2.0', logger);
 * const router = createRouter({ tracing: traces.provider });
 * ```
 */
export async function startTraceExport(endpoint: string, version: string, logger: Logger): Promise<TraceExport> {
  const [sdk, otlp, resources] = await Promise.all([
    load<typeof import('@opentelemetry/sdk-trace-base')>('@opentelemetry/sdk-trace-base'),
    load<typeof import('@opentelemetry/exporter-trace-otlp-http')>('@opentelemetry/exporter-trace-otlp-http'),
    load<typeof import('@opentelemetry/resources')>('@opentelemetry/resources'),
  ]);
  const warn = (message: string, ...args: unknown[]) =>
    logger.warn(args.length === 0 ? {} : { details: args.map(String) }, `trace export: ${message}`);
  diag.setLogger({ error: warn, warn, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  const url = tracesUrl(endpoint);
  const provider = new sdk.BasicTracerProvider({
    resource: resources.resourceFromAttributes({ 'service.name': SERVICE_NAME, 'service.version': version }),
    spanProcessors: [new sdk.BatchSpanProcessor(new otlp.OTLPTraceExporter({ url }))],
  });
  return { provider, url, shutdown: () => provider.shutdown() };
}
