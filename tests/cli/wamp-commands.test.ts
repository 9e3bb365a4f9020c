// `wamp call`, `publish`, `subscribe`, `register` and the meta listings as users run them: real `wamp` processes
// against a real `wamp-router` process, with an @wamp/client session on the other end of each round trip.
// Needs @wamp/cli and @wamp/router built (`pnpm test` builds first).
import { type Session as ClientSession, Session, WampError } from '@wamp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCli } from '../support/cli.js';
import { runWamp, runWampInTerminal, scratch, startRouter, startWamp, type WampProcess } from './wamp-process.js';

const COMMAND_FAILED = 'io.github.wamp_ts.cli.error.command_failed';
const home = scratch('commands');
let router: RunningCli;
let session: ClientSession;
let wampArgs: (args: string[]) => string[];
const running: WampProcess[] = [];

beforeAll(async () => {
  router = await startRouter();
  // The flags go right after the command's name: what follows `--` is the registered command's.
  wampArgs = ([command, ...rest]) => [command!, '--url', router.url, ...rest];
  session = await Session.connect({ url: router.url, realm: 'realm1', reconnect: false });
});

afterAll(async () => {
  await Promise.all(running.map((process) => process.stop('SIGKILL')));
  await session?.close();
  await router?.stop('SIGKILL');
  home.remove();
});

const wamp = (...args: string[]) => runWamp(wampArgs(args), { home: home.path });
const wampInTerminal = (...args: string[]) => runWampInTerminal(wampArgs(args), { home: home.path });
function background(...args: string[]): WampProcess {
  const started = startWamp(wampArgs(args), { home: home.path });
  running.push(started);
  return started;
}

describe('wamp call', () => {
  const received: unknown[] = [];
  beforeAll(async () => {
    await session.raw.register('com.test.echo', ({ args, kwargs }) => {
      received.push({ args, kwargs });
      return { args, kwargs };
    });
    await session.register('com.test.add', ([a, b]) => Number(a) + Number(b));
    await session.register('com.test.refuse', ([id]) => {
      throw new WampError('com.test.error.not_found', [`no user ${id}`], { kwargs: { id } });
    });
  });

  it('sends each argument as JSON when it parses, else as a string, with --kwargs, and prints one JSON line', async () => {
    const result = await wamp(
      'call',
      'com.test.echo',
      '40',
      '2',
      'hello',
      '"42"',
      '{"a":[1]}',
      '-1',
      'true',
      '--kwargs',
      '{"k":"v"}',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = { args: [40, 2, 'hello', '42', { a: [1] }, -1, true], kwargs: { k: 'v' } };
    expect(received.at(-1)).toEqual(expected);
    expect(result.stdout).toBe(`${JSON.stringify(expected)}\n`);
  });

  it('prints the result readably on a terminal, and JSON there with --json', async () => {
    const readable = await wampInTerminal('call', 'com.test.add', '40', '2');
    expect(readable.code).toBe(0);
    expect(readable.stdout).toBe('42\n');
    const several = await wampInTerminal('call', 'com.test.echo', 'a', '1', '--kwargs', '{"n":1}');
    expect(several.stdout).toBe('args:   ["a",1]\nkwargs: {\n  "n": 1\n}\n');
    const json = await wampInTerminal('call', 'com.test.add', '1', '2', '--json');
    expect(json.stdout).toBe('{"args":[3],"kwargs":{}}\n');
  });

  it("exits with 1 on a WAMP error, with the error's URI, args and kwargs on stderr", async () => {
    const refused = await wamp('call', 'com.test.refuse', '7');
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'wamp: com.test.error.not_found ["no user 7"] {"id":7}\n' });
    const missing = await wamp('call', 'com.test.nobody');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^wamp: wamp\.error\.no_such_procedure/);
  });

  it('gives up after --timeout', async () => {
    await session.register('com.test.slow', () => new Promise((resolve) => setTimeout(resolve, 5_000)));
    const started = performance.now();
    const result = await wamp('call', 'com.test.slow', '--timeout', '0.3');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('timeout');
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('exits with 128 + the signal when %s interrupts it, the call canceled', async (signal, code) => {
    let canceled!: () => void;
    const cancel = new Promise<void>((resolve) => {
      canceled = resolve;
    });
    let started!: () => void;
    const invoked = new Promise<void>((resolve) => {
      started = resolve;
    });
    await session.register(`com.test.forever.${signal}`, (_args, { signal: aborted }) => {
      started();
      aborted.addEventListener('abort', () => canceled());
      return new Promise(() => {});
    });
    const caller = background('call', `com.test.forever.${signal}`);
    await invoked;
    expect(await caller.stop(signal)).toBe(code);
    expect(caller.stderr).toBe('wamp: interrupted\n');
    await cancel;
  });
});

describe('wamp publish', () => {
  it('publishes the arguments and kwargs, and with --acknowledge reports a refusal as a WAMP error', async () => {
    const events: unknown[] = [];
    await session.subscribe('com.test.news', (args, event) => events.push({ args, kwargs: event.kwargs }));
    const sent = await wamp('publish', 'com.test.news', 'hello', '21.5', '--kwargs', '{"unit":"C"}');
    expect(sent).toEqual({ code: 0, stdout: '', stderr: '' });
    const acknowledged = await wamp('publish', 'com.test.news', '[1,2]', '--acknowledge');
    expect(acknowledged.code).toBe(0);
    await expect
      .poll(() => events)
      .toEqual([
        { args: ['hello', 21.5], kwargs: { unit: 'C' } },
        { args: [[1, 2]], kwargs: {} },
      ]);
    // No client may publish to the spec's reserved wamp.* topics: unacknowledged it is dropped, acknowledged refused.
    expect((await wamp('publish', 'wamp.session.on_join', '1')).code).toBe(0);
    const refused = await wamp('publish', 'wamp.session.on_join', '1', '--acknowledge');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^wamp: wamp\.error\.invalid_uri \["invalid topic URI/);
  });
});

describe('wamp subscribe', () => {
  it('prints each event as a JSON line with args, kwargs and details, and ends after --count', async () => {
    const subscriber = background('subscribe', 'com.test.tick', '--count', '2');
    await subscriber.stderrLine(/wamp: subscribed to com\.test\.tick/);
    await session.publish('com.test.tick', [1], { kwargs: { at: 'first' } });
    await session.publish('com.test.tick', ['two', { nested: true }]);
    expect(await subscriber.exited).toBe(0);
    expect(subscriber.jsonLines()).toEqual([
      { args: [1], kwargs: { at: 'first' }, details: {} },
      { args: ['two', { nested: true }], kwargs: {}, details: {} },
    ]);
  });

  it('subscribes by prefix, naming each event’s topic, until SIGTERM', async () => {
    const subscriber = background('subscribe', 'com.test.sensor.', '--match', 'prefix');
    await subscriber.stderrLine(/subscribed to com\.test\.sensor\. \(prefix\)/);
    await session.publish('com.test.sensor.kitchen', [20]);
    await session.publish('com.test.other', [0]);
    await session.publish('com.test.sensor.hall', [18]);
    await subscriber.until('two events', () => (subscriber.jsonLines().length === 2 ? true : undefined));
    expect(await subscriber.stop('SIGTERM')).toBe(0);
    expect(subscriber.jsonLines()).toEqual([
      { args: [20], kwargs: {}, details: { topic: 'com.test.sensor.kitchen' } },
      { args: [18], kwargs: {}, details: { topic: 'com.test.sensor.hall' } },
    ]);
  });
});

describe('wamp register', () => {
  /** A Node one-liner as the command: reads the invocation from stdin. */
  const node = (script: string) => [
    process.execPath,
    '-e',
    `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const call=JSON.parse(s);${script}})`,
  ];

  async function registered(procedure: string, ...rest: string[]): Promise<WampProcess> {
    const callee = background('register', procedure, ...rest);
    await callee.stderrLine(new RegExp(`registered ${procedure.replaceAll('.', '\\.')}`));
    return callee;
  }

  it('runs the command once per call with the call as JSON on stdin; its stdout, parsed as JSON, is the result', async () => {
    const callee = await registered(
      'com.test.sum',
      '--',
      ...node('console.log(JSON.stringify(call.args.reduce((a,b)=>a+b,0)))'),
    );
    expect(await session.call('com.test.sum', [40, 2])).toBe(42);
    expect(await session.call('com.test.sum', [1, 2, 3])).toBe(6);
    const lines = await callee.until('two log lines', () =>
      callee.jsonLines().length === 2 ? callee.jsonLines() : undefined,
    );
    expect(lines[0]).toMatchObject({ procedure: 'com.test.sum', exit_code: 0, signal: null });
    await registered('com.test.stdin', '--', 'cat');
    const echoed = await session.raw.call('com.test.stdin', ['x', 1], { kwargs: { k: true }, disclose_me: true });
    expect(echoed.args[0]).toMatchObject({ args: ['x', 1], kwargs: { k: true }, details: { caller: session.id } });
  });

  it('gives text output as a string, empty output as no result, and sets WAMP_PROCEDURE for a pattern registration', async () => {
    await registered('com.test.text', '--', 'sh', '-c', 'echo "hello world"');
    expect(await session.call('com.test.text')).toBe('hello world');
    await registered('com.test.nothing', '--', 'true');
    expect(await session.raw.call('com.test.nothing')).toMatchObject({ args: [], kwargs: {} });
    await registered('com.test.any.', '--match', 'prefix', '--', 'sh', '-c', 'printf %s "$WAMP_PROCEDURE"');
    expect(await session.call('com.test.any.thing')).toBe('com.test.any.thing');
  });

  it('answers a non-zero exit with the error, stderr as its argument, the exit code in kwargs', async () => {
    await registered('com.test.fail', '--', 'sh', '-c', 'echo "bad input" >&2; exit 3');
    const failure = await session.call('com.test.fail').then(
      () => undefined,
      (error: unknown) => error as WampError,
    );
    expect(failure).toBeInstanceOf(WampError);
    expect([failure!.uri, failure!.args, failure!.kwargs]).toEqual([
      COMMAND_FAILED,
      ['bad input'],
      { exit_code: 3, signal: null },
    ]);
    await registered('com.test.custom', '--error-uri', 'com.test.error.failed', '--', 'false');
    await expect(session.call('com.test.custom')).rejects.toMatchObject({ uri: 'com.test.error.failed', args: [''] });
  });

  it('stops a command past --timeout and says so', async () => {
    await registered('com.test.sleepy', '--timeout', '0.3', '--', 'sleep', '10');
    const failure = (await session.call('com.test.sleepy').catch((error: unknown) => error)) as WampError;
    expect(failure.uri).toBe(COMMAND_FAILED);
    expect(failure.kwargs).toMatchObject({ exit_code: null, signal: 'SIGTERM' });
    expect(failure.kwargs.reason).toContain('ran longer than 0.3 s');
  });

  it('runs at most --concurrency at once, queues --queue more, and answers wamp.error.unavailable past that', async () => {
    await registered('com.test.busy', '--concurrency', '1', '--queue', '1', '--', 'sh', '-c', 'sleep 0.5; echo done');
    const calls = [1, 2, 3].map((n) =>
      session.call('com.test.busy', [n]).then(
        (value) => value,
        (error: WampError) => error.uri,
      ),
    );
    expect((await Promise.all(calls)).sort()).toEqual(['done', 'done', 'wamp.error.unavailable']);
  });

  it('refuses a command that is not there, and one not put after --', async () => {
    const missing = await wamp('register', 'com.test.x', '--', 'no-such-command-anywhere');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot run "no-such-command-anywhere"');
    const misplaced = await wamp('register', 'com.test.x', 'ls');
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('put the command after "--": wamp register com.test.x -- ls');
  });
});

describe('the meta listings', () => {
  let other: ClientSession;
  beforeAll(async () => {
    other = await Session.connect({ url: router.url, realm: 'realm1', reconnect: false });
    await other.register('com.test.listed', () => 1);
    await other.subscribe('com.test.watched', () => {});
  });
  afterAll(() => other.close());

  it('wamp sessions lists the realm’s sessions (but its own) as JSON lines', async () => {
    const result = await wamp('sessions');
    expect(result.code).toBe(0);
    const listed = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(listed).toContainEqual(
      expect.objectContaining({
        session: other.id,
        authrole: 'anonymous',
        transport: expect.objectContaining({ protocol: 'wamp.2.json' }),
      }),
    );
    expect(listed.map((entry) => entry.session)).toContain(session.id);
  });

  it('wamp registrations and wamp subscriptions list what a session made, with its ID', async () => {
    const registrations = (await wamp('registrations')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(registrations).toContainEqual(
      expect.objectContaining({ uri: 'com.test.listed', match: 'exact', invoke: 'single', callees: [other.id] }),
    );
    const subscriptions = (await wamp('subscriptions')).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(subscriptions).toContainEqual(
      expect.objectContaining({ uri: 'com.test.watched', match: 'exact', subscribers: [other.id] }),
    );
  });

  it('prints tables on a terminal', async () => {
    const registrations = await wampInTerminal('registrations');
    expect(registrations.code).toBe(0);
    const lines = registrations.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s*ID\s+URI\s+MATCH\s+INVOKE\s+CALLEES\s+CREATED$/);
    expect(lines.find((line) => line.includes('com.test.listed'))).toMatch(
      new RegExp(`^\\s*\\d+\\s+com\\.test\\.listed\\s+exact\\s+single\\s+${other.id}\\s+\\d{4}-`),
    );
    const sessions = await wampInTerminal('sessions');
    expect(sessions.stdout.split('\n')[0]).toMatch(/SESSION\s+AUTHID\s+AUTHROLE\s+AUTHMETHOD\s+SERIALIZER\s+PEER/);
    expect(sessions.stdout).toContain(String(other.id));
  });
});
