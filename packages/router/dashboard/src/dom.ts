// Small DOM helpers: elements by ID and table rows built from text, never from HTML strings.

export function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

/** A cell's text, and optionally its class and data attributes. */
export type Cell = string | number | { text: string | number; className?: string; title?: string } | HTMLElement;

/** A table row of `cells`; `data` goes to its dataset. */
export function row(cells: readonly Cell[], data: Record<string, string> = {}, className = ''): HTMLTableRowElement {
  const tr = document.createElement('tr');
  Object.assign(tr.dataset, data);
  if (className !== '') tr.className = className;
  for (const cell of cells) {
    const td = document.createElement('td');
    if (cell instanceof HTMLElement) td.append(cell);
    else if (typeof cell === 'object') {
      td.textContent = String(cell.text);
      if (cell.className !== undefined) td.className = cell.className;
      if (cell.title !== undefined) td.title = cell.title;
    } else td.textContent = String(cell);
    tr.append(td);
  }
  return tr;
}

/** Bytes for people: 0 B, 12.3 kB, 4.5 MB. */
export function bytes(count: number): string {
  if (count < 1000) return `${count} B`;
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)} kB`;
  return `${(count / 1_000_000).toFixed(1)} MB`;
}

/** A duration for people: 45 s, 12 min, 3.2 h. */
export function age(ms: number): string {
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Milliseconds for people, or — when unknown. */
export function millis(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (!Number.isFinite(ms)) return '> 10 s';
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`;
}
