// The layer rules over the resolved import graph: what Biome's `noRestrictedImports` (biome.json) cannot say
// because it sees specifiers, not the files they reach: where a relative path leads, and what a module loads in
// turn. Each rule returns the imports it refuses, as `file:line 'specifier': why`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEdge, type ImportEdge, isIncluded, isNodeBuiltin, ROOT, type SourceTree } from './import-graph.js';

const ROUTER = 'packages/router/src';
const CORE = `${ROUTER}/core`;
const BROWSER_ENTRY = 'packages/transport/src/browser.ts';

/** The packages that do I/O, besides Node's built-ins: sockets, a logging backend, NATS. */
function isIoPackage(specifier: string): boolean {
  return isNodeBuiltin(specifier) || /^(?:ws|pino|nats)(?:\/|$)/.test(specifier) || specifier.startsWith('@nats-io/');
}

const under = (file: string | undefined, folder: string) => file?.startsWith(`${folder}/`) === true;
const isRuntimeRelative = (edge: ImportEdge) => !edge.typeOnly && edge.specifier.startsWith('.');

/**
 * The first import, in what `file` loads at run time through relative imports (itself included), that does
 * I/O or enters cluster/ or cli/; undefined when there is none.
 */
export function firstIoReached(tree: SourceTree, file: string): ImportEdge | undefined {
  return tree
    .walk(file, isRuntimeRelative)
    .find(
      (edge) =>
        !edge.typeOnly &&
        (isIoPackage(edge.specifier) || under(edge.target, `${ROUTER}/cluster`) || under(edge.target, `${ROUTER}/cli`)),
    );
}

/** A tracing library: core/ reaches a tracer only through the RouterTracer seam of core/tracing.ts. */
const isTracingLibrary = (specifier: string) => specifier.startsWith('@opentelemetry/');

/**
 * `router/src/core/**`: no Node built-in, ws, pino or NATS; nothing under cluster/ or cli/, not even a type; no
 * tracing library and nothing under tracing/;
 * from auth/ only modules whose run-time imports do no I/O; and no module outside core/ loaded at run time
 * that reaches any of those in turn.
 */
export function coreViolations(tree: SourceTree): string[] {
  const found: string[] = [];
  for (const file of tree.filesUnder(CORE)) {
    for (const edge of tree.importsOf(file)) {
      const at = describeEdge(edge);
      if (isIoPackage(edge.specifier)) found.push(`${at}: core/ does no I/O`);
      else if (isTracingLibrary(edge.specifier) || under(edge.target, `${ROUTER}/tracing`))
        found.push(`${at}: core/ reaches a tracer only through core/tracing.ts`);
      else if (under(edge.target, `${ROUTER}/cluster`))
        found.push(`${at}: core/ meets the cluster only through fabric.ts`);
      else if (under(edge.target, `${ROUTER}/cli`)) found.push(`${at}: core/ knows nothing of the command line`);
      else if (under(edge.target, `${ROUTER}/auth`) && tree.exists(edge.target!)) {
        const io = firstIoReached(tree, edge.target!);
        if (io !== undefined) found.push(`${at}: this auth/ module does I/O (${describeEdge(io)})`);
      } else if (isRuntimeRelative(edge) && !under(edge.target, CORE) && tree.exists(edge.target!)) {
        const io = firstIoReached(tree, edge.target!);
        if (io !== undefined) found.push(`${at}: loads, at run time, ${describeEdge(io)}`);
      }
    }
  }
  return found;
}

/** `protocol/src/**`: no Node built-in, no ws, no `@wamp/*`, no relative path out of the package. */
export function protocolViolations(tree: SourceTree): string[] {
  const found: string[] = [];
  for (const file of tree.filesUnder('packages/protocol/src')) {
    for (const edge of tree.importsOf(file)) {
      const at = describeEdge(edge);
      if (isNodeBuiltin(edge.specifier) || /^ws(?:\/|$)/.test(edge.specifier))
        found.push(`${at}: protocol runs in browsers`);
      else if (edge.specifier.startsWith('@wamp/')) found.push(`${at}: protocol imports nothing internal`);
      else if (edge.specifier.startsWith('.') && !under(edge.target, 'packages/protocol')) {
        found.push(`${at}: leaves the protocol package`);
      }
    }
  }
  return found;
}

/** The `includes` of the biome.json override that keeps Node out of the transport's browser-reachable files. */
export function browserLintIncludes(config = readFileSync(join(ROOT, 'biome.json'), 'utf8')): string[] {
  const { overrides } = JSON.parse(config) as { overrides: { includes: string[] }[] };
  const transport = overrides.find((override) =>
    override.includes.some((glob) => glob.startsWith('packages/transport/')),
  );
  return transport?.includes ?? [];
}

/**
 * The transport's browser entry, followed through every import (type-only too: a browser build's declarations
 * must not name Node's types) into `@wamp/*` packages under the `browser` condition: it reaches no Node built-in
 * and no ws, and every transport file it reaches is one the Biome override lints.
 */
export function browserViolations(tree: SourceTree, includes = browserLintIncludes()): string[] {
  const found: string[] = [];
  const reached = new Set<string>([BROWSER_ENTRY]);
  for (const edge of tree.walk(BROWSER_ENTRY, () => true, ['browser'])) {
    if (isNodeBuiltin(edge.specifier) || /^ws(?:\/|$)/.test(edge.specifier)) {
      found.push(`${describeEdge(edge)}: reached from the browser entry`);
    }
    if (edge.target !== undefined && tree.exists(edge.target)) reached.add(edge.target);
  }
  for (const file of reached) {
    if (under(file, 'packages/transport') && !isIncluded(file, includes)) {
      found.push(`${file}: reached from the browser entry but not linted by the browser override in biome.json`);
    }
  }
  return found;
}

/** The imports under `folder` of `@wamp/router` or of a relative path into the router package, each with `why`. */
function routerImports(tree: SourceTree, folder: string, why: string): string[] {
  const found: string[] = [];
  for (const file of tree.filesUnder(folder)) {
    for (const edge of tree.importsOf(file)) {
      if (/^@wamp\/router(?:\/|$)/.test(edge.specifier) || under(edge.target, 'packages/router')) {
        found.push(`${describeEdge(edge)}: ${why}`);
      }
    }
  }
  return found;
}

/** `client/src/**`: never `@wamp/router`, nor a relative path into the router package. */
export function clientViolations(tree: SourceTree): string[] {
  return routerImports(tree, 'packages/client/src', 'the client never depends on the router');
}

/** `cli/src/**`: the same; `wamp` reaches routers over WAMP and HTTP only. */
export function cliViolations(tree: SourceTree): string[] {
  return routerImports(tree, 'packages/cli/src', 'the CLI reaches a router over WAMP, never through its code');
}
