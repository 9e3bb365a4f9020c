// Type-checks documentation examples as the modules a user would paste, in one compiler program.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './markdown-blocks.js';

/**
 * What a user's strict Node project would have, plus the `@wamp/source` condition so that `@wamp/*` imports
 * resolve to the workspace's TypeScript sources and no build is needed first.
 */
const USER_PROJECT_OPTIONS = {
  strict: true,
  target: 'ES2022',
  lib: ['ES2023', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  moduleDetection: 'force',
  customConditions: ['@wamp/source'],
  types: ['node'],
  noEmit: true,
  skipLibCheck: true,
};

/** The compiler's verdict on each block, as `file:line:column TScode: message` lines; empty when it compiles. */
export type BlockDiagnostics = (block: CodeBlock) => string[];

/** The module a block is written to: named after its file and line, so a failure points back to the Markdown. */
function modulePath(scratch: string, block: CodeBlock): string {
  return join(scratch, `${block.file.replaceAll('/', '_')}_L${block.line}.mts`);
}

function compilerOptions(scratch: string): ts.CompilerOptions {
  const { options, errors } = ts.convertCompilerOptionsFromJson(USER_PROJECT_OPTIONS, scratch);
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0]!.messageText, '\n'));
  return options;
}

/** Where a block's imports may also be resolved from: its Markdown file's folder, for that folder's dev dependencies. */
interface BlockHome {
  folder: string;
  devDependencies: ReadonlySet<string>;
}

function blockHome(root: string, block: CodeBlock): BlockHome {
  const folder = join(root, dirname(block.file));
  const manifest = join(folder, 'package.json');
  const devDependencies = existsSync(manifest)
    ? Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).devDependencies ?? {})
    : [];
  return { folder, devDependencies: new Set(devDependencies) };
}

/** `zod` for `zod/v4`, `@scope/name` for `@scope/name/sub`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * A compiler host that resolves imports from the scratch folder, where `tests/package.json`'s dependencies (the
 * `@wamp/*` packages) are found. A package README's example may also import a library the package's own tests use
 * (the client README shows zod): such an import, and only such, is resolved from the README's folder. A runtime
 * dependency of ours stays unresolved, as it would be for a user who did not install it.
 */
function createHost(options: ts.CompilerOptions, homes: ReadonlyMap<string, BlockHome>): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), host.getCanonicalFileName, options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, resolutionOptions, containingSource) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(containingSource, literal, resolutionOptions);
      const resolveFrom = (file: string) =>
        ts.resolveModuleName(literal.text, file, resolutionOptions, host, cache, redirected, mode);
      const found = resolveFrom(containingFile);
      const home = homes.get(containingFile);
      if (found.resolvedModule !== undefined || !home?.devDependencies.has(packageName(literal.text))) return found;
      // Any file name in the folder will do: only its folder is the starting point of the lookup.
      return resolveFrom(join(home.folder, 'example.ts'));
    });
  return host;
}

function describeDiagnostic(diagnostic: ts.Diagnostic, block: CodeBlock | undefined): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const { file, start } = diagnostic;
  if (file === undefined || start === undefined || block === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return `${block.file}:${block.line + line}:${character + 1} TS${diagnostic.code}: ${message}`;
}

/**
 * Writes each block as its own module into `scratch` (emptied first) and type-checks them all in one program.
 * Problems of the program as a whole (a bad option, a missing `@types/node`) are reported for every block.
 */
export function compileBlocks(root: string, scratch: string, blocks: readonly CodeBlock[]): BlockDiagnostics {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const paths = new Map<CodeBlock, string>();
  const homes = new Map<string, BlockHome>();
  for (const block of blocks) {
    const path = modulePath(scratch, block);
    writeFileSync(path, `${block.code}\n`);
    paths.set(block, path);
    homes.set(path, blockHome(root, block));
  }
  const options = compilerOptions(scratch);
  const program = ts.createProgram([...paths.values()], options, createHost(options, homes));
  const programWide = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((diagnostic) =>
    describeDiagnostic(diagnostic, undefined),
  );
  return (block) => {
    const source = program.getSourceFile(paths.get(block)!);
    if (source === undefined) return [...programWide, `${block.file}:${block.line}: the block was not compiled`];
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    return [...programWide, ...diagnostics.map((diagnostic) => describeDiagnostic(diagnostic, block))];
  };
}
