// URIs looked up against exact, prefix and wildcard patterns, in time bounded by the URI's length.
import type { MatchPolicy } from '@wamp/protocol';

interface CharNode<T> {
  children: Map<number, CharNode<T>> | null;
  value: T | undefined;
}

interface SegmentNode<T> {
  children: Map<string, SegmentNode<T>> | null;
  /** The child for an empty (wildcard) pattern component. */
  wildcard: SegmentNode<T> | null;
  value: T | undefined;
}

/** True when a component-trie node holds nothing: no value and no child of either kind. */
function isEmptySegment<T>(node: SegmentNode<T>): boolean {
  return node.value === undefined && node.children === null && node.wildcard === null;
}

function charNode<T>(): CharNode<T> {
  return { children: null, value: undefined };
}

function segmentNode<T>(): SegmentNode<T> {
  return { children: null, wildcard: null, value: undefined };
}

/**
 * URI patterns of all three match policies, shared by the broker (every match of a topic) and the dealer (the
 * best match of a procedure). Exact URIs are one `Map` lookup; prefix patterns live in a character trie, because
 * WAMP prefix matching is a plain string prefix (`com.a` matches `com.ab`); wildcard patterns live in a trie of
 * URI components. A lookup costs O(length of the URI), never O(number of patterns), and the pattern tries are
 * not touched at all while they are empty.
 *
 * @example
 * ```ts
 * const matcher = new UriMatcher<string>();
 * matcher.set('com.app.', 'prefix', 'A');
 * matcher.set('com..update', 'wildcard', 'B');
 * matcher.best('com.app.update'); // 'A' (a prefix match beats a wildcard match)
 * ```
 */
export class UriMatcher<T> {
  private readonly exact = new Map<string, T>();
  private readonly prefixRoot = charNode<T>();
  private readonly wildcardRoot = segmentNode<T>();
  private prefixCount = 0;
  private wildcardCount = 0;
  /** Reused by every {@link UriMatcher.best} lookup (called for every CALL and permission check). */
  private readonly scratch: T[] = [];

  /** The entry stored under exactly this pattern and policy. */
  get(pattern: string, match: MatchPolicy): T | undefined {
    if (match === 'exact') return this.exact.get(pattern);
    if (match === 'prefix') return this.prefixNode(pattern, false)?.value;
    return this.segmentNodeFor(pattern, false)?.value;
  }

  set(pattern: string, match: MatchPolicy, value: T): void {
    if (match === 'exact') {
      this.exact.set(pattern, value);
      return;
    }
    const node = match === 'prefix' ? this.prefixNode(pattern, true)! : this.segmentNodeFor(pattern, true)!;
    if (node.value === undefined) {
      if (match === 'prefix') this.prefixCount++;
      else this.wildcardCount++;
    }
    node.value = value;
  }

  delete(pattern: string, match: MatchPolicy): void {
    if (match === 'exact') {
      this.exact.delete(pattern);
      return;
    }
    // Nodes left with no value and no children are cut off, so the tries shrink as patterns leave: a client that
    // subscribes and unsubscribes distinct patterns cannot grow them without end.
    if (match === 'prefix') {
      if (this.deletePrefix(pattern)) this.prefixCount--;
    } else if (this.deleteWildcard(pattern)) {
      this.wildcardCount--;
    }
  }

  /** True when any prefix or wildcard pattern is stored. */
  get hasPatterns(): boolean {
    return this.prefixCount > 0 || this.wildcardCount > 0;
  }

  /**
   * Appends to `out` every pattern entry (prefix and wildcard, not exact) matching the concrete `uri`.
   * The caller passes a reused array, so nothing is allocated per lookup beyond the URI's components.
   */
  collectPatterns(uri: string, out: T[]): void {
    if (this.prefixCount > 0) this.walkPrefixes(uri, out, false);
    if (this.wildcardCount > 0) this.walkWildcards(this.wildcardRoot, uri.split('.'), 0, out, false);
  }

  /**
   * The single best entry for a concrete `uri`, by the spec's precedence for calls: exact, then the longest
   * prefix, then the wildcard pattern with the longest concrete portions from the left.
   */
  best(uri: string): T | undefined {
    const exact = this.exact.get(uri);
    if (exact !== undefined || !this.hasPatterns) return exact;
    const scratch = this.scratch;
    if (this.prefixCount > 0) this.walkPrefixes(uri, scratch, true);
    if (scratch.length === 0 && this.wildcardCount > 0) {
      this.walkWildcards(this.wildcardRoot, uri.split('.'), 0, scratch, true);
    }
    const found = scratch[0];
    scratch.length = 0;
    return found;
  }

  /** Walks `uri` down the character trie; `longestOnly` keeps just the deepest match. */
  private walkPrefixes(uri: string, out: T[], longestOnly: boolean): void {
    let node: CharNode<T> | undefined = this.prefixRoot;
    // The empty prefix matches every URI.
    let longest: T | undefined = longestOnly ? node.value : undefined;
    if (!longestOnly && node.value !== undefined) out.push(node.value);
    for (let i = 0; i < uri.length && node !== undefined; i++) {
      node = node.children?.get(uri.charCodeAt(i));
      if (node?.value === undefined) continue;
      if (longestOnly) longest = node.value;
      else out.push(node.value);
    }
    if (longest !== undefined) out.push(longest);
  }

  /**
   * Depth-first over the component trie, the concrete child before the wildcard one: the first complete match
   * found is the one with the longest concrete portions from the left, which `firstOnly` stops at.
   */
  private walkWildcards(
    node: SegmentNode<T>,
    components: string[],
    depth: number,
    out: T[],
    firstOnly: boolean,
  ): boolean {
    if (depth === components.length) {
      if (node.value === undefined) return false;
      out.push(node.value);
      return firstOnly;
    }
    const concrete = node.children?.get(components[depth]!);
    if (concrete !== undefined && this.walkWildcards(concrete, components, depth + 1, out, firstOnly)) return true;
    return node.wildcard !== null && this.walkWildcards(node.wildcard, components, depth + 1, out, firstOnly);
  }

  /**
   * Clears the value stored under the prefix `pattern`, then cuts off the nodes on its path that are left with
   * no value and no children, deepest first. Returns whether a value was there.
   */
  private deletePrefix(pattern: string): boolean {
    const path: CharNode<T>[] = [];
    let node: CharNode<T> | undefined = this.prefixRoot;
    for (let i = 0; i < pattern.length && node !== undefined; i++) {
      path.push(node);
      node = node.children?.get(pattern.charCodeAt(i));
    }
    if (node?.value === undefined) return false;
    node.value = undefined;
    for (let i = path.length - 1; i >= 0 && node.value === undefined && node.children === null; i--) {
      const parent: CharNode<T> = path[i]!;
      parent.children!.delete(pattern.charCodeAt(i));
      if (parent.children!.size === 0) parent.children = null;
      node = parent;
    }
    return true;
  }

  /** {@link UriMatcher.deletePrefix} for a wildcard pattern in the component trie. */
  private deleteWildcard(pattern: string): boolean {
    const components = pattern.split('.');
    const path: SegmentNode<T>[] = [];
    let node: SegmentNode<T> | null | undefined = this.wildcardRoot;
    for (let i = 0; i < components.length && node != null; i++) {
      path.push(node);
      node = components[i] === '' ? node.wildcard : node.children?.get(components[i]!);
    }
    if (node == null || node.value === undefined) return false;
    node.value = undefined;
    for (let i = path.length - 1; i >= 0 && isEmptySegment(node); i--) {
      const parent: SegmentNode<T> = path[i]!;
      const component = components[i]!;
      if (component === '') parent.wildcard = null;
      else {
        parent.children!.delete(component);
        if (parent.children!.size === 0) parent.children = null;
      }
      node = parent;
    }
    return true;
  }

  private prefixNode(pattern: string, create: boolean): CharNode<T> | undefined {
    let node = this.prefixRoot;
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      let next = node.children?.get(code);
      if (next === undefined) {
        if (!create) return undefined;
        next = charNode<T>();
        node.children ??= new Map();
        node.children.set(code, next);
      }
      node = next;
    }
    return node;
  }

  private segmentNodeFor(pattern: string, create: boolean): SegmentNode<T> | undefined {
    let node = this.wildcardRoot;
    for (const component of pattern.split('.')) {
      let next = component === '' ? node.wildcard : node.children?.get(component);
      if (next === undefined || next === null) {
        if (!create) return undefined;
        next = segmentNode<T>();
        if (component === '') node.wildcard = next;
        else {
          node.children ??= new Map();
          node.children.set(component, next);
        }
      }
      node = next;
    }
    return node;
  }
}
