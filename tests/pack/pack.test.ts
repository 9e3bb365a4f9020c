// Packs the router and its workspace dependencies as npm would publish them, installs the tarballs into a
// scratch folder with npm, and runs `npx wamp-router` from there: the published package works, not only
// the workspace. Needs the packages built (`pnpm test` builds first).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../support/call.js';
import { startCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGES = ['protocol', 'transport', 'router'];
const scratch = mkdtempSync(join(tmpdir(), 'wamp-pack-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed @wamp/router', () => {
  it('installs with npm and serves a call through `npx wamp-router`', { timeout: 180_000 }, async () => {
    const tarballs = join(scratch, 'tarballs');
    for (const name of PACKAGES) {
      execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: join(ROOT, 'packages', name),
        stdio: 'pipe',
      });
    }
    const files = readdirSync(tarballs).map((file) => join(tarballs, file));
    expect(files).toHaveLength(PACKAGES.length);

    const app = join(scratch, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files], {
      cwd: app,
      stdio: 'pipe',
    });

    const help = execFileSync('npx', ['--no-install', 'wamp-router', '--help'], { cwd: app, encoding: 'utf8' });
    expect(help).toContain('Usage: wamp-router');

    await using cli = await startCli('npx', ['--no-install', 'wamp-router', '--port', '0'], { cwd: app });
    expect(cli.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(await roundTrip(cli.url)).toEqual([5]);
    await cli.stop('SIGTERM');
    await expect(roundTrip(cli.url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
