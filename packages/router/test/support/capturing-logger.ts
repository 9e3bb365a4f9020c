import type { Logger } from '../../src/index.js';

/** One line a {@link capturingLogger} kept. */
export interface Line {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps every line, to assert what the router said; `child` returns the same logger. */
export interface CapturingLogger extends Logger {
  lines: Line[];
  /** The warn lines whose message contains `text`. */
  warnings(text: string): Line[];
  /** The lines at `level` whose message contains `text`. */
  at(level: string, text: string): Line[];
}

export function capturingLogger(): CapturingLogger {
  const lines: Line[] = [];
  const write = (level: string) => (fields: Record<string, unknown>, message: string) =>
    lines.push({ level, fields, message });
  const at = (level: string, text: string) =>
    lines.filter((line) => line.level === level && line.message.includes(text));
  const logger: CapturingLogger = {
    lines,
    at,
    warnings: (text) => at('warn', text),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: () => logger,
  };
  return logger;
}
