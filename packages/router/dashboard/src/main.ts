// The dashboard page: one @wamp/client session to the router that served it, logged in with the dashboard's token
// (or, where the router has admin roles and no token, with the operator's own credentials), and the view of the
// realm it joined, refreshed every two seconds and on every meta event.
import { type AuthOptions, Session, ticketAuth } from '@wamp/client';
import { element } from './dom.js';
import { RouterView } from './router-view.js';
import { TapPanel } from './tap-panel.js';
import './style.css';

/** What `/dashboard/config.json` says. */
interface DashboardConfig {
  webSocketPath: string;
  metricsPath: string | null;
  realm: string | null;
  /** The dashboard has a token (and this page was given it). */
  token: boolean;
  /** Sessions of admin roles may use it too. */
  adminRoles: boolean;
}

const REFRESH_MS = 2000;
const META_EVENTS = [
  'wamp.session.on_join',
  'wamp.session.on_leave',
  'wamp.registration.on_create',
  'wamp.registration.on_delete',
  'wamp.subscription.on_create',
  'wamp.subscription.on_delete',
];

/** The token the page was opened with (`?token=`): it logs the WAMP session in and reads the metrics. */
const token = new URLSearchParams(location.search).get('token');
const authorization: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };

function showState(value: string): void {
  const state = element('state');
  state.textContent = value;
  state.dataset.state = value;
}

async function fetchConfig(): Promise<DashboardConfig> {
  const response = await fetch('./config.json', { headers: authorization, cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: ${response.status} ${(await response.text()).trim()}`);
  return (await response.json()) as DashboardConfig;
}

/** One connection to one realm, and what the page shows of it; `close` ends both. */
interface Connected {
  close(): Promise<void>;
}

async function connect(config: DashboardConfig, realm: string, auth: AuthOptions | undefined): Promise<Connected> {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${config.webSocketPath}`;
  showState('connecting');
  const session = await Session.connect({
    url,
    realm,
    ...(auth !== undefined && { auth }),
    reconnect: { retryDelay: (n) => Math.min(250 * 2 ** n, 5_000) * Math.random() + 100 },
  });
  showState('open');
  session.on('state', showState);
  element('rates').replaceChildren();
  const tap = new TapPanel(session);
  const view = new RouterView(session, {
    fetchMetrics: async () => {
      if (config.metricsPath === null) return null;
      const response = await fetch(config.metricsPath, { headers: authorization, cache: 'no-store' });
      return response.ok ? response.text() : null;
    },
    onTap: (target) => void tap.start(target),
    onRealms: (realms) =>
      showRealms(
        realms.map((each) => each.realm),
        realm,
      ),
  });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  const refresh = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (running !== null) return;
    running = view
      .refresh()
      .catch((error: unknown) => {
        element('updated').textContent = `refresh failed: ${(error as Error).message}`;
      })
      .finally(() => {
        running = null;
        timer = setTimeout(refresh, REFRESH_MS);
      });
  };
  for (const topic of META_EVENTS) await session.subscribe(topic, () => refresh());
  refresh();
  await running;
  return {
    async close() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await tap.stop();
      await session.close();
    },
  };
}

let switchRealm: (realm: string) => void = () => {};

function showRealms(realms: string[], current: string): void {
  const select = element<HTMLSelectElement>('realm');
  const names = [...select.options].map((option) => option.value);
  if (names.join('\n') === realms.join('\n') && select.value === current) return;
  select.replaceChildren(
    ...realms.map((name) => {
      const option = document.createElement('option');
      option.value = option.textContent = name;
      option.selected = name === current;
      return option;
    }),
  );
}

async function run(config: DashboardConfig, firstRealm: string, auth: AuthOptions | undefined): Promise<void> {
  let connected = await connect(config, firstRealm, auth);
  element('main').hidden = false;
  document.body.dataset.ready = 'true';
  switchRealm = (realm) => {
    void (async () => {
      await connected.close();
      connected = await connect(config, realm, auth);
    })().catch((error: unknown) => showState(`failed: ${(error as Error).message}`));
  };
}

function askForLogin(config: DashboardConfig): void {
  const form = element<HTMLFormElement>('login');
  form.hidden = false;
  element<HTMLInputElement>('login-realm').value = config.realm ?? '';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const realm = element<HTMLInputElement>('login-realm').value;
    const authid = element<HTMLInputElement>('login-authid').value;
    const ticket = element<HTMLInputElement>('login-ticket').value;
    const auth = authid === '' ? undefined : ticketAuth(authid, ticket);
    run(config, realm, auth).then(
      () => {
        form.hidden = true;
      },
      (error: unknown) => {
        element('login-error').textContent = (error as Error).message;
        showState('closed');
      },
    );
  });
}

async function main(): Promise<void> {
  element<HTMLSelectElement>('realm').addEventListener('change', (event) =>
    switchRealm((event.target as HTMLSelectElement).value),
  );
  const config = await fetchConfig();
  if (config.token && token !== null) {
    await run(config, config.realm ?? 'realm1', ticketAuth('router.dashboard', token));
  } else {
    askForLogin(config);
  }
}

main().catch((error: unknown) => {
  showState('failed');
  element('updated').textContent = (error as Error).message;
});
