// The import graph of the workspace's TypeScript sources, read with the TypeScript parser: every static import
// and re-export, dynamic `import()`, `import x = require()` and `import('…').T` type, each marked type-only or
// not and resolved (relative paths to files, `@wamp/*` through the packages' `@wamp/source` exports). The layer
// rules (layers.test.ts) are checked over it; an overlay of planted sources lets tests add files without
// writing into the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** One import of one file. Paths are repository-relative with `/` separators. */
export interface ImportEdge {
  from: string;
  line: number;
  specifier: string;
  /** Erased at compile time: `import type`, `export type`, type-only named bindings, `import('…').T`. */
  typeOnly: boolean;
  /** Where a relative or `@wamp/*` specifier leads (whether or not that file exists); undefined for packages. */
  target: string | undefined;
}

const BUILTINS = new Set(builtinModules);

/** True for `node:*` and the bare names of Node's built-in modules (`fs`, `fs/promises`, …). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

function allTypeOnly(elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean {
  return elements.length > 0 && elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false; // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings)
    ? allTypeOnly(bindings.elements)
    : false;
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && allTypeOnly(clause.elements);
}

/** The specifiers a source names, with the line of each and whether it is erased. */
export function scanImports(
  fileName: string,
  source: string,
): { specifier: string; line: number; typeOnly: boolean }[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: { specifier: string; line: number; typeOnly: boolean }[] = [];
  const add = (literal: ts.Node, typeOnly: boolean) => {
    if (!ts.isStringLiteralLike(literal)) return;
    const line = file.getLineAndCharacterOfPosition(literal.getStart(file)).line + 1;
    found.push({ specifier: literal.text, line, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      add(node.moduleSpecifier, isTypeOnlyExport(node));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true);
    else if (ts.isCallExpression(node) && node.arguments[0] !== undefined) {
      const callee = node.expression;
      const dynamic = callee.kind === ts.SyntaxKind.ImportKeyword;
      if (dynamic || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

type Exports = string | { [condition: string]: Exports };

/** The first path an exports entry gives under `conditions` (in the entry's own order, as Node reads it). */
function pickExport(entry: Exports | undefined, conditions: readonly string[]): string | undefined {
  if (entry === undefined || typeof entry === 'string') return entry;
  for (const [condition, value] of Object.entries(entry)) {
    if (condition === 'default' || conditions.includes(condition)) {
      const picked = pickExport(value, conditions);
      if (picked !== undefined) return picked;
    }
  }
  return undefined;
}

/**
 * The workspace's sources as the layer rules read them. `overlay` maps repository-relative paths to planted
 * sources that are read instead of (or besides) the files on disk.
 */
export class SourceTree {
  private readonly edges = new Map<string, ImportEdge[]>();

  constructor(
    private readonly overlay: Readonly<Record<string, string>> = {},
    readonly root = ROOT,
  ) {}

  exists(file: string): boolean {
    return file in this.overlay || existsSync(join(this.root, file));
  }

  read(file: string): string {
    return this.overlay[file] ?? readFileSync(join(this.root, file), 'utf8');
  }

  /** The `.ts` files under `folder`, tests included, planted ones too; sorted. */
  filesUnder(folder: string): string[] {
    const files = new Set(Object.keys(this.overlay).filter((file) => file.startsWith(`${folder}/`)));
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(this.root, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (/\.m?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.add(path);
      }
    };
    if (existsSync(join(this.root, folder))) walk(folder);
    return [...files].sort();
  }

  /** The file a relative specifier leads to: `.js` names its `.ts` source, as NodeNext resolution does. */
  private resolveRelative(from: string, specifier: string): string {
    const path = posix.normalize(posix.join(posix.dirname(from), specifier));
    const candidates = [
      path.replace(/\.js$/, '.ts'),
      path.replace(/\.js$/, '.tsx'),
      path.replace(/\.mjs$/, '.mts'),
      path,
      `${path}.ts`,
      `${path}/index.ts`,
    ];
    return candidates.find((candidate) => this.exists(candidate)) ?? path;
  }

  /** A `@wamp/<package>[/<sub>]` specifier's source file, through the `@wamp/source` condition. */
  private resolveWorkspace(specifier: string, conditions: readonly string[]): string | undefined {
    const [, name, sub] = /^@wamp\/([^/]+)(\/.+)?$/.exec(specifier) ?? [];
    if (name === undefined) return undefined;
    const folder = `packages/${name}`;
    if (!this.exists(`${folder}/package.json`)) return undefined;
    const manifest = JSON.parse(this.read(`${folder}/package.json`)) as { exports?: Record<string, Exports> };
    const entry = manifest.exports?.[`.${sub ?? ''}`];
    const path = pickExport(entry, ['@wamp/source', ...conditions]);
    return path === undefined ? undefined : posix.normalize(`${folder}/${path}`);
  }

  /** One file's imports; `conditions` choose among a workspace package's exports (`browser`, `node`). */
  importsOf(file: string, conditions: readonly string[] = ['node']): ImportEdge[] {
    const key = `${conditions.join(',')} ${file}`;
    let edges = this.edges.get(key);
    if (edges === undefined) {
      edges = scanImports(file, this.read(file)).map(({ specifier, line, typeOnly }) => ({
        from: file,
        line,
        specifier,
        typeOnly,
        target: specifier.startsWith('.')
          ? this.resolveRelative(file, specifier)
          : this.resolveWorkspace(specifier, conditions),
      }));
      this.edges.set(key, edges);
    }
    return edges;
  }

  /**
   * Every edge met walking from `entry` along the edges `follow` accepts, each file visited once: the
   * entry's own edges first. `follow` is only asked about edges whose target exists.
   */
  walk(entry: string, follow: (edge: ImportEdge) => boolean, conditions?: readonly string[]): ImportEdge[] {
    const seen = new Set<string>([entry]);
    const queue = [entry];
    const met: ImportEdge[] = [];
    for (let index = 0; index < queue.length; index++) {
      for (const edge of this.importsOf(queue[index]!, conditions)) {
        met.push(edge);
        const target = edge.target;
        if (target === undefined || seen.has(target) || !this.exists(target) || !follow(edge)) continue;
        seen.add(target);
        queue.push(target);
      }
    }
    return met;
  }
}

/** `file:line 'specifier'`, how a rule names an import it refuses. */
export function describeEdge(edge: ImportEdge): string {
  return `${edge.from}:${edge.line} '${edge.specifier}'`;
}

/** A gitignore-style glob as Biome's `includes` write them (`**`, `*`), as a regular expression. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (glob.startsWith('**/', index)) {
      pattern += '(?:.*/)?';
      index += 2;
    } else if (glob.startsWith('**', index)) {
      pattern += '.*';
      index += 1;
    } else if (char === '*') pattern += '[^/]*';
    else pattern += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

/** True when `file` is one of `includes` (Biome's order: a later `!glob` takes out what earlier ones put in). */
export function isIncluded(file: string, includes: readonly string[]): boolean {
  let included = false;
  for (const glob of includes) {
    if (glob.startsWith('!')) {
      if (globToRegExp(glob.slice(1)).test(file)) included = false;
    } else if (globToRegExp(glob).test(file)) included = true;
  }
  return included;
}
