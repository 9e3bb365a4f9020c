// Real processes: sh reads the input, writes, exits; the bounds stop it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExecutable, runCommand, STDERR_KEPT } from './run-command.js';

const sh = (script: string, bounds: { timeoutMs?: number; maxOutputBytes?: number } = {}) => ({
  file: '/bin/sh',
  args: ['-c', script],
  env: { PATH: process.env.PATH, GREETING: 'hi' },
  timeoutMs: bounds.timeoutMs,
  maxOutputBytes: bounds.maxOutputBytes ?? 1 << 20,
});

const scratch = mkdtempSync(join(tmpdir(), 'wamp-cli-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('runCommand', () => {
  it('gives the command its input on stdin and its environment, and collects stdout, stderr and the exit code', async () => {
    const outcome = await runCommand(sh('read line; echo "$GREETING $line"; echo oops >&2; exit 3'), '{"args":[1]}\n');
    expect(outcome).toEqual({ exitCode: 3, signal: null, stdout: 'hi {"args":[1]}\n', stderr: 'oops\n' });
  });

  it('does not mind a command that never reads its input', async () => {
    const outcome = await runCommand(sh('echo done'), 'x'.repeat(1 << 20));
    expect(outcome).toMatchObject({ exitCode: 0, stdout: 'done\n' });
  });

  it('keeps only the end of a long stderr', async () => {
    const outcome = await runCommand(sh(`head -c ${STDERR_KEPT * 2} /dev/zero | tr '\\0' a >&2; echo END >&2`), '');
    expect(outcome.stderr).toHaveLength(STDERR_KEPT);
    expect(outcome.stderr.endsWith('aEND\n')).toBe(true);
  });

  it('stops a command past its timeout with SIGTERM', async () => {
    const started = performance.now();
    const outcome = await runCommand(sh('sleep 30', { timeoutMs: 200 }), '');
    expect(outcome).toMatchObject({ exitCode: null, signal: 'SIGTERM', stopped: 'timeout' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops a command whose stdout grows past the bound', async () => {
    const outcome = await runCommand(sh('yes', { maxOutputBytes: 100_000 }), '');
    expect(outcome).toMatchObject({ signal: 'SIGTERM', stopped: 'output' });
    expect(outcome.stdout.length).toBeLessThanOrEqual(100_000);
  });

  it('stops a command when the signal aborts, also one that ignores SIGTERM (SIGKILL follows)', async () => {
    const controller = new AbortController();
    const running = runCommand(sh('trap "" TERM; echo ready; sleep 30'), '', controller.signal);
    setTimeout(() => controller.abort(), 300);
    const outcome = await running;
    expect(outcome).toMatchObject({ signal: 'SIGKILL', stopped: 'canceled' });
  }, 10_000);
});

describe('findExecutable', () => {
  it('finds a command through PATH, or at a path, only when it is executable', () => {
    expect(findExecutable('sh', '/nowhere:/bin:/usr/bin')).toBe('/bin/sh');
    expect(findExecutable('no-such-command-here', process.env.PATH)).toBeUndefined();
    const script = join(scratch, 'script.sh');
    writeFileSync(script, '#!/bin/sh\n', { mode: 0o644 });
    expect(findExecutable('./script.sh', '', scratch)).toBeUndefined();
    writeFileSync(join(scratch, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findExecutable('./run.sh', '', scratch)).toBe(join(scratch, 'run.sh'));
  });
});
