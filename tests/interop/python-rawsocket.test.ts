// Autobahn|Python (Debian's python3-autobahn, asyncio) over RawSocket against our router, on TCP, on a Unix socket
// and (JSON) on the WebSocket port shared with RawSocket, with each serializer Debian's build has (JSON, and MessagePack and CBOR through python3-msgpack and
// python3-cbor2): register, call, an error with its URI, subscribe, publish, a 1 MiB payload. A client no test of
// ours wrote; scripts/ensure-debian-packages.sh installs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Session, WampError } from '@wamp/client';
import { createRouter, type Router } from '@wamp/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Debian's interpreter, whose dist-packages hold python3-autobahn (not a python3 of the PATH, e.g. pyenv's). */
const PYTHON = '/usr/bin/python3';
const PEER = fileURLToPath(new URL('./python/rawsocket_peer.py', import.meta.url));

interface Step {
  step: string;
  [field: string]: unknown;
}

/** Runs the Python peer on `url`, handing each reported step to `onStep`; resolves with all of them and its exit code. */
function runPeer(
  url: string,
  serializer: string,
  onStep: (step: Step) => void | Promise<void>,
): Promise<{ steps: Step[]; code: number | null; stderr: string }> {
  const child: ChildProcess = spawn(PYTHON, [PEER, url, serializer], { stdio: ['ignore', 'pipe', 'pipe'] });
  const steps: Step[] = [];
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const step = JSON.parse(line) as Step;
    steps.push(step);
    void Promise.resolve(onStep(step)).catch((error: unknown) => {
      stderr += `the test's answer to ${step.step} failed: ${String(error)}\n`;
      child.kill();
    });
  });
  const timer = setTimeout(() => child.kill(), 20_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ steps, code, stderr });
    }),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'wamp-python-rs-'));
let router: Router;
let urls: { tcp: string; unix: string; shared: string };
let webSocketUrl: string;
let node: Session;
const fromPython: unknown[] = [];

beforeAll(async () => {
  router = createRouter({ realms: ['realm1'] });
  const listening = await router.listen({
    host: '127.0.0.1',
    port: 0,
    rawsocket: { port: 0, unix: join(scratch, 'router.sock'), sharePort: true },
  });
  const [shared, tcp, unix] = listening.rawsocketUrls!;
  urls = { tcp: tcp!, unix: unix!, shared: shared! };
  webSocketUrl = listening.url;
  // Our own client on the other side of the router, over WebSocket.
  node = await Session.connect({ url: listening.url, realm: 'realm1', reconnect: false });
  await node.register('com.node.echo', (args) => args[0]);
  await node.register('com.node.fail', (args) => {
    throw new WampError('com.node.error.denied', ['not allowed', args[0]]);
  });
  await node.subscribe('com.py.news', (args) => fromPython.push(args[0]));
});

afterAll(async () => {
  await node.close();
  await router.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** The Python peer's whole run on `where` with `serializer`: every step it reports, and what reached our side. */
async function fullRun(where: keyof typeof urls, serializer: string): Promise<void> {
  let sum: unknown;
  const news = `news over ${where} in ${serializer}`;
  const { steps, code, stderr } = await runPeer(urls[where], serializer, async ({ step }) => {
    if (step !== 'ready') return;
    sum = await node.call('com.py.add', [2, 3]);
    await node.publish('com.node.news', [news], { acknowledge: true });
  });
  expect(stderr).not.toMatch(/Traceback/);
  expect(code).toBe(0);
  expect(steps).toEqual([
    { step: 'joined', session: expect.any(Number) },
    { step: 'echo', length: 1 << 20, same: true },
    { step: 'error', uri: 'com.node.error.denied', args: ['not allowed', 7] },
    { step: 'ready' },
    { step: 'published', message: news },
    { step: 'disconnected' },
  ]);
  expect(sum).toBe(5);
  await expect.poll(() => fromPython).toContain(news);
}

describe('Autobahn|Python over RawSocket', () => {
  describe.each(['tcp', 'unix'] as const)('on %s', (where) => {
    it.each(['json', 'msgpack', 'cbor'])('with %s: register, call, error, subscribe, publish, 1 MiB', (serializer) =>
      fullRun(where, serializer),
    );
  });

  it('on the WebSocket port (rawsocket.sharePort), with json: register, call, error, subscribe, publish, 1 MiB', async () => {
    // Our own session came over WebSocket to this same port.
    expect(new URL(urls.shared).port).toBe(new URL(webSocketUrl).port);
    await fullRun('shared', 'json');
  });

  it('drops the connection on a PING (it cannot answer one): why the router sends none by default', async () => {
    const pinging = createRouter({ realms: ['realm1'] });
    const { rawsocketUrls } = await pinging.listen({
      port: 0,
      rawsocket: { port: 0, keepalive: { intervalMs: 20, timeoutMs: 5_000 } },
    });
    try {
      const { steps, stderr } = await runPeer(rawsocketUrls![0]!, 'json', () => {});
      expect(stderr).toMatch(/NotImplementedError/);
      expect(steps.map(({ step }) => step)).not.toContain('published');
      expect(steps.at(-1)).toEqual({ step: 'disconnected' });
    } finally {
      await pinging.close();
    }
  });
});
