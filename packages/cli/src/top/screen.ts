// The terminal screen of `wamp top`: the router's figures and the realm's sessions and registrations, fitted to
// the terminal's size, redrawn in place on the alternate screen.
import { type Column, renderTable } from '../output.js';
import type { Counted, RouterFigures } from './figures.js';

/** What one refresh shows. */
export interface TopView {
  time: string;
  url: string;
  realm: string;
  metricsUrl: string;
  figures: RouterFigures | null;
  /** The realm's sessions and registrations from the meta API; null when it could not be asked. */
  meta: TopMeta | null;
  /** A problem to show (a failed scrape, a refused meta call); the view keeps going. */
  problem: string | null;
}

/** The meta API's part of a refresh: totals, and the first entries described. */
export interface TopMeta {
  sessions: { total: number; entries: { session: number; authid?: string; authrole?: string }[] };
  registrations: { total: number; entries: { uri: string; invoke: string; callees: number[] }[] };
}

/** Escape sequences: the alternate screen and a hidden cursor while running, cleared and homed each refresh. */
export const SCREEN = {
  enter: '\u001b[?1049h\u001b[?25l',
  leave: '\u001b[?25h\u001b[?1049l',
  redraw: '\u001b[H\u001b[2J',
} as const;

function rate(value: number | null): string {
  if (value === null) return '-';
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function withRate({ total, rate: perSecond }: Counted): string {
  return perSecond === null ? String(total) : `${total} (${rate(perSecond)}/s)`;
}

function messageRows(figures: RouterFigures): Record<string, unknown>[] {
  const { received, sent } = figures.messages;
  const types = [...new Set([...Object.keys(received), ...Object.keys(sent)])];
  return types
    .map((type) => ({ type, in: received[type]?.rate ?? null, out: sent[type]?.rate ?? null }))
    .sort((a, b) => (b.in ?? 0) + (b.out ?? 0) - ((a.in ?? 0) + (a.out ?? 0)))
    .map((row) => ({ type: row.type, in: rate(row.in), out: rate(row.out) }));
}

/** A table cut to `room` lines (heading included), with a last line saying how many rows were left out. */
function fitted(
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  room: number,
  total = rows.length,
) {
  if (room < 2 || rows.length === 0) return [];
  // The heading, the rows, and a line for those left out, if any.
  const fits = (count: number) => 1 + count + (total > count ? 1 : 0) <= room;
  const shown = fits(rows.length) ? rows : rows.slice(0, Math.max(room - 2, 0));
  const lines = renderTable(columns, shown).trimEnd().split('\n');
  if (total > shown.length) lines.push(`… ${total - shown.length} more`);
  return lines;
}

/**
 * The screen of one refresh, at most `rows` lines of at most `columns` characters.
 *
 * @example
 * ```ts
 * process.stdout.write(SCREEN.redraw + renderScreen(view, process.stdout.columns, process.stdout.rows));
 * ```
 */
export function renderScreen(view: TopView, columns: number, rows: number): string {
  const lines: string[] = [
    `wamp top  ${view.url}  realm ${view.realm}  ${new Date(view.time).toLocaleTimeString()}  (q to quit)`,
  ];
  const { figures, meta } = view;
  if (view.problem !== null) lines.push(`! ${view.problem}`);
  if (figures !== null) {
    const realms = Object.entries(figures.sessions).map(([realm, count]) => `${realm} ${count}`);
    lines.push(
      `sessions: ${realms.length === 0 ? 'none' : realms.join(', ')}   connections ${figures.connections}   calls in flight ${figures.pending_calls}`,
      `events published ${withRate(figures.events.published)}   dropped ${withRate(figures.events.dropped)}   slow consumers cut ${withRate(figures.slow_consumers_disconnected)}`,
      `calls: ${
        Object.entries(figures.call_outcomes)
          .map(([outcome, counted]) => `${outcome} ${withRate(counted)}`)
          .join('   ') || 'none yet'
      }`,
      '',
    );
  }
  // What is left is shared by the tables: messages, procedures, sessions, registrations.
  const room = Math.max(rows - lines.length - 4, 8);
  const share = Math.floor(room / 3);
  const sections: string[][] = [];
  if (figures !== null) {
    const messages = fitted(
      [
        { key: 'type', heading: 'MESSAGES/S' },
        { key: 'in', heading: 'IN', align: 'right' },
        { key: 'out', heading: 'OUT', align: 'right' },
      ],
      messageRows(figures),
      share,
    );
    const procedures = fitted(
      [
        { key: 'procedure', heading: 'PROCEDURE' },
        { key: 'total', heading: 'CALLS', align: 'right' },
        { key: 'perSecond', heading: 'CALLS/S', align: 'right' },
        { key: 'p50', heading: 'P50 MS', align: 'right' },
        { key: 'p99', heading: 'P99 MS', align: 'right' },
      ],
      figures.calls.map((entry) => ({
        procedure: entry.procedure,
        total: String(entry.total),
        perSecond: rate(entry.rate),
        p50: entry.p50_ms?.toFixed(2),
        p99: entry.p99_ms?.toFixed(2),
      })),
      share,
    );
    sections.push(messages, procedures);
  }
  if (meta !== null) {
    const sessionLines = fitted(
      [
        { key: 'session', heading: `SESSION (${meta.sessions.total})`, align: 'right' },
        { key: 'authid', heading: 'AUTHID' },
        { key: 'authrole', heading: 'AUTHROLE' },
      ],
      meta.sessions.entries.map((entry) => ({ ...entry, session: String(entry.session) })),
      share,
      meta.sessions.total,
    );
    const registrationLines = fitted(
      [
        { key: 'uri', heading: `REGISTRATION (${meta.registrations.total})` },
        { key: 'invoke', heading: 'INVOKE' },
        { key: 'callees', heading: 'CALLEES', align: 'right' },
      ],
      meta.registrations.entries.map((entry) => ({ ...entry, callees: String(entry.callees.length) })),
      share,
      meta.registrations.total,
    );
    sections.push(sideBySide(sessionLines, registrationLines, columns));
  }
  for (const section of sections) if (section.length > 0) lines.push(...section, '');
  return `${lines
    .slice(0, rows)
    .map((line) => (line.length > columns ? line.slice(0, columns) : line))
    .join('\n')}`;
}

/** Two blocks of lines next to each other when the terminal is wide enough, else one under the other. */
function sideBySide(left: string[], right: string[], columns: number): string[] {
  const width = Math.max(0, ...left.map((line) => line.length)) + 4;
  const rightWidth = Math.max(0, ...right.map((line) => line.length));
  if (left.length === 0) return right;
  if (right.length === 0 || width + rightWidth > columns) return [...left, ...(right.length > 0 ? ['', ...right] : [])];
  return Array.from({ length: Math.max(left.length, right.length) }, (_, i) =>
    `${(left[i] ?? '').padEnd(width)}${right[i] ?? ''}`.trimEnd(),
  );
}
