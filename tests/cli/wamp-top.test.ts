// `wamp top` against a `wamp-router --metrics` process: a JSON line per refresh when piped, whose call count rises
// as the test calls a procedure; a screen in a terminal that q quits; exit 3 when the router serves no metrics.
// Needs @wamp/cli and @wamp/router built.
import { type Session as ClientSession, Session } from '@wamp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCli } from '../support/cli.js';
import { runWamp, scratch, startRouter, startWamp, startWampInTerminal, type WampProcess } from './wamp-process.js';

/** The part of a refresh line the tests read. */
interface Refresh {
  interval_s: number | null;
  sessions: Record<string, number>;
  calls: { procedure: string; total: number; rate: number | null; p50_ms: number | null; p99_ms: number | null }[];
  call_outcomes: Record<string, { total: number; rate: number | null }>;
  messages: { received: Record<string, { total: number; rate: number | null }> };
  meta: { sessions: { total: number }; registrations: { entries: { uri: string; callees: number[] }[] } } | null;
  problem: string | null;
}

const home = scratch('top');
let router: RunningCli;
let session: ClientSession;
const running: WampProcess[] = [];

beforeAll(async () => {
  router = await startRouter(['--metrics']);
  session = await Session.connect({ url: router.url, realm: 'realm1', reconnect: false });
  await session.register('com.top.add', ([a, b]) => Number(a) + Number(b));
});

afterAll(async () => {
  await Promise.all(running.map((process) => process.stop('SIGKILL')));
  await session?.close();
  await router?.stop('SIGKILL');
  home.remove();
});

/** The first refresh after `count` lines that `check` accepts. */
function refreshAfter(top: WampProcess, count: number, what: string, check: (refresh: Refresh) => boolean) {
  return top.until(what, () => (top.jsonLines().slice(count) as Refresh[]).find(check), 15_000);
}

const procedure = (refresh: Refresh) => refresh.calls.find((entry) => entry.procedure === 'com.top.add');

describe('wamp top, piped', () => {
  it('prints a JSON line per refresh whose call count rises as the procedure is called', async () => {
    const top = startWamp(['top', '--url', router.url, '--interval', '0.2'], { home: home.path });
    running.push(top);
    const first = await refreshAfter(top, 0, 'a first refresh', () => true);
    expect(first.interval_s).toBeNull();
    expect(first.problem).toBeNull();
    expect(first.sessions.realm1).toBe(2); // the test's session and wamp top's own
    expect(first.meta?.registrations.entries).toContainEqual({
      uri: 'com.top.add',
      invoke: 'single',
      callees: [session.id],
    });

    // The router gives a procedure a series of its own once it has been called 100 times (the rest is "other").
    for (let i = 0; i < 100; i++) await session.call('com.top.add', [i, 1]);
    const seen = await refreshAfter(top, 0, 'com.top.add in the calls', (refresh) => procedure(refresh) !== undefined);
    const before = procedure(seen)!.total;
    for (let i = 0; i < 10; i++) await session.call('com.top.add', [i, 2]);
    const counted = top.jsonLines().length;
    const after = await refreshAfter(
      top,
      counted,
      'ten more calls',
      (refresh) => procedure(refresh)!.total >= before + 10,
    );
    expect(after.interval_s).toBeGreaterThan(0);
    expect(after.call_outcomes.result!.total).toBeGreaterThanOrEqual(110);
    expect(after.messages.received.CALL!.total).toBeGreaterThanOrEqual(110);
    // A rate is the difference of two scrapes: some refresh saw the calls come in.
    const rates = (top.jsonLines() as Refresh[]).map((refresh) => procedure(refresh)?.rate ?? 0);
    expect(Math.max(...rates)).toBeGreaterThan(0);
    expect(procedure(after)!.p99_ms).not.toBeUndefined();
    expect(await top.stop('SIGTERM')).toBe(0);
  }, 40_000);

  it('ends after --count refreshes', async () => {
    const result = await runWamp(['top', '--url', router.url, '--interval', '0.1', '--count', '3'], {
      home: home.path,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Refresh);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.interval_s).toBeNull();
    expect(lines[2]!.interval_s).toBeGreaterThan(0);
  });
});

describe('wamp top in a terminal', () => {
  it.each([
    ['q', 'q'],
    ['Ctrl-C', '\u0003'],
  ])('draws its screen on the alternate screen and quits on %s', async (_name, key) => {
    const top = startWampInTerminal(['top', '--url', router.url, '--interval', '0.2'], { home: home.path });
    running.push(top);
    // The registrations are the screen's last section.
    await top.until('the screen', () => (/REGISTRATION \(1\)/.test(top.stdout) ? true : undefined));
    expect(top.stdout).toContain('\u001b[?1049h');
    expect(top.stdout).toMatch(/wamp top {2}ws:\/\/127\.0\.0\.1:\d+\/ws {2}realm realm1/);
    expect(top.stdout).toMatch(/sessions: realm1 \d+/);
    expect(top.stdout).toMatch(/PROCEDURE +CALLS +CALLS\/S +P50 MS +P99 MS/);
    expect(top.stdout).toMatch(/com\.top\.add +single +1/);
    // In raw mode Ctrl-C reaches the process as a byte, not as SIGINT.
    top.child.stdin!.write(key);
    expect(await top.exited).toBe(0);
    // The terminal is handed back: the alternate screen left, the cursor shown again.
    expect(top.stdout.trimEnd().endsWith('\u001b[?25h\u001b[?1049l')).toBe(true);
  });
});

describe('wamp top without metrics', () => {
  it('exits with 3 and says to start the router with --metrics', async () => {
    const plain = await startRouter();
    try {
      const result = await runWamp(['top', '--url', plain.url], { home: home.path });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(
        '/metrics answered HTTP 426: it serves no metrics there: start the router with --metrics',
      );
    } finally {
      await plain.stop('SIGKILL');
    }
  });
});
