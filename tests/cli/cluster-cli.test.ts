// The `wamp-router` command as a cluster node: --cluster, --node-name and --workers against a real nats-server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from '@wamp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NatsServer, startNatsServer } from '../../packages/router/test/support/nats-server.js';
import { runFailing, startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));

let nats: NatsServer;
const scratch = mkdtempSync(join(tmpdir(), 'wamp-cluster-cli-'));

function writeConfig(name: string, text: string): string {
  writeFileSync(join(scratch, name), text);
  return join(scratch, name);
}

beforeAll(async () => {
  nats = await startNatsServer();
});

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await nats[Symbol.asyncDispose]();
});

const fails = (args: string[]) => runFailing(BIN, args);

describe('wamp-router as a cluster node', () => {
  it('runs --workers processes on one port, joined through NATS, with one startup line', async () => {
    await using cli = await startCli('node', [BIN, '--port', '0', '--cluster', nats.url, '--workers', '2']);
    expect(cli.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    // node:cluster hands connections to the workers in turn, so these sessions are on different processes.
    const sessions = await Promise.all(
      Array.from({ length: 4 }, () => Session.connect({ url: cli.url, realm: 'realm1', reconnect: false })),
    );
    const received: unknown[][] = sessions.map(() => []);
    await Promise.all(
      sessions.map((session, index) => session.subscribe('com.app.tick', (args) => received[index]!.push(args[0]))),
    );
    const publisher = await Session.connect({ url: cli.url, realm: 'realm1', reconnect: false });
    await publisher.publish('com.app.tick', [1], { acknowledge: true });
    await expect.poll(() => received.map((events) => events.length), { timeout: 5_000 }).toEqual([1, 1, 1, 1]);
    const workers = new Set(
      cli
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"joined the cluster"'))
        .map((line) => (JSON.parse(line) as { worker: number }).worker),
    );
    expect(workers).toEqual(new Set([1, 2]));
    for (const session of [...sessions, publisher]) await session.close();
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('names the node with --node-name', async () => {
    await using cli = await startCli('node', [BIN, '--port', '0', '--cluster', nats.url, '--node-name', 'edge-7']);
    // The log line and the startup line travel on different pipes, so either may arrive first.
    await expect.poll(() => cli.stderr()).toMatch(/"node":"edge-7".*"joined the cluster"/);
  });

  it('joins the cluster of its config file', async () => {
    const config = writeConfig('cluster.yaml', `cluster:\n  nats:\n    servers: ${nats.url}\n    name: from-config\n`);
    await using cli = await startCli('node', [BIN, '--port', '0', '--config', config]);
    await expect.poll(() => cli.stderr()).toMatch(/"node":"from-config".*"joined the cluster"/);
    const { stderr } = await fails(['--config', writeConfig('bad-cluster.yaml', 'cluster: nats://127.0.0.1:4222\n')]);
    expect(stderr).toContain('"cluster" must be { nats: { servers: URL or list, name? } }');
  });

  it.each([
    [['--node-name', 'a'], '--node-name needs --cluster'],
    [['--workers', '2'], '--workers needs --cluster'],
    [['--workers', '0', '--cluster', 'nats://127.0.0.1:4222'], '--workers must be 1-256'],
    [['--cluster', 'http://example'], 'cluster.nats.servers[0]'],
  ])('refuses %j with one line saying what to change', async (args, message) => {
    const { code, stderr } = await fails(args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits with what to do when NATS cannot be reached', async () => {
    const { code, stderr } = await fails(['--port', '0', '--cluster', 'nats://127.0.0.1:1']);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach NATS at nats://127.0.0.1:1');
    expect(stderr).toContain('start nats-server there, or fix --cluster');
  });
});
