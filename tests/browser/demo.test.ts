// The demo in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core): the page a newcomer sees
// first. Needs the demo built (`pnpm test` builds first).
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepScreenshot, launchChromium, openReadyPage } from '../support/chromium.js';
import { type RunningCli, startCli } from '../support/cli.js';

const SERVER = fileURLToPath(new URL('../../apps/demo/dist-server/server/main.js', import.meta.url));

let browser: Browser;
let demo: RunningCli;
let pageUrl: string;

function startDemo(port: number): Promise<RunningCli> {
  return startCli('node', [SERVER, '--port', String(port)], {
    startLine: /^wamp demo at (\S+) /m,
  });
}

/** A page on the demo, with every console error and page error collected. */
function openDemo(): Promise<{ page: Page; errors: string[] }> {
  return openReadyPage(browser, pageUrl);
}

beforeAll(async () => {
  browser = await launchChromium();
  demo = await startDemo(0);
  pageUrl = demo.url;
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop('SIGTERM');
});

describe('demo page', () => {
  it('loads without console errors and shows an open session', async () => {
    const { page, errors } = await openDemo();
    expect(await page.textContent('#state')).toBe('open');
    expect(await page.textContent('#session')).toMatch(/^session \d+$/);
    await page.waitForFunction(() => document.querySelector('#clock')?.textContent?.startsWith('server clock'));
    expect(errors).toEqual([]);
    await keepScreenshot(page, 'demo');
    await page.close();
  });

  it('calls a procedure with the typed arguments and shows the result and round-trip time', async () => {
    const { page, errors } = await openDemo();
    await page.fill('#a', '19');
    await page.fill('#b', '23');
    await page.click('button[data-procedure="com.demo.add"]');
    await page.waitForFunction(() => document.querySelector('#rpc-result')?.textContent?.includes('='));
    const text = (await page.textContent('#rpc-result')) ?? '';
    expect(text).toMatch(/^com\.demo\.add\(19, 23\) = 42 {2}· {2}\d+\.\d ms$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows an application error as an error', async () => {
    const { page, errors } = await openDemo();
    await page.fill('#a', '1');
    await page.fill('#b', '0');
    await page.click('#divide');
    await page.waitForSelector('#rpc-result.error');
    expect(await page.textContent('#rpc-result')).toBe(
      'error com.demo.error.division_by_zero: cannot divide 1 by zero',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('streams progressive results of one call, then the final one', async () => {
    const { page, errors } = await openDemo();
    await page.click('#countdown');
    await page.waitForFunction(
      () => document.querySelector('#countdown-result')?.textContent?.endsWith('liftoff'),
      undefined,
      {
        timeout: 10_000,
      },
    );
    expect(await page.textContent('#countdown-result')).toBe('5 … 4 … 3 … 2 … 1 … liftoff');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('cancels a streaming call', async () => {
    const { page, errors } = await openDemo();
    await page.click('#countdown');
    await page.waitForFunction(() => document.querySelector('#countdown-result')?.textContent?.startsWith('5'));
    await page.click('#cancel-countdown');
    await page.waitForSelector('#countdown-result.error');
    expect(await page.textContent('#countdown-result')).toBe('canceled by you');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the router view from the meta API, updated when a session joins', async () => {
    const { page, errors } = await openDemo();
    await page.waitForFunction(() => document.querySelectorAll('#procedures li').length >= 4);
    const procedures = await page.$$eval('#procedures li', (items) => items.map((item) => item.textContent));
    expect(procedures).toEqual(
      expect.arrayContaining(['com.demo.add', 'com.demo.countdown', 'com.demo.divide', 'com.demo.reverse']),
    );
    const before = Number(await page.textContent('#stat-sessions'));
    const second = await openDemo();
    await page.waitForFunction(
      (count) => Number(document.querySelector('#stat-sessions')?.textContent) === count + 1,
      before,
    );
    await second.page.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exchanges chat messages between two pages through pub/sub', async () => {
    const first = await openDemo();
    const second = await openDemo();
    await first.page.fill('#name', 'ada');
    await first.page.fill('#text', 'hello from the first tab');
    await first.page.click('#chat-form button');
    for (const { page } of [first, second]) {
      await page.waitForFunction(() =>
        document.querySelector('#messages')?.textContent?.includes('hello from the first tab'),
      );
      expect(await page.textContent('#messages li:last-child')).toBe('adahello from the first tab');
    }
    expect([...first.errors, ...second.errors]).toEqual([]);
    await first.page.close();
    await second.page.close();
  });

  it('goes closed → connecting → open when the router restarts, and calls work again', async () => {
    const { page } = await openDemo();
    const port = Number(new URL(pageUrl).port);
    await demo.stop('SIGTERM');
    await page.waitForFunction(() => document.querySelector('#state')?.textContent === 'connecting', undefined, {
      timeout: 10_000,
    });
    demo = await startDemo(port);
    await page.waitForFunction(() => document.querySelector('#state')?.textContent === 'open', undefined, {
      timeout: 15_000,
    });
    const log = await page.$$eval('#log li', (items) => items.map((item) => (item as HTMLElement).dataset.event));
    const closedAt = log.indexOf('closed');
    expect(closedAt).toBeGreaterThan(0);
    expect(log.slice(closedAt)).toEqual(['closed', 'connecting', 'open']);
    await page.click('button[data-procedure="com.demo.add"]');
    await page.waitForFunction(() => document.querySelector('#rpc-result')?.textContent?.includes('= 13'));
    await keepScreenshot(page, 'demo-after-restart');
    await page.close();
  }, 40_000);
});
