// Autobahn|JS 22.11.1 in real Chromium with WebSocket taken away, joined over the router's HTTP long-poll
// transport (its `longpoll` transport, XMLHttpRequest POSTs): it calls a WebSocket callee, and a WebSocket caller
// calls the procedure it registered. Autobahn's own modules, bundled for the page by esbuild.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '@wamp/client';
import { createRouter, type Router } from '@wamp/router';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.js';

const scratch = mkdtempSync(join(tmpdir(), 'wamp-longpoll-page-'));
let browser: Browser;
let router: Router;
let pageUrl: string;
let webSocketUrl: string;

/** The page: Autobahn|JS on the long-poll URL only; `data-ready` once its session is open and has registered. */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>long-poll</title><script src="autobahn.js"></script></head>
<body><pre id="log"></pre><script>
const log = (line) => { document.getElementById('log').textContent += line + '\\n'; };
window.connection = new autobahn.Connection({
  transports: [{ type: 'longpoll', url: location.origin + '/lp' }],
  realm: 'realm1',
  max_retries: 0,
});
window.connection.onopen = async (session) => {
  window.wampSession = session;
  log('transport ' + session._socket.info.type);
  await session.register('com.example.page.shout', (args) => String(args[0]).toUpperCase());
  document.body.dataset.ready = 'true';
};
window.connection.onclose = (reason) => { log('closed ' + reason); };
window.connection.open();
</script></body></html>
`;

beforeAll(async () => {
  // Autobahn's MessagePack and CBOR libraries need Node's stream and assert, so the page gets an empty module for
  // each: its serializer.js then goes on without those serializers, as it does when they fail to load. The
  // long-poll transport speaks JSON only.
  const absent = join(scratch, 'absent.cjs');
  writeFileSync(absent, 'module.exports = {};\n');
  await build({
    stdin: { contents: "globalThis.autobahn = require('autobahn');", resolveDir: import.meta.dirname },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    define: { global: 'globalThis' },
    alias: { msgpack5: absent, cbor: absent },
    outfile: join(scratch, 'autobahn.js'),
    logLevel: 'error',
  });
  writeFileSync(join(scratch, 'index.html'), PAGE);
  router = createRouter();
  const listening = await router.listen({ port: 0, staticDir: scratch, longpoll: { path: '/lp' } });
  webSocketUrl = listening.url;
  pageUrl = `${listening.longpollUrl!.replace(/\/lp$/, '')}/index.html`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await router?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('Autobahn|JS over HTTP long-poll in Chromium', () => {
  it('joins with WebSocket turned off, calls a WebSocket callee and is called by a WebSocket caller', async () => {
    const callee = await Session.connect({ url: webSocketUrl, realm: 'realm1', reconnect: false });
    await callee.register('com.example.add', ([a, b]) => (a as number) + (b as number));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(() => {
      // No WebSocket in this browser: the session can only be the long-poll one.
      delete (window as { WebSocket?: unknown }).WebSocket;
    });
    await page.goto(pageUrl);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    expect(await page.evaluate(() => typeof WebSocket)).toBe('undefined');
    expect(await page.textContent('#log')).toContain('transport longpoll');
    const sum = await page.evaluate(() =>
      (window as unknown as { wampSession: { call(p: string, a: unknown[]): Promise<number> } }).wampSession.call(
        'com.example.add',
        [20, 22],
      ),
    );
    expect(sum).toBe(42);
    expect(await callee.call('com.example.page.shout', ['over long-poll'])).toBe('OVER LONG-POLL');
    // GOODBYE both ways, then Autobahn's POST <base>/<id>/close.
    await page.evaluate(() => (globalThis as unknown as { connection: { close(): void } }).connection.close());
    await page.waitForFunction(() => document.getElementById('log')?.textContent?.includes('closed closed'));
    await callee.close();
    expect(errors).toEqual([]);
    await page.close();
  });
});
