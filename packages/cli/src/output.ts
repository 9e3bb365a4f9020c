// What a command prints: JSON lines when stdout is piped (or with --json), readable tables on a terminal. Writes
// wait for a full pipe to drain, so a slow reader holds the command back instead of filling memory.
import { once } from 'node:events';

/**
 * JSON text for any value a session can receive: bytes (CBOR, MessagePack) as the spec's JSON form of binary (a
 * NUL character, then base64), big integers as decimal strings.
 *
 * @example
 * ```ts
 * toJson({ data: new Uint8Array([1, 2]) }); // '{"data":"\\u0000AQI="}'
 * ```
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function (this: Record<string, unknown>, key, converted: unknown) {
      const original = this[key];
      if (original instanceof Uint8Array) return `\u0000${Buffer.from(original).toString('base64')}`;
      if (typeof converted === 'bigint') return converted.toString();
      return converted;
    },
    indent,
  );
}

/** A column of a table: the field it shows and its heading. */
export interface Column {
  key: string;
  heading: string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object')) return value.join(', ');
  return toJson(value);
}

/**
 * Rows as a table with a heading line, columns padded to their widest cell.
 *
 * @example
 * ```ts
 * renderTable([{ key: 'id', heading: 'ID', align: 'right' }, { key: 'uri', heading: 'URI' }], [{ id: 7, uri: 'com.add' }]);
 * // 'ID  URI\n 7  com.add\n'
 * ```
 */
export function renderTable(columns: readonly Column[], rows: readonly Record<string, unknown>[]): string {
  const cells = rows.map((row) => columns.map((column) => cell(row[column.key])));
  const widths = columns.map((column, i) => Math.max(column.heading.length, ...cells.map((line) => line[i]!.length)));
  const format = (line: readonly string[]) =>
    line
      .map((text, i) => (columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[format(columns.map((column) => column.heading)), ...cells.map(format)].join('\n')}\n`;
}

/**
 * The output of one command: `json` says whether it prints JSON lines (stdout piped, or `--json`) or tables.
 *
 * @example
 * ```ts
 * const output = new Output(process.stdout, !process.stdout.isTTY);
 * await output.line({ args: [42], kwargs: {} });
 * ```
 */
export class Output {
  constructor(
    readonly stdout: NodeJS.WritableStream,
    readonly json: boolean,
  ) {}

  /** Writes `text`, waiting for the pipe to drain when its buffer is full. */
  async write(text: string): Promise<void> {
    if (!this.stdout.write(text)) await once(this.stdout, 'drain');
  }

  /** One JSON line. */
  line(value: unknown): Promise<void> {
    return this.write(`${toJson(value)}\n`);
  }

  /** A listing: a JSON line per row, or a table (a note when there are no rows). */
  async rows(columns: readonly Column[], rows: readonly Record<string, unknown>[], none: string): Promise<void> {
    if (this.json) {
      for (const row of rows) await this.line(row);
    } else {
      await this.write(rows.length === 0 ? `${none}\n` : renderTable(columns, rows));
    }
  }
}
