// `pnpm start`, the README's first command: it shows its build's progress, serves the demo, and Ctrl-C (SIGINT
// to the whole process group, as a terminal sends it) ends it cleanly, with exit code 0 and no pnpm complaint.
// Needs the packages built (`pnpm test` builds first), so turbo finds every package up to date here.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO_STARTED = /^wamp demo at (http:\/\/\S+) /m;

describe('pnpm start', () => {
  it('prints a line per package it builds, serves the demo, and exits 0 on Ctrl-C', async () => {
    const cli = await startCli('pnpm', ['start', '--port', '0'], {
      cwd: ROOT,
      startLine: DEMO_STARTED,
      timeoutMs: 120_000,
    });
    const page = await fetch(cli.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(await cli.stop('SIGINT')).toBe(0);
    expect(cli.stdout()).toMatch(/@wamp\/router\s+(up to date|building…)/);
    expect(cli.stdout()).toMatch(/built \d+ of \d+ packages in/);
    expect(cli.stderr()).not.toContain('ELIFECYCLE');
  }, 150_000);
});
