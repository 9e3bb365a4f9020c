// Reading the router's /metrics: where they are by default, and one scrape, its failures said in a way that
// points to the fix.
import { ConnectFailure } from '../errors.js';
import { parsePrometheusText, Scrape } from './prometheus-text.js';

const SCRAPE_TIMEOUT_MS = 5_000;

/**
 * Where the router of a WebSocket URL serves its metrics with `--metrics`: the same host and port over HTTP(S),
 * path `/metrics`.
 *
 * @example
 * ```ts
 * metricsUrlFor('wss://wamp.example.com:8443/ws'); // 'https://wamp.example.com:8443/metrics'
 * ```
 */
export function metricsUrlFor(webSocketUrl: string): string {
  const url = new URL(webSocketUrl);
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}/metrics`;
}

/**
 * One scrape of `url`. Not reaching it, an HTTP error, or text that is not Prometheus' is a
 * {@link ConnectFailure} whose message says what to check.
 *
 * @example
 * ```ts
 * const scrape = await scrapeMetrics('http://127.0.0.1:8080/metrics');
 * scrape.sum('wamp_router_sessions'); // 3
 * ```
 */
export async function scrapeMetrics(url: string): Promise<Scrape> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS), headers: { accept: 'text/plain' } });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new ConnectFailure(
      `could not read the metrics at ${url} (${cause}): is the router running? Check --metrics-url`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    // A router without metrics answers 426 (it serves only WebSocket upgrades there), or 404 beside static files.
    const hint =
      response.status === 404 || response.status === 426
        ? 'it serves no metrics there: start the router with --metrics, or give the address of its --metrics-port with --metrics-url'
        : 'check --metrics-url';
    throw new ConnectFailure(`${url} answered HTTP ${response.status}: ${hint}`);
  }
  const text = await response.text();
  try {
    return new Scrape(parsePrometheusText(text), performance.now());
  } catch (error) {
    throw new ConnectFailure(`${url} did not answer with Prometheus metrics: ${(error as Error).message}`);
  }
}
