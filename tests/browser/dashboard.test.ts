// The operator dashboard in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core), served by
// `wamp-router --dashboard --dashboard-token …`: it lists what a session registered, counts the calls as they come,
// and taps a session the operator picks. Needs the router and its dashboard built (`pnpm test` builds first).
import { fileURLToPath } from 'node:url';
import { Session } from '@wamp/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepScreenshot, launchChromium, openReadyPage } from '../support/chromium.js';
import { type RunningCli, startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));
const TOKEN = 'browser-test-dashboard-token';
const PROCEDURE = 'com.test.echo';

let browser: Browser;
let router: RunningCli;
let callee: Session;
let caller: Session;

/** The dashboard, with every console error and page error collected. */
function openDashboard(): Promise<{ page: Page; errors: string[] }> {
  const { host } = new URL(router.url);
  return openReadyPage(browser, `http://${host}/dashboard/?token=${TOKEN}`);
}

/** The calls the page shows for the procedure, once it shows at least `atLeast`. */
async function shownCalls(page: Page, atLeast: number): Promise<number> {
  const cell = `#registrations tr[data-uri="${PROCEDURE}"] td.calls`;
  await page.waitForFunction(
    ([selector, count]) => Number(document.querySelector(selector as string)?.textContent) >= (count as number),
    [cell, atLeast],
    { timeout: 10_000 },
  );
  return Number(await page.textContent(cell));
}

beforeAll(async () => {
  browser = await launchChromium();
  // No metrics.procedures: the call count comes from the router itself, from the first call.
  router = await startCli('node', [BIN, '--port', '0', '--dashboard', '--dashboard-token', TOKEN]);
  callee = await Session.connect({ url: router.url, realm: 'realm1' });
  await callee.register(PROCEDURE, ([text]) => text);
  caller = await Session.connect({ url: router.url, realm: 'realm1' });
}, 30_000);

afterAll(async () => {
  await caller?.close();
  await callee?.close();
  await browser?.close();
  await router?.stop('SIGTERM');
});

describe('dashboard page', () => {
  it('lists a registered procedure and counts its calls as they come', async () => {
    const { page, errors } = await openDashboard();
    expect(await page.textContent('#state')).toBe('open');
    await page.waitForSelector(`#registrations tr[data-uri="${PROCEDURE}"]`);
    await page.waitForSelector(`#sessions tr[data-session="${caller.id}"]`);

    expect(await caller.call(PROCEDURE, ['one'])).toBe('one');
    const first = await shownCalls(page, 1);
    for (const text of ['two', 'three', 'four']) await caller.call(PROCEDURE, [text]);
    expect(await shownCalls(page, first + 3)).toBe(first + 3);
    await page.waitForSelector('#realms tr[data-realm="realm1"]');
    expect(errors).toEqual([]);
    await keepScreenshot(page, 'dashboard');
    await page.close();
  });

  it('taps the session the operator picks and shows its CALL', async () => {
    const { page, errors } = await openDashboard();
    const tapButton = `button[data-tap="${caller.id}"]`;
    await page.waitForSelector(tapButton);
    await page.click(tapButton);
    await page.waitForSelector(`#tap[data-session="${caller.id}"]`);
    expect(await page.textContent('#tap-state')).toBe('on');

    await caller.call(PROCEDURE, ['seen through the tap']);
    const call = '#tap-messages tr[data-type="CALL"][data-direction="in"]';
    await page.waitForSelector(call, { timeout: 10_000 });
    const text = (await page.textContent(call)) ?? '';
    expect(text).toContain(PROCEDURE);
    expect(text).toContain('seen through the tap');
    await page.waitForSelector('#tap-messages tr[data-type="RESULT"][data-direction="out"]');
    expect(errors).toEqual([]);
    await keepScreenshot(page, 'dashboard-tap');
    await page.close();
  });
});
