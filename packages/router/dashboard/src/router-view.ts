// The view of one realm, read through the router's meta API (wamp.session.*, wamp.registration.*,
// wamp.subscription.*) and its own router.* procedures, and the router's metrics; redrawn on every refresh.
import type { Session } from '@wamp/client';
import { RateChart } from './chart.js';
import { age, bytes, type Cell, element, millis, row } from './dom.js';
import { type Latency, latencyOf, parseMetrics, totalsOf } from './metrics.js';

/** Sessions shown at most: the busiest. */
const SHOWN_SESSIONS = 200;
/** Registrations and subscriptions shown at most. */
const SHOWN_ENTRIES = 200;

interface SessionDetails {
  session: number;
  authid: string;
  authrole: string;
  transport: { protocol: string; peer?: string };
}

interface SessionStats {
  session: number;
  peer: string;
  ageMs: number;
  messagesIn: number;
  messagesOut: number;
  queuedBytes: number;
  highWaterMark: number;
  slow: boolean;
  droppedEvents: number;
  tapped: boolean;
}

/** `router.registration.stats`' entry for one registration. */
interface RegistrationStats {
  registration: number;
  calls: number;
}

interface Entry {
  id: number;
  uri: string;
  match: string;
  invoke?: string;
}

interface RealmRow {
  realm: string;
  sessions: number;
  registrations: number;
  subscriptions: number;
}

/** What the view needs from the page: how to read the metrics, and what a tap button does. */
export interface ViewHooks {
  fetchMetrics(): Promise<string | null>;
  onTap(session: number): void;
  onRealms(realms: RealmRow[]): void;
}

function idsOf(lists: unknown): number[] {
  return Object.values(lists as Record<string, number[]>)
    .flat()
    .slice(0, SHOWN_ENTRIES);
}

/** Details that do not change (a session's authid, a registration's URI), fetched once per ID. */
class Described<T> {
  private readonly known = new Map<number, T>();

  constructor(private readonly fetch: (id: number) => Promise<T>) {}

  /** The details of `ids`, fetching the new ones; IDs no longer listed are forgotten. */
  async of(ids: readonly number[]): Promise<Map<number, T>> {
    const wanted = new Set(ids);
    for (const id of this.known.keys()) if (!wanted.has(id)) this.known.delete(id);
    await Promise.all(
      ids
        .filter((id) => !this.known.has(id))
        .map(async (id) => {
          try {
            this.known.set(id, await this.fetch(id));
          } catch {
            // Gone between the list and the get: the next refresh no longer lists it.
          }
        }),
    );
    return this.known;
  }
}

export class RouterView {
  private readonly chart = new RateChart(element('rates'));
  private readonly sessions: Described<SessionDetails>;
  private readonly registrations: Described<Entry>;
  private readonly subscriptions: Described<Entry>;
  private latency = new Map<string, Latency>();

  constructor(
    private readonly session: Session,
    private readonly hooks: ViewHooks,
  ) {
    this.sessions = new Described((id) => session.call('wamp.session.get', [id]) as Promise<SessionDetails>);
    this.registrations = new Described((id) => session.call('wamp.registration.get', [id]) as Promise<Entry>);
    this.subscriptions = new Described((id) => session.call('wamp.subscription.get', [id]) as Promise<Entry>);
  }

  /** Reads everything once and redraws. */
  async refresh(): Promise<void> {
    await Promise.all([this.refreshMetrics(), this.refreshRealms(), this.refreshSessions()]);
    // Latency comes from the metrics just read.
    await Promise.all([this.refreshRegistrations(), this.refreshSubscriptions()]);
    element('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  private async refreshMetrics(): Promise<void> {
    const text = await this.hooks.fetchMetrics();
    if (text === null) return;
    const samples = parseMetrics(text);
    const totals = totalsOf(samples);
    this.chart.add(Date.now(), totals);
    this.latency = latencyOf(samples);
    element('totals').textContent =
      `since start: ${totals.received} in, ${totals.sent} out, ${totals.dropped} events dropped, ` +
      `${totals.slowDisconnected} slow consumers disconnected`;
    element('totals').classList.toggle('bad', totals.dropped > 0 || totals.slowDisconnected > 0);
  }

  private async refreshRealms(): Promise<void> {
    const realms = (await this.session.call('router.realm.list')) as RealmRow[];
    element('realms').replaceChildren(
      ...realms.map((realm) =>
        row([realm.realm, realm.sessions, realm.registrations, realm.subscriptions], { realm: realm.realm }),
      ),
    );
    this.hooks.onRealms(realms);
  }

  private async refreshSessions(): Promise<void> {
    const [listed, stats] = await Promise.all([
      this.session.call('wamp.session.list') as Promise<number[]>,
      this.session.call('router.session.stats', [], { kwargs: { limit: SHOWN_SESSIONS } }) as Promise<SessionStats[]>,
    ]);
    element('session-count').textContent =
      `(${listed.length}${listed.length > stats.length ? `, ${stats.length} shown` : ''})`;
    const details = await this.sessions.of(stats.map((entry) => entry.session));
    element('sessions').replaceChildren(
      ...stats.map((entry) => {
        const described = details.get(entry.session);
        const tap = document.createElement('button');
        tap.type = 'button';
        tap.dataset.tap = String(entry.session);
        tap.textContent = entry.tapped ? 'tapped' : 'tap';
        tap.disabled = entry.session === this.session.id;
        tap.addEventListener('click', () => this.hooks.onTap(entry.session));
        const marked = entry.slow ? 'slow' : entry.droppedEvents > 0 ? 'dropping' : '';
        const you = entry.session === this.session.id ? ' (this page)' : '';
        const cells: Cell[] = [
          `${entry.session}${you}`,
          described?.authid ?? '',
          described?.authrole ?? '',
          { text: `${described?.transport.protocol ?? ''} ${entry.peer}`.trim() },
          age(entry.ageMs),
          entry.messagesIn,
          entry.messagesOut,
          { text: bytes(entry.queuedBytes), title: `high-water mark ${bytes(entry.highWaterMark)}` },
          entry.droppedEvents,
          tap,
        ];
        return row(cells, { session: String(entry.session) }, marked);
      }),
    );
  }

  private async refreshRegistrations(): Promise<void> {
    const ids = idsOf(await this.session.call('wamp.registration.list'));
    const [entries, callees, stats] = await Promise.all([
      this.registrations.of(ids),
      Promise.all(ids.map((id) => this.session.call('wamp.registration.count_callees', [id]).catch(() => 0))),
      this.session.call('router.registration.stats') as Promise<RegistrationStats[]>,
    ]);
    // Exact call counts from the router; latency only for the procedures with a series of their own.
    const calls = new Map(stats.map((entry) => [entry.registration, entry.calls]));
    const rows = ids.flatMap((id, at) => {
      const entry = entries.get(id);
      if (entry === undefined) return [];
      const latency = this.latency.get(entry.uri);
      return [
        row(
          [
            entry.uri,
            entry.match,
            entry.invoke ?? '',
            Number(callees[at]),
            { text: calls.get(id) ?? '—', className: 'calls' },
            millis(latency?.meanMs),
            millis(latency?.p95Ms),
          ],
          { uri: entry.uri },
        ),
      ];
    });
    element('registrations').replaceChildren(...rows.sort((a, b) => a.dataset.uri!.localeCompare(b.dataset.uri!)));
  }

  private async refreshSubscriptions(): Promise<void> {
    const ids = idsOf(await this.session.call('wamp.subscription.list'));
    const [entries, subscribers] = await Promise.all([
      this.subscriptions.of(ids),
      Promise.all(ids.map((id) => this.session.call('wamp.subscription.count_subscribers', [id]).catch(() => 0))),
    ]);
    const rows = ids.flatMap((id, at) => {
      const entry = entries.get(id);
      return entry === undefined ? [] : [row([entry.uri, entry.match, Number(subscribers[at])], { uri: entry.uri })];
    });
    element('subscriptions').replaceChildren(...rows.sort((a, b) => a.dataset.uri!.localeCompare(b.dataset.uri!)));
  }
}
