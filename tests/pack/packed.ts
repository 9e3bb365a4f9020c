// Helpers of the pack suite: the public packages packed as they would be published, and scratch projects that
// install those tarballs with npm, as a user outside this workspace would.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CONSUMERS = fileURLToPath(new URL('./consumers/', import.meta.url));

/** Every published package, by its folder under packages/. */
export const PUBLIC_PACKAGES = ['protocol', 'transport', 'router', 'client', 'cli'] as const;
export type PublicPackage = (typeof PUBLIC_PACKAGES)[number];

/** Generous for one `npm install` on a cold cache; a warm one takes a few seconds. */
export const INSTALL_TIMEOUT_MS = 180_000;

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args` to its end without a shell; resolves with its exit code and output, whatever the code. */
export function run(command: string, args: string[], options: { cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') return reject(error);
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** Like {@link run}, but rejects with everything the command printed unless it exits with 0. */
export async function mustRun(command: string, args: string[], options: { cwd?: string } = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` exited with ${result.code}\n${result.stdout}\n${result.stderr}`.trimEnd(),
    );
  }
  return result.stdout;
}

/** A fresh folder under the OS temp dir, and its removal. */
export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `wamp-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Packs `packages/<name>` with `pnpm pack` (which rewrites `workspace:*` to versions, as `pnpm publish` does) into
 * `destination`, all at once; resolves with each tarball's path. Needs the packages built (`pnpm test` builds first).
 */
export async function pack(
  destination: string,
  names: readonly PublicPackage[] = PUBLIC_PACKAGES,
): Promise<Record<PublicPackage, string>> {
  mkdirSync(destination, { recursive: true });
  const packed = await Promise.all(
    names.map(async (name) => {
      const out = await mustRun('pnpm', ['pack', '--json', '--pack-destination', destination], {
        cwd: join(ROOT, 'packages', name),
      });
      return [name, (JSON.parse(out) as { filename: string }).filename] as const;
    }),
  );
  return Object.fromEntries(packed) as Record<PublicPackage, string>;
}

/** The paths in a tarball, without npm's leading `package/`. */
export async function tarballFiles(tarball: string): Promise<string[]> {
  const listing = await mustRun('tar', ['-tzf', tarball]);
  return listing
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));
}

/** One file of a tarball, as text. */
export function tarballFile(tarball: string, path: string): Promise<string> {
  return mustRun('tar', ['-xOzf', tarball, `package/${path}`]);
}

/**
 * Creates `dir` as an ESM project (`"type": "module"`) and runs one `npm install` of `specs` (tarball paths and
 * registry packages) there: npm, not pnpm, so the dependency tree is the one most users get.
 */
export async function npmProject(dir: string, specs: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'wamp-pack-check', private: true, type: 'module' })}\n`,
  );
  await mustRun('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir });
}
