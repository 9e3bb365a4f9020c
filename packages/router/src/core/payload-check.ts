/**
 * One rule for every payload the router routes: each value in it must be one that all of the router's serializers
 * write faithfully, for every peer, or the message is refused at the door. JSON is the narrowest of the three, so
 * a payload is accepted when it holds only `null`, booleans, finite numbers, strings, byte arrays (`Uint8Array`,
 * which JSON carries as the spec's `"\0"` + base64), lists and plain dicts, nested at most `maxDepth` deep.
 * Refused, rather than silently turned into `null` or `{}` for some subscribers: big integers (a CBOR bignum, a
 * MessagePack BigInt), `undefined`, NaN and the infinities, dates, sets and other tagged values. A cyclic value
 * (CBOR tags 28/29) nests without end, so the depth bound refuses it too.
 */

/** Where in a payload a value was refused and why: `args[1].when` and "a Date". */
export interface PayloadDefect {
  path: string;
  what: string;
}

/** What `defectOf` reports for nesting past the limit; `payloadDefect` names the limit. */
const TOO_DEEP = 'too deep';

/** The defect deepest in the value, with its path still to be written from the innermost key outwards. */
interface Found {
  keys: (string | number)[];
  what: string;
}

function describe(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `the number ${value}, which JSON cannot carry`;
    case 'bigint':
      return 'a big integer (beyond what every peer reads exactly): send it as a string';
    case 'undefined':
      return 'undefined, which JSON cannot carry: send null';
    default:
      return `a ${typeof value}`;
  }
}

function defectOf(value: unknown, depth: number): Found | undefined {
  if (typeof value !== 'object') {
    const what = describe(value);
    return what === undefined ? undefined : { keys: [], what };
  }
  if (value === null || value instanceof Uint8Array) return undefined;
  if (depth === 0) return { keys: [], what: TOO_DEEP };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = defectOf(value[i], depth - 1);
      if (found !== undefined) {
        found.keys.push(i);
        return found;
      }
    }
    return undefined;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    return {
      keys: [],
      what: `a ${prototype?.constructor?.name ?? 'tagged value'}, which not every serializer carries`,
    };
  }
  // Own keys only (a plain dict has no inherited enumerable ones); a key named `__proto__` is an own property here
  // and is read as one, so no prototype is ever touched.
  for (const key in value) {
    const found = defectOf((value as Record<string, unknown>)[key], depth - 1);
    if (found !== undefined) {
      found.keys.push(key);
      return found;
    }
  }
  return undefined;
}

function pathOf(root: string, keys: (string | number)[]): string {
  let path = root;
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    path += typeof key === 'number' ? `[${key}]` : `.${key}`;
  }
  return path;
}

/**
 * The first value of a message's `args` and `kwargs` that the router will not route, or undefined when every value
 * can be written for every peer. It walks at most `maxDepth + 1` levels, so hostile nesting cannot exhaust the
 * stack, and allocates nothing unless it finds a defect.
 *
 * @example
 * ```ts
 * payloadDefect([1, { when: new Date() }], undefined, 64); // { path: 'args[1].when', what: 'a Date, …' }
 * ```
 */
export function payloadDefect(args: unknown, kwargs: unknown, maxDepth: number): PayloadDefect | undefined {
  let found: Found | undefined;
  let root = 'args';
  if (args !== undefined) found = defectOf(args, maxDepth);
  if (found === undefined && kwargs !== undefined) {
    found = defectOf(kwargs, maxDepth);
    root = 'kwargs';
  }
  if (found === undefined) return undefined;
  const what = found.what === TOO_DEEP ? `a list or dict nested deeper than ${maxDepth} levels` : found.what;
  return { path: pathOf(root, found.keys), what };
}

/** The message a refused payload is answered with: what was refused, where. */
export function describeDefect(defect: PayloadDefect): string {
  return `${defect.path} is ${defect.what}`;
}
