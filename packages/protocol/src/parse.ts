// Validates a decoded frame against the spec's shape of its message type and hands it back typed. The shapes are a
// table, one row per type: the kind of each element, named in the spec's notation, and the trailing elements that
// may be left out. Each failure throws a ProtocolViolation naming the message, the element and what the spec
// expects. Elements are read in place, once each: the message is validated, never copied.
import { MessageCode, type MessageName, messageName } from './codes.js';
import { ProtocolViolation } from './errors.js';
import { isId } from './ids.js';
import type { Message } from './messages.js';
import { checkOptionKind, OPTION_RULES, type OptionKind } from './option-rules.js';
import type { Dict } from './options.js';

// The kinds of element, each with its own check in parseMessage. Local constants, not imports: the switch over
// them stays a jump on small integers.
/** An ID in [1, 2^53]. */
const ID = 0;
/** A request ID that may be 0 when Details follow it: UNSUBSCRIBED/UNREGISTERED sent unprompted (a revocation). */
const REVOCABLE_ID = 1;
/** A non-negative integer. */
const INTEGER = 2;
/** Any string. */
const STRING = 3;
/** A non-empty string; URI syntax is the router's to check. */
const URI = 4;
/** A dict whose keys are not checked. */
const DICT = 5;
/** The Options/Details dict: a dict whose predefined keys must hold their types (see `OPTION_RULES`). */
const OPTIONS = 6;
/** A list. */
const LIST = 7;

type ElementKind =
  | typeof ID
  | typeof REVOCABLE_ID
  | typeof INTEGER
  | typeof STRING
  | typeof URI
  | typeof DICT
  | typeof OPTIONS
  | typeof LIST;

/** One element of a message: its kind and its name in the spec's notation. */
interface Element {
  readonly kind: ElementKind;
  readonly field: string;
}

/** One message type's shape, flat so that a check reads `kinds[i]` and `fields[i]` with no object per element. */
interface Shape {
  readonly name: MessageName;
  /** Fewest and most elements, the type code included. */
  readonly min: number;
  readonly max: number;
  /** What the length check expects, in words (`'4 to 6 elements'`). */
  readonly expectedLength: string;
  /** The kind of element `i`, for `i` from 1 (index 0, the type code, is checked before). */
  readonly kinds: readonly ElementKind[];
  /** The spec's name of element `i` (`'Request|id'`), for the violation message. */
  readonly fields: readonly string[];
  /** The predefined keys of this type's Options/Details dict, if it has any. */
  readonly rules: ReadonlyMap<string, OptionKind> | undefined;
}

const id = (field: string): Element => ({ kind: ID, field });
const revocableId = (field: string): Element => ({ kind: REVOCABLE_ID, field });
const integer = (field: string): Element => ({ kind: INTEGER, field });
const text = (field: string): Element => ({ kind: STRING, field });
const uri = (field: string): Element => ({ kind: URI, field });
const dict = (field: string): Element => ({ kind: DICT, field });
const options = (field: string): Element => ({ kind: OPTIONS, field });
const list = (field: string): Element => ({ kind: LIST, field });

/** Arguments|list and ArgumentsKw|dict, both optional: the spec says empty ones SHOULD be left out. */
const PAYLOAD = [list('Arguments|list'), dict('ArgumentsKw|dict')];

/** One row per message type: its code, the elements always present, then those that may be left out. */
const TABLE: [code: MessageCode, required: Element[], optional?: Element[]][] = [
  [MessageCode.HELLO, [uri('Realm|uri'), options('Details|dict')]],
  [MessageCode.WELCOME, [id('Session|id'), options('Details|dict')]],
  [MessageCode.ABORT, [options('Details|dict'), uri('Reason|uri')], PAYLOAD],
  [MessageCode.CHALLENGE, [text('AuthMethod|string'), dict('Extra|dict')]],
  [MessageCode.AUTHENTICATE, [text('Signature|string'), dict('Extra|dict')]],
  [MessageCode.GOODBYE, [options('Details|dict'), uri('Reason|uri')]],
  [
    MessageCode.ERROR,
    [integer('REQUEST.Type|int'), id('REQUEST.Request|id'), options('Details|dict'), uri('Error|uri')],
    PAYLOAD,
  ],
  [MessageCode.PUBLISH, [id('Request|id'), options('Options|dict'), uri('Topic|uri')], PAYLOAD],
  [MessageCode.PUBLISHED, [id('PUBLISH.Request|id'), id('Publication|id')]],
  [MessageCode.SUBSCRIBE, [id('Request|id'), options('Options|dict'), uri('Topic|uri')]],
  [MessageCode.SUBSCRIBED, [id('SUBSCRIBE.Request|id'), id('Subscription|id')]],
  [MessageCode.UNSUBSCRIBE, [id('Request|id'), id('SUBSCRIBED.Subscription|id')]],
  [MessageCode.UNSUBSCRIBED, [revocableId('UNSUBSCRIBE.Request|id')], [dict('Details|dict')]],
  [
    MessageCode.EVENT,
    [id('SUBSCRIBED.Subscription|id'), id('PUBLISHED.Publication|id'), options('Details|dict')],
    PAYLOAD,
  ],
  [MessageCode.CALL, [id('Request|id'), options('Options|dict'), uri('Procedure|uri')], PAYLOAD],
  [MessageCode.CANCEL, [id('CALL.Request|id'), options('Options|dict')]],
  [MessageCode.RESULT, [id('CALL.Request|id'), options('Details|dict')], PAYLOAD],
  [MessageCode.REGISTER, [id('Request|id'), options('Options|dict'), uri('Procedure|uri')]],
  [MessageCode.REGISTERED, [id('REGISTER.Request|id'), id('Registration|id')]],
  [MessageCode.UNREGISTER, [id('Request|id'), id('REGISTERED.Registration|id')]],
  [MessageCode.UNREGISTERED, [revocableId('UNREGISTER.Request|id')], [dict('Details|dict')]],
  [MessageCode.INVOCATION, [id('Request|id'), id('REGISTERED.Registration|id'), options('Details|dict')], PAYLOAD],
  [MessageCode.INTERRUPT, [id('INVOCATION.Request|id'), options('Options|dict')]],
  [MessageCode.YIELD, [id('INVOCATION.Request|id'), options('Options|dict')], PAYLOAD],
];

function toShape(code: MessageCode, required: Element[], optional: Element[] = []): Shape {
  const elements = [...required, ...optional];
  const min = required.length + 1;
  const max = elements.length + 1;
  return {
    name: messageName(code)!,
    min,
    max,
    expectedLength: min === max ? `${min} elements` : `${min} to ${max} elements`,
    // Index 0 is the type code, already looked up by the time these are read.
    kinds: [ID, ...elements.map((element) => element.kind)],
    fields: ['MessageType|integer', ...elements.map((element) => element.field)],
    rules: OPTION_RULES.get(code),
  };
}

const byCode = new Map(TABLE.map(([code, required, optional]) => [code, toShape(code, required, optional)]));

/**
 * Every message type's {@link Shape}, indexed by type code; `undefined` for a code WAMP does not define. Dense up
 * to the highest code, so a lookup is a plain element load.
 */
const SHAPES: readonly (Shape | undefined)[] = Array.from({ length: MessageCode.YIELD + 1 }, (_, code) =>
  byCode.get(code as MessageCode),
);

/**
 * True for a WAMP dict: an object that is neither a list nor a byte array.
 *
 * @example
 * ```ts
 * isDict({ a: 1 }); // true
 * isDict(new Uint8Array(2)); // false
 * ```
 */
export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** The violation for element `index` of a message of `shape`. */
function violation(shape: Shape, index: number, expected: string): ProtocolViolation {
  return new ProtocolViolation(shape.name, shape.fields[index]!, expected);
}

/**
 * The Options/Details dict at `index`: a dict whose predefined keys hold the type the spec gives them.
 * Walks the dict's own keys (usually none or a few), not the rule table.
 */
function checkOptions(value: unknown, shape: Shape, index: number): void {
  if (!isDict(value)) throw violation(shape, index, 'a dict');
  const rules = shape.rules;
  if (rules === undefined) return;
  for (const key in value) {
    const kind = rules.get(key);
    const option = value[key];
    // A key set to nil counts as absent: some clients' MessagePack/CBOR encoders write undefined options as nil.
    if (kind === undefined || option === null || option === undefined) continue;
    const expected = checkOptionKind(kind, option);
    if (expected !== undefined) {
      throw new ProtocolViolation(shape.name, `${shape.fields[index]!.split('|')[0]}.${key}`, expected);
    }
  }
}

/** A short, safe description of a value for an error message (any value: `String()` throws for some objects). */
function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 20))}`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a dict' : typeof value;
}

/**
 * Validates a decoded frame against the spec's shape for its message type and returns it typed.
 * Checks the element count and the type of every element (IDs in [1, 2^53], dicts, URIs as non-empty
 * strings, payload list/dict); URI syntax is left to the router, which answers `wamp.error.invalid_uri`
 * rather than aborting. The message is not copied. Throws {@link ProtocolViolation}.
 *
 * @example
 * ```ts
 * const msg = parseMessage(serializer.decode(frame));
 * switch (msg[0]) {
 *   case MessageCode.CALL: dealer.call(session, msg); break;
 * }
 * ```
 */
export function parseMessage(raw: unknown): Message {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ProtocolViolation('message', 'message', 'a non-empty list');
  }
  const msg: unknown[] = raw;
  const code = msg[0];
  const shape = typeof code === 'number' ? SHAPES[code] : undefined;
  if (shape === undefined) {
    throw new ProtocolViolation(
      'message',
      'MessageType|integer',
      `a known WAMP message type code (got ${describe(code)})`,
    );
  }
  const length = msg.length;
  if (length < shape.min || length > shape.max) {
    throw new ProtocolViolation(shape.name, 'message', `${shape.expectedLength} (got ${length})`);
  }
  const kinds = shape.kinds;
  for (let i = 1; i < length; i++) {
    const value = msg[i];
    switch (kinds[i]) {
      case ID:
        if (!isId(value)) throw violation(shape, i, 'an integer ID in [1, 2^53]');
        break;
      case REVOCABLE_ID:
        if (!isId(value) && !(value === 0 && i + 1 < length)) throw violation(shape, i, 'an integer ID in [1, 2^53]');
        break;
      case INTEGER:
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
          throw violation(shape, i, 'a non-negative integer');
        }
        break;
      case STRING:
        if (typeof value !== 'string') throw violation(shape, i, 'a string');
        break;
      case URI:
        if (typeof value !== 'string' || value.length === 0) throw violation(shape, i, 'a URI string');
        break;
      case DICT:
        if (!isDict(value)) throw violation(shape, i, 'a dict');
        break;
      case OPTIONS:
        checkOptions(value, shape, i);
        break;
      case LIST:
        if (!Array.isArray(value)) throw violation(shape, i, 'a list');
        break;
    }
  }
  return raw as Message;
}
