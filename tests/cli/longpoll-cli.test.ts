// `wamp-router --longpoll` as users run it: the startup line names the long-poll URL, a client opens, joins and
// closes over plain HTTP, and the flag's mistakes are refused with the flag named. A real process and sockets.
import { fileURLToPath } from 'node:url';
import { hello, MessageCode } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { runFailing, startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));

const post = (url: string, body?: string) => fetch(url, { method: 'POST', body: body ?? null });

describe('wamp-router --longpoll', () => {
  it('serves WAMP over HTTP long-poll under the path given, and names its URL on the startup line', async () => {
    await using cli = await startCli('node', [BIN, '--port', '0', '--longpoll', '/wamp-lp']);
    const base = /, long-poll at (http:\/\/\S+?)[,\s]/.exec(cli.stdout())?.[1];
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wamp-lp$/);
    const opened = await post(`${base}/open`, JSON.stringify({ protocols: ['wamp.2.json'] }));
    const { transport } = (await opened.json()) as { transport: string };
    const sent = await post(`${base}/${transport}/send`, JSON.stringify(hello('realm1', { roles: { caller: {} } })));
    expect(sent.status).toBe(204);
    const welcome = JSON.parse(await (await post(`${base}/${transport}/receive`)).text()) as unknown[];
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    expect((await post(`${base}/${transport}/close`)).status).toBe(204);
    expect((await post(`${base}/${transport}/receive`)).status).toBe(404);
  });

  it('refuses a path without a leading slash, and --longpoll with --workers', async () => {
    expect((await runFailing(BIN, ['--longpoll', 'lp'])).stderr).toContain('--longpoll must start with "/"');
    const withWorkers = await runFailing(BIN, [
      '--longpoll',
      '/lp',
      '--workers',
      '2',
      '--cluster',
      'nats://127.0.0.1:1',
    ]);
    expect(withWorkers.stderr).toContain('--longpoll needs one process');
  });
});
