// `wamp-router --dashboard` as users run it: the URL it prints, with a token made for the run and never logged, or
// without one that was given; a token too short refused with the flag named.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFailing, startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));
const DASHBOARD_LINE = /^wamp-router dashboard at (\S+)/m;

/** Waits for the dashboard's line, which follows the startup line. */
async function dashboardUrl(stdout: () => string): Promise<string> {
  await expect.poll(() => DASHBOARD_LINE.test(stdout()), { timeout: 5_000 }).toBe(true);
  return DASHBOARD_LINE.exec(stdout())![1]!;
}

describe('wamp-router --dashboard', () => {
  it('prints the page’s URL with a token made for this run, which opens it and never reaches the log', async () => {
    await using cli = await startCli('node', [BIN, '--port', '0', '--dashboard']);
    const url = new URL(await dashboardUrl(cli.stdout));
    const token = url.searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(new URL('/dashboard/', url))).status).toBe(401);
    // The metrics are on, on the router's port.
    expect((await fetch(new URL('/metrics', url))).status).toBe(200);
    expect(cli.stderr()).not.toContain(token);
    expect(await cli.stop('SIGTERM')).toBe(0);
    expect(cli.stderr()).not.toContain(token);
  });

  it('keeps a token it was given to itself, from the flag or the environment', async () => {
    const token = 'given-token-from-the-operator';
    await using cli = await startCli('node', [BIN, '--port', '0', '--dashboard-token', token]);
    const url = await dashboardUrl(cli.stdout);
    expect(url).toMatch(/\/dashboard\/\?token=…$/);
    expect(cli.stdout()).not.toContain(token);
    expect((await fetch(`${url.replace('…', '')}${token}`)).status).toBe(200);

    // The environment's token, for a command line that `ps` shows to everyone.
    const fromEnvironment = 'token-from-the-environment';
    process.env.WAMP_ROUTER_DASHBOARD_TOKEN = fromEnvironment;
    try {
      await using second = await startCli('node', [BIN, '--port', '0', '--dashboard']);
      const page = (await dashboardUrl(second.stdout)).replace('…', '');
      expect(second.stdout()).not.toContain(fromEnvironment);
      expect((await fetch(`${page}${fromEnvironment}`)).status).toBe(200);
      expect((await fetch(`${page}${token}`)).status).toBe(401);
    } finally {
      delete process.env.WAMP_ROUTER_DASHBOARD_TOKEN;
    }
  });

  it('refuses a token too short, naming the flag', async () => {
    const { code, stderr } = await runFailing(BIN, ['--dashboard-token', 'short']);
    expect(code).toBe(1);
    expect(stderr).toContain('--dashboard-token must be at least 16 characters');
    expect(stderr).not.toContain('short"');
  });
});
