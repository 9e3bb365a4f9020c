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
