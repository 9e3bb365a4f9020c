import { readFileSync } from 'node:fs';

/** Microseconds per clock tick: /proc reports CPU time in ticks (USER_HZ, 100 on Linux). */
const MICROS_PER_TICK = 10_000;

/** CPU time (user + system) a process has used so far, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MICROS_PER_TICK;
}

/** Resident memory of a process, in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

/** The machine, for the results file. */
export function machine(): { cpu: string; cores: number; node: string } {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = cpuinfo.split('\n').find((line) => line.startsWith('model name'));
  const cores = cpuinfo.split('\n').filter((line) => line.startsWith('processor')).length;
  return { cpu: model?.split(':')[1]?.trim() ?? 'unknown', cores, node: process.version };
}
