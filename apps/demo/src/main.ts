// The demo page: one typed session to the router that served it.
import { ConnectionClosedError, type Session, WampError, Session as WampSession } from '@wamp/client';
import { api, DEMO_REALM } from './api.js';

type DemoSession = Session<typeof api>;

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state = element<HTMLSpanElement>('state');
const sessionLabel = element<HTMLSpanElement>('session');
const clock = element<HTMLSpanElement>('clock');
const log = element<HTMLOListElement>('log');
const result = element<HTMLOutputElement>('rpc-result');
const messages = element<HTMLUListElement>('messages');

function logLine(text: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  item.dataset.event = text.split(' ')[0];
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

function showState(value: string): void {
  state.textContent = value;
  state.dataset.state = value;
}

function showResult(text: string, failed: boolean): void {
  result.textContent = text;
  result.classList.toggle('error', failed);
}

async function callProcedure(session: DemoSession, procedure: 'com.demo.add' | 'com.demo.divide'): Promise<void> {
  const a = Number(element<HTMLInputElement>('a').value);
  const b = Number(element<HTMLInputElement>('b').value);
  const started = performance.now();
  try {
    const value = await session.call(procedure, [a, b], { timeout: 5_000 });
    showResult(`${procedure}(${a}, ${b}) = ${value}  ·  ${(performance.now() - started).toFixed(1)} ms`, false);
  } catch (error) {
    if (error instanceof WampError) showResult(`error ${error.uri}: ${String(error.args[0] ?? '')}`, true);
    else if (error instanceof ConnectionClosedError) showResult('not connected: the session is reconnecting', true);
    else showResult(`error: ${(error as Error).message}`, true);
  }
}

async function countdown(session: DemoSession, button: HTMLButtonElement, cancel: HTMLButtonElement): Promise<void> {
  const output = element<HTMLOutputElement>('countdown-result');
  const controller = new AbortController();
  const stop = () => controller.abort(new DOMException('canceled by you', 'AbortError'));
  button.disabled = true;
  cancel.disabled = false;
  cancel.addEventListener('click', stop, { once: true });
  output.classList.remove('error');
  output.textContent = '…';
  try {
    const call = session.progressive('com.demo.countdown', [5], { signal: controller.signal });
    const seen: string[] = [];
    for await (const n of call) {
      seen.push(n);
      output.textContent = seen.join(' … ');
    }
    output.textContent = `${seen.join(' … ')} … ${await call.result}`;
  } catch (error) {
    output.classList.add('error');
    output.textContent = error instanceof WampError ? `error ${error.uri}` : (error as Error).message;
  } finally {
    cancel.removeEventListener('click', stop);
    button.disabled = false;
    cancel.disabled = true;
  }
}

/** Reads the router's meta API: counts, and the procedures registered in the realm. */
async function refreshRouterView(session: DemoSession): Promise<void> {
  try {
    const sessions = await session.raw.call('wamp.session.count');
    const subscriptions = await session.raw.call('wamp.subscription.list');
    const registrations = await session.raw.call('wamp.registration.list');
    const count = (lists: unknown) =>
      Object.values(lists as Record<string, number[]>).reduce((sum, ids) => sum + ids.length, 0);
    element('stat-sessions').textContent = String(sessions.args[0]);
    element('stat-subscriptions').textContent = String(count(subscriptions.args[0]));
    element('stat-registrations').textContent = String(count(registrations.args[0]));
    const ids = Object.values(registrations.args[0] as Record<string, number[]>).flat();
    const uris = await Promise.all(
      ids.map(async (id) => ((await session.raw.call('wamp.registration.get', [id])).args[0] as { uri: string }).uri),
    );
    const list = element<HTMLUListElement>('procedures');
    list.replaceChildren(
      ...uris.sort().map((uri) => {
        const item = document.createElement('li');
        item.textContent = uri;
        return item;
      }),
    );
  } catch {
    // The view refreshes again on the next meta event or reconnect.
  }
}

function addMessage(name: string, text: string): void {
  const item = document.createElement('li');
  const who = document.createElement('b');
  who.textContent = name;
  item.append(who, text);
  messages.append(item);
  messages.scrollTop = messages.scrollHeight;
}

async function main(): Promise<void> {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  logLine('connecting');
  const session = await WampSession.connect({
    url,
    realm: DEMO_REALM,
    api,
    reconnect: { retryDelay: (n) => Math.min(250 * 2 ** n, 5_000) * Math.random() + 100 },
  });
  showState('open');
  sessionLabel.textContent = `session ${session.id}`;
  logLine('open');

  session.on('close', ({ code, reason }) => {
    showState('closed');
    logLine(`closed (${code}${reason ? ` ${reason}` : ''})`);
  });
  session.on('state', (value) => {
    if (value === 'closed') return; // the close listener already said so
    showState(value);
    logLine(value);
    if (value === 'open') sessionLabel.textContent = `session ${session.id}`;
  });

  await session.subscribe('com.demo.tick', ([time]) => {
    clock.textContent = `server clock ${new Date(time).toLocaleTimeString()}`;
  });
  await session.subscribe('com.demo.chat', ([line]) => addMessage(line.name, line.text));

  element<HTMLFormElement>('rpc-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void callProcedure(session, 'com.demo.add');
  });
  element<HTMLButtonElement>('divide').addEventListener('click', () => void callProcedure(session, 'com.demo.divide'));
  const countdownButton = element<HTMLButtonElement>('countdown');
  const cancelButton = element<HTMLButtonElement>('cancel-countdown');
  countdownButton.addEventListener('click', () => void countdown(session, countdownButton, cancelButton));

  // The router view follows the meta API's events.
  const refresh = () => void refreshRouterView(session);
  for (const topic of [
    'wamp.session.on_join',
    'wamp.session.on_leave',
    'wamp.registration.on_create',
    'wamp.registration.on_delete',
    'wamp.subscription.on_create',
    'wamp.subscription.on_delete',
  ]) {
    await session.raw.subscribe(topic, refresh);
  }
  session.on('open', refresh);
  await refreshRouterView(session);

  const name = element<HTMLInputElement>('name');
  name.value = localStorage.getItem('demo-name') ?? `guest-${Math.floor(Math.random() * 1000)}`;
  element<HTMLFormElement>('chat-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = element<HTMLInputElement>('text');
    localStorage.setItem('demo-name', name.value);
    // exclude_me: false, so the sender sees its own line in the same order as everyone else.
    void session
      .publish('com.demo.chat', [{ name: name.value, text: text.value }], { acknowledge: true, exclude_me: false })
      .then(() => {
        text.value = '';
      })
      .catch((error: unknown) => showResult(`chat: ${(error as Error).message}`, true));
  });
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  showState('closed');
  logLine(`could not connect: ${(error as Error).message}`);
});
