// Installs the tarballs with npm into a scratch project, as a user outside this workspace would, then runs
// `npx wamp-router` there and calls it from the installed @wamp/client and with the installed `npx wamp`, and
// type-checks a Node and a browser consumer (consumers/) against the installed type declarations with TypeScript 5.9.
import { once } from 'node:events';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../support/call.js';
import { type RunningCli, startCli } from '../support/cli.js';
import { CONSUMERS, INSTALL_TIMEOUT_MS, mustRun, npmProject, pack, run, scratchDir } from './packed.js';

const scratch = scratchDir('installed');
const app = join(scratch.path, 'app');
let cli: RunningCli | undefined;

beforeAll(async () => {
  const tarballs = await pack(join(scratch.path, 'tarballs'));
  await npmProject(app, [...Object.values(tarballs), 'typescript@~5.9.3', '@types/node@20']);
  for (const file of ['call.mjs', 'node.mts', 'browser.mts']) copyFileSync(join(CONSUMERS, file), join(app, file));
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await cli?.stop('SIGKILL');
  scratch.remove();
});

describe('the installed @wamp/router', () => {
  it('prints its usage through `npx wamp-router --help`', async () => {
    const help = await mustRun('npx', ['--no-install', 'wamp-router', '--help'], { cwd: app });
    expect(help).toContain('Usage: wamp-router');
  });

  it('serves a call from the installed @wamp/client through `npx wamp-router --port 0`, then stops', async () => {
    cli = await startCli('npx', ['--no-install', 'wamp-router', '--port', '0'], { cwd: app });
    expect(cli.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);

    const printed = await mustRun('node', ['call.mjs', cli.url], { cwd: app });
    expect(JSON.parse(printed)).toEqual({ sum: 5, sessions: 1 });

    // npx ends on the signal itself; the router shares its stdout and stderr, so those pipes close only once the
    // router has exited too, after logging its clean shutdown.
    const { url, process: npx } = cli;
    const closed = once(npx, 'close');
    await cli.stop('SIGTERM');
    await closed;
    expect(cli.stderr()).toMatch(/"msg":"stopped"/);
    cli = undefined;
    await expect(roundTrip(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('serves the dashboard page and its assets from the installed package', async () => {
    const token = 'pack-test-dashboard-token';
    await using dashboard = await startCli(
      'npx',
      ['--no-install', 'wamp-router', '--port', '0', '--dashboard-token', token],
      {
        cwd: app,
      },
    );
    const root = dashboard.url.replace('ws:', 'http:').replace(/\/ws$/, '');
    const page = await fetch(`${root}/dashboard/?token=${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>wamp-router dashboard</title>');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${root}/dashboard/${script}`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toContain('router.tap.read');
    expect((await fetch(`${root}/dashboard/`)).status).toBe(401);
  });
});

describe('the installed @wamp/cli', () => {
  it('prints its usage through `npx wamp --help`, and calls and publishes with `npx wamp` piped', async () => {
    const help = await mustRun('npx', ['--no-install', 'wamp', '--help'], { cwd: app });
    expect(help).toContain('Usage: wamp COMMAND [ARGS] [options]');
    const router = await startCli('npx', ['--no-install', 'wamp-router', '--port', '0'], { cwd: app });
    try {
      const count = await mustRun('npx', ['--no-install', 'wamp', 'call', 'wamp.session.count', '--url', router.url], {
        cwd: app,
      });
      // The router counts the sessions of the realm: `wamp`'s own.
      expect(JSON.parse(count)).toEqual({ args: [1], kwargs: {} });
      // The binary serializers come with the CLI.
      const published = await run(
        'npx',
        [
          '--no-install',
          'wamp',
          'publish',
          'com.example.x',
          '1',
          '--acknowledge',
          '--serializer',
          'cbor',
          '--url',
          router.url,
        ],
        { cwd: app },
      );
      // npx itself may warn about pnpm's npm_config_* variables when the suite runs under `pnpm test`.
      const stderr = published.stderr
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('npm warn'))
        .join('\n');
      expect({ ...published, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      await router.stop('SIGKILL');
    }
  });
});

/** The compiler options every consumer shares: a user's strict project that checks the libraries' declarations. */
const STRICT = { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022' };
const RESOLUTIONS = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
} as const;
const CONSUMER_OPTIONS = {
  // Node 20: its types, and no DOM.
  node: { lib: ['ES2022'], types: ['node'] },
  // A page: the DOM, and no Node types unless a declaration imports them.
  browser: { lib: ['ES2022', 'DOM'], types: [] },
} as const;

/** Writes the tsconfig of one consumer under one resolution and runs tsc on it; resolves with its exit and output. */
function typeCheck(
  consumer: keyof typeof CONSUMER_OPTIONS,
  resolution: keyof typeof RESOLUTIONS,
  flags: string[] = [],
) {
  const tsconfig = `tsconfig.${consumer}.${resolution}.json`;
  const compilerOptions = { ...STRICT, ...RESOLUTIONS[resolution], ...CONSUMER_OPTIONS[consumer] };
  writeFileSync(join(app, tsconfig), JSON.stringify({ compilerOptions, files: [`${consumer}.mts`] }, null, 2));
  return run('node', [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig, ...flags], { cwd: app });
}

describe.each(Object.keys(CONSUMER_OPTIONS) as (keyof typeof CONSUMER_OPTIONS)[])('a %s consumer', (consumer) => {
  it.each(Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[])(
    'type-checks with strict, skipLibCheck off and moduleResolution %s',
    async (resolution) => {
      const result = await typeCheck(consumer, resolution);
      expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    },
  );
});

describe('a browser consumer', () => {
  it.each(Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[])(
    'reaches no Node types under moduleResolution %s',
    async (resolution) => {
      const result = await typeCheck('browser', resolution, ['--listFilesOnly']);
      expect(result.code, result.stderr).toBe(0);
      const files = result.stdout.split('\n').filter((file) => file !== '');
      expect(files.filter((file) => file.includes('/node_modules/@types/node/'))).toEqual([]);
    },
  );
});
