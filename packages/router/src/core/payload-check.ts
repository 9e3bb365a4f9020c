/**
 * One rule for every payload the router routes: each value in it must be one that all of the router's serializers
 * write faithfully, for every peer, or the message is refused at the door. JSON is the narrowest of the three, so
 * a payload is accepted when it holds only `null`, booleans, finite numbers, strings, byte arrays (`Uint8Array`,
 * which JSON carries as the spec's `"\0"` + base64), lists and plain dicts, nested at most `maxPayloadDepth` deep.
 *
 * Refused, rather than silently changed for some subscribers:
 * - big integers (a CBOR bignum, a MessagePack BigInt), `undefined`, NaN and the infinities, dates, sets, regular
 *   expressions, errors and other tagged values (CBOR tags, MessagePack ext types the decoders map to objects);
 * - strings that are no well-formed Unicode (a lone surrogate): CBOR and MessagePack would write U+FFFD instead;
 * - strings that start with NUL (U+0000): a JSON peer reads those as a byte array, by the spec's binary convention;
 * - dict keys named `__proto__`: the CBOR and MessagePack decoders rename them (`__proto_`), so as not to touch a
 *   prototype, and a careless peer's copy into an object would set its prototype;
 * - nesting past the limit, which also refuses a cyclic value (CBOR tags 28/29), and a payload larger than
 *   `maxMessageBytes` once written out. Without shared references a payload is never larger written out than the
 *   frame it arrived in; with them (CBOR tags 28/29, MessagePack structured clones) a small frame can expand to
 *   gigabytes, because every serializer writes a shared value once per use.
 *
 * Translated by rule where a payload is written anew (across serializers; between JSON peers it passes through as
 * written): a negative zero is written as 0 by every serializer. Integers beyond 2^53 are read as the nearest
 * double by every decoder and cross as that double. Dict keys that are not strings (CBOR and MessagePack
 * allow them) are read as strings (`1` as `"1"`) before the router sees them.
 */

import type { RouterLimits } from '../options.js';

/** The limits the rule applies. */
export type PayloadLimits = Pick<Required<RouterLimits>, 'maxPayloadDepth' | 'maxMessageBytes'>;

/**
 * Levels the meta API's answers add around payloads that were routed before (`wamp.subscription.get_events`: a list
 * of events, each a dict holding its args), granted on top of `maxPayloadDepth` so that an event published at the
 * limit does not make the history unreadable.
 */
export const META_ANSWER_LEVELS = 3;

/** Where in a payload a value was refused and why: `args[1].when` and "a Date". */
export interface PayloadDefect {
  path: string;
  what: string;
}

/** What `defectOf` reports for nesting past the limit and for a payload past the size bound; `payloadDefect` names the limit. */
const TOO_DEEP = 'too deep';
const TOO_LARGE = 'too large';
const CYCLIC = 'a list or dict inside itself (a cyclic value), which no serializer writes: send a tree';

/** The defect deepest in the value, with its path still to be written from the innermost key outwards. */
interface Found {
  keys: (string | number)[];
  what: string;
}

/** `String.prototype.isWellFormed` (ES2024, Node 20), which the ES2023 lib the project compiles with lacks. */
type WellFormed = { isWellFormed(): boolean };

/**
 * What is left of the written-out size the payload being checked may have. Every value costs at least one byte in
 * every serializer (and a string or byte array at least its length), so this estimate never exceeds the frame a
 * payload without shared references arrived in. One check runs at a time, so a module variable serves.
 */
let budget = 0;

/**
 * Lists and dicts walked in the payload being checked. Past `WATCH_AFTER` of them, `costs` keeps the written-out
 * size of each (`IN_PROGRESS` while it is being walked): only then is anything allocated.
 */
let containers = 0;
const WATCH_AFTER = 4_096;
let costs: Map<object, number> | null = null;
const IN_PROGRESS = -1;

function stringDefect(value: string): string | undefined {
  if (value.charCodeAt(0) === 0) {
    return 'a string starting with NUL (U+0000), which JSON peers read as a byte array: send a byte array';
  }
  if (!(value as unknown as WellFormed).isWellFormed()) {
    return 'a string with a lone surrogate (no well-formed Unicode), which CBOR and MessagePack cannot carry: send a byte array';
  }
  return undefined;
}

function keyDefect(key: string): string | undefined {
  if (key === '__proto__') return 'a key named __proto__, which not every peer can read as a key: rename it';
  if (!(key as unknown as WellFormed).isWellFormed()) return 'a key with a lone surrogate (no well-formed Unicode)';
  return undefined;
}

function describe(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      budget -= value.length;
      return budget < 0 ? TOO_LARGE : stringDefect(value);
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
  if (--budget < 0) return { keys: [], what: TOO_LARGE };
  if (typeof value !== 'object') {
    const what = describe(value);
    return what === undefined ? undefined : { keys: [], what };
  }
  if (value === null) return undefined;
  if (value instanceof Uint8Array) {
    budget -= value.byteLength;
    return budget < 0 ? { keys: [], what: TOO_LARGE } : undefined;
  }
  if (depth === 0) return { keys: [], what: TOO_DEEP };
  const prototype = Array.isArray(value) ? Array.prototype : Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null && prototype !== Array.prototype) {
    return {
      keys: [],
      what: `a ${prototype?.constructor?.name ?? 'tagged value'}, which not every serializer carries`,
    };
  }
  if (++containers <= WATCH_AFTER) return entriesDefect(value, depth);
  // A large payload: remember what each list and dict costs, so that one met again (a shared reference) is charged
  // without being walked again, and one met inside itself (a cycle) is refused at once.
  costs ??= new Map();
  const known = costs.get(value);
  if (known === IN_PROGRESS) return { keys: [], what: CYCLIC };
  if (known !== undefined) {
    budget -= known;
    return budget < 0 ? { keys: [], what: TOO_LARGE } : undefined;
  }
  costs.set(value, IN_PROGRESS);
  const before = budget;
  const found = entriesDefect(value, depth);
  costs.set(value, before - budget);
  return found;
}

/** The defect among the entries of a list or plain dict. */
function entriesDefect(value: object, depth: number): Found | undefined {
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
  // Own keys only (a plain dict has no inherited enumerable ones); a key named `__proto__` is an own property here
  // and is read as one, so no prototype is ever touched.
  for (const key in value) {
    budget -= key.length;
    const bad = budget < 0 ? TOO_LARGE : keyDefect(key);
    const found =
      bad === undefined ? defectOf((value as Record<string, unknown>)[key], depth - 1) : { keys: [], what: bad };
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

function explain(what: string, limits: PayloadLimits): string {
  if (what === TOO_DEEP) return `a list or dict nested deeper than ${limits.maxPayloadDepth} levels`;
  if (what === TOO_LARGE) {
    return (
      `past the ${limits.maxMessageBytes} bytes a payload may take written out (a value shared by reference, ` +
      'CBOR tags 28/29 or a MessagePack structured clone, is written once per use): send a smaller payload'
    );
  }
  return what;
}

/**
 * The first value of a message's `args` and `kwargs` that the router will not route, or undefined when every value
 * can be written for every peer. It walks at most `maxPayloadDepth + 1` levels, and each shared list or dict once,
 * so hostile nesting or sharing can exhaust neither the stack nor the CPU. It allocates nothing unless it finds a
 * defect or the payload holds more than a few thousand lists and dicts.
 *
 * @example
 * ```ts
 * payloadDefect([1, { when: new Date() }], undefined, limits); // { path: 'args[1].when', what: 'a Date, …' }
 * ```
 */
export function payloadDefect(args: unknown, kwargs: unknown, limits: PayloadLimits): PayloadDefect | undefined {
  let found: Found | undefined;
  let root = 'args';
  budget = limits.maxMessageBytes;
  containers = 0;
  try {
    if (args !== undefined) found = defectOf(args, limits.maxPayloadDepth);
    if (found === undefined && kwargs !== undefined) {
      found = defectOf(kwargs, limits.maxPayloadDepth);
      root = 'kwargs';
    }
  } finally {
    costs = null; // keep no payload alive after its check
  }
  if (found === undefined) return undefined;
  return { path: pathOf(root, found.keys), what: explain(found.what, limits) };
}

/** The message a refused payload is answered with: what was refused, where. */
export function describeDefect(defect: PayloadDefect): string {
  return `${defect.path} is ${defect.what}`;
}
