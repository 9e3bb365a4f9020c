// The `wamp` command with Autobahn|JS on the other end, through a `wamp-router` process: a `wamp register` callee
// called by Autobahn, `wamp call` of an Autobahn callee, and `wamp subscribe` receiving Autobahn's publications.
// `wamp` speaks another serializer than Autobahn in some of them, so the router translates. Needs @wamp/cli and
// @wamp/router built.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWamp, scratch, startRouter, startWamp, type WampProcess } from '../cli/wamp-process.js';
import type { RunningCli } from '../support/cli.js';
import { asRemoteError, connectAutobahn, type InteropPeer } from './peers.js';

const home = scratch('autobahn');
let router: RunningCli;
let autobahn: InteropPeer;
const running: WampProcess[] = [];

beforeAll(async () => {
  router = await startRouter();
  autobahn = await connectAutobahn(router.url, 'json');
});

afterAll(async () => {
  await Promise.all(running.map((process) => process.stop('SIGKILL')));
  await autobahn?.close();
  await router?.stop('SIGKILL');
  home.remove();
});

function background(args: string[]): WampProcess {
  const started = startWamp(args, { home: home.path });
  running.push(started);
  return started;
}

describe('wamp with Autobahn|JS', () => {
  it.each(['json', 'msgpack'])('serves an Autobahn caller from `wamp register` (over %s)', async (serializer) => {
    const procedure = `com.autobahn.${serializer}.describe`;
    // The command answers with what it read on stdin, and its own JSON.
    const callee = background([
      'register',
      procedure,
      ...['--url', router.url, '--serializer', serializer],
      '--',
      process.execPath,
      '-e',
      "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const{args,kwargs}=JSON.parse(s);console.log(JSON.stringify({sum:args[0]+args[1],kwargs}))})",
    ]);
    await callee.stderrLine(/registered/);
    const result = await autobahn.call(procedure, { args: [40, 2], kwargs: { from: 'autobahn' } });
    expect(result.args).toEqual([{ sum: 42, kwargs: { from: 'autobahn' } }]);
  });

  it('answers an Autobahn caller with the error of a failed command', async () => {
    const callee = background([
      'register',
      'com.autobahn.fails',
      '--url',
      router.url,
      '--',
      'sh',
      '-c',
      'echo "no such file" >&2; exit 2',
    ]);
    await callee.stderrLine(/registered/);
    const failure = await autobahn
      .call('com.autobahn.fails', { args: [], kwargs: {} })
      .then(() => undefined, asRemoteError);
    expect(failure).toEqual({
      uri: 'io.github.wamp_ts.cli.error.command_failed',
      args: ['no such file'],
      kwargs: { exit_code: 2, signal: null },
    });
  });

  it.each(['json', 'cbor'])('calls an Autobahn callee with `wamp call` (over %s)', async (serializer) => {
    const procedure = `com.autobahn.${serializer}.mul`;
    await autobahn.register(procedure, ({ args, kwargs }) => ({
      args: [(args[0] as number) * (args[1] as number)],
      kwargs: { by: kwargs.by ?? 'autobahn' },
    }));
    const result = await runWamp(
      ['call', procedure, '6', '7', '--kwargs', '{"by":"wamp"}', '--url', router.url, '--serializer', serializer],
      { home: home.path },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ args: [42], kwargs: { by: 'wamp' } });
    await autobahn.registerFailing(`${procedure}.refused`, 'com.autobahn.error.refused');
    const refused = await runWamp(['call', `${procedure}.refused`, 'x', '--url', router.url], { home: home.path });
    expect(refused).toMatchObject({ code: 1, stderr: 'wamp: com.autobahn.error.refused ["x"]\n' });
  });

  it('prints what Autobahn publishes with `wamp subscribe`', async () => {
    const subscriber = background([
      'subscribe',
      'com.autobahn.news',
      '--count',
      '2',
      '--url',
      router.url,
      '--serializer',
      'cbor',
    ]);
    await subscriber.stderrLine(/subscribed to com\.autobahn\.news/);
    await autobahn.publish('com.autobahn.news', { args: ['hello'], kwargs: { lang: 'en' } });
    await autobahn.publish('com.autobahn.news', { args: [1, [2, 3]], kwargs: {} });
    expect(await subscriber.exited).toBe(0);
    expect(subscriber.jsonLines()).toEqual([
      { args: ['hello'], kwargs: { lang: 'en' }, details: {} },
      { args: [1, [2, 3]], kwargs: {}, details: {} },
    ]);
  });
});
