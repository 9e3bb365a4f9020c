// `wamp top`: the router's figures, refreshed like top(1): a screen on a terminal, a JSON line per refresh when
// piped. The figures come from its Prometheus endpoint, the session and registration lists from the meta API.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Session } from '@wamp/client';
import { integerFlag, secondsFlag } from '../args.js';
import { type Command, type CommandContext, watchConnection, withSession } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { listRegistrations, listSessions } from '../meta.js';
import { routerFigures } from '../top/figures.js';
import type { Scrape } from '../top/prometheus-text.js';
import { metricsUrlFor, scrapeMetrics } from '../top/scrape.js';
import { renderScreen, SCREEN, type TopMeta, type TopView } from '../top/screen.js';

const DEFAULT_INTERVAL_MS = 2_000;
/** Sessions and registrations described per refresh (all are counted): a screen shows fewer anyway. */
const META_LIMIT = 50;

/** `wamp top`: the router's figures, refreshed. */
export const top: Command = {
  name: 'top',
  summary: "a live view of the router's figures, like top",
  help: `Usage: wamp top [--metrics-url URL] [--interval SECS] [--count N] [options]

Shows the router's figures, refreshed every --interval: sessions per realm, connections, messages per second by
type, calls per procedure with their rate and p50/p99 latency (over the calls since the previous refresh), events
published and dropped, slow consumers cut off, and the realm's sessions and registrations. Rates are the
difference between two scrapes of the router's Prometheus endpoint over the time between them; the lists come
from the meta API (at most ${META_LIMIT} of each described, all counted). Press q or Ctrl-C to quit.

When stdout is not a terminal (or with --json), each refresh is one JSON line: {"time", "url", "realm",
"metrics_url", "interval_s", "sessions", "connections", "pending_calls", "messages": {"received", "sent"},
"calls": [{"procedure", "total", "rate", "p50_ms", "p99_ms"}], "call_outcomes", "events", "slow_consumers_disconnected",
"meta": {"sessions", "registrations"}, "problem"}. Totals are the router's running totals; rates are per second
and null on the first refresh.

The router must serve metrics: start it with --metrics (on its own port, where --url points) or --metrics-port
(then give --metrics-url). A failed scrape after the first is shown, and the next refresh tries again.

Options:
  --metrics-url URL       the router's metrics (default: the http(s) origin of --url, path /metrics)
  --interval SECS         seconds between refreshes (default ${DEFAULT_INTERVAL_MS / 1000})
  --count N               exit after N refreshes

Examples:
  wamp top
  wamp top --metrics-url http://127.0.0.1:9464/metrics --interval 1
  wamp top --count 2 | tail -1 | jq '.calls'`,
  options: {
    'metrics-url': { type: 'string' },
    interval: { type: 'string' },
    count: { type: 'string' },
  },
  async run(context) {
    if (context.positionals.length > 0) {
      throw new UsageError(`wamp top takes no arguments, got "${context.positionals[0]}"`, 'top');
    }
    const intervalMs = secondsFlag(context.values, 'interval', 'top') ?? DEFAULT_INTERVAL_MS;
    const count = integerFlag(context.values, 'count', 'top', 1);
    const settings = context.settings();
    const metricsUrl = settings.metricsUrl ?? metricsUrlFor(settings.url);
    return withSession(context, { reconnect: true }, async (session) => {
      // The first scrape says at once whether there are metrics to show.
      const first = await scrapeMetrics(metricsUrl);
      const lost = watchConnection(session, context);
      const quit = new AbortController();
      context.stop.addEventListener('abort', () => quit.abort(), { once: true });
      const view = new TopLoop(context, session, metricsUrl, quit);
      const running = view.run(first, intervalMs, count);
      const outcome = await Promise.race([running, lost]);
      quit.abort();
      // The terminal is handed back before a message about the lost session is written.
      await running.catch(() => {});
      if (outcome instanceof Error) throw outcome;
      return ExitCode.OK;
    });
  },
};

/** The refresh loop, and the terminal it draws on. */
class TopLoop {
  private readonly screen: boolean;

  constructor(
    private readonly context: CommandContext,
    private readonly session: Session,
    private readonly metricsUrl: string,
    private readonly quit: AbortController,
  ) {
    this.screen = !context.output.json;
  }

  async run(first: Scrape, intervalMs: number, count: number | undefined): Promise<void> {
    const stopKeys = this.screen ? this.watchKeys() : () => {};
    if (this.screen) this.context.output.stdout.write(SCREEN.enter);
    try {
      let previous: Scrape | null = null;
      let current: Scrape | null = first;
      for (let refresh = 1; ; refresh++) {
        let problem: string | null = null;
        if (current === null) {
          try {
            current = await scrapeMetrics(this.metricsUrl);
          } catch (error) {
            problem = (error as Error).message;
          }
        }
        const meta = await this.meta().catch((error: unknown) => {
          problem ??= `the meta API refused: ${(error as Error).message} (the role needs to call wamp.session.* and wamp.registration.*)`;
          return null;
        });
        await this.show({
          time: new Date().toISOString(),
          url: this.context.settings().url,
          realm: this.context.settings().realm,
          metricsUrl: this.metricsUrl,
          figures: current === null ? null : routerFigures(current, previous),
          meta,
          problem,
        });
        if (refresh === count || this.quit.signal.aborted) return;
        if (current !== null) previous = current;
        current = null;
        await sleep(intervalMs, undefined, { signal: this.quit.signal }).catch(() => {});
        if (this.quit.signal.aborted) return;
      }
    } finally {
      stopKeys();
      if (this.screen) this.context.output.stdout.write(SCREEN.leave);
    }
  }

  private async meta(): Promise<TopMeta> {
    const [sessions, registrations] = await Promise.all([
      listSessions(this.session, META_LIMIT),
      listRegistrations(this.session, META_LIMIT),
    ]);
    return {
      sessions: {
        total: sessions.total,
        entries: sessions.entries.map(({ session, authid, authrole }) => ({
          session,
          ...(authid !== undefined && { authid }),
          ...(authrole !== undefined && { authrole }),
        })),
      },
      registrations: {
        total: registrations.total,
        entries: registrations.entries.map(({ uri, invoke, callees }) => ({ uri, invoke, callees })),
      },
    };
  }

  private async show(view: TopView): Promise<void> {
    const { output } = this.context;
    if (!this.screen) {
      const { time, url, realm, metricsUrl, figures, meta, problem } = view;
      await output.line({ time, url, realm, metrics_url: metricsUrl, ...figures, meta, problem });
      return;
    }
    const stdout = output.stdout as NodeJS.WriteStream;
    await output.write(SCREEN.redraw + renderScreen(view, stdout.columns || 80, stdout.rows || 24));
  }

  /** q or Ctrl-C (which raw mode delivers as a byte, not a signal) quits; returns what undoes raw mode. */
  private watchKeys(): () => void {
    const { stdin } = this.context;
    if (!stdin.isTTY) return () => {};
    stdin.setRawMode(true);
    const onKey = (key: Buffer) => {
      const text = key.toString('utf8');
      if (text === 'q' || text === 'Q' || text === '\u0003') this.quit.abort();
    };
    stdin.on('data', onKey);
    stdin.resume();
    return () => {
      stdin.off('data', onKey);
      stdin.setRawMode(false);
      stdin.pause();
    };
  }
}
