// The NATS client is loaded only by a cluster node: a router on its own starts and routes in a process where
// no `@nats-io/*` package can be loaded, and a cluster node in such a process fails on that very load.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Session } from '@wamp/client';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));
const REFUSE_NATS = fileURLToPath(new URL('../support/refuse-nats.mjs', import.meta.url));

describe('the NATS client is loaded only for a cluster', () => {
  it('a router on its own starts and answers calls without it', async () => {
    await using cli = await startCli('node', ['--import', REFUSE_NATS, BIN, '--port', '0']);
    const session = await Session.connect({ url: cli.url, realm: 'realm1', reconnect: false });
    expect(await session.call('wamp.session.count')).toBe(1);
    await session.close();
    expect(cli.stderr()).not.toContain('refused to load');
  });

  it('a cluster node loads it (and so fails where it cannot)', async () => {
    const failure = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        'node',
        ['--import', REFUSE_NATS, BIN, '--port', '0', '--cluster', 'nats://127.0.0.1:1'],
        (error, _stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stderr }),
      );
    });
    expect(failure.code).not.toBe(0);
    expect(failure.stderr).toContain('refused to load @nats-io/');
  });
});
