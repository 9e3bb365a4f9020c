import { MessageCode, messageName } from './codes.js';
import { ProtocolViolation } from './errors.js';
import { MAX_ID } from './ids.js';
import type { Message } from './messages.js';
import { checkOptionKind, OPTION_RULES } from './option-rules.js';
import type { Dict } from './options.js';

// Each check throws a ProtocolViolation naming the message, the element in the spec's notation and what
// the spec expects. They read the element in place: the message is validated, never copied.

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

function checkLength(msg: unknown[], name: string, min: number, max: number): void {
  const length = msg.length;
  if (length < min || length > max) {
    const expected = min === max ? `${min} elements` : `${min} to ${max} elements`;
    throw new ProtocolViolation(name, 'message', `${expected} (got ${length})`);
  }
}

function checkId(value: unknown, name: string, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_ID) {
    throw new ProtocolViolation(name, field, 'an integer ID in [1, 2^53]');
  }
}

/** Revocation messages (UNSUBSCRIBED/UNREGISTERED sent unprompted) carry request 0. */
function checkIdOrZero(value: unknown, name: string, field: string): void {
  if (value !== 0) checkId(value, name, field);
}

function checkDict(value: unknown, name: string, field: string): void {
  if (!isDict(value)) throw new ProtocolViolation(name, field, 'a dict');
}

/**
 * The Options/Details dict of a message: a dict whose predefined keys hold the type the spec gives them.
 * Walks the dict's own keys (usually none or a few), not the rule table.
 */
function checkOptions(value: unknown, code: number, name: string, field: string): void {
  checkDict(value, name, field);
  const rules = OPTION_RULES.get(code);
  if (rules === undefined) return;
  const dict = value as Record<string, unknown>;
  for (const key in dict) {
    const kind = rules.get(key);
    const value = dict[key];
    // A key set to nil counts as absent: some clients' MessagePack/CBOR encoders write undefined options as nil.
    if (kind === undefined || value === null || value === undefined) continue;
    const expected = checkOptionKind(kind, value);
    if (expected !== undefined) throw new ProtocolViolation(name, `${field.split('|')[0]}.${key}`, expected);
  }
}

function checkString(value: unknown, name: string, field: string): void {
  if (typeof value !== 'string') throw new ProtocolViolation(name, field, 'a string');
}

function checkUri(value: unknown, name: string, field: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new ProtocolViolation(name, field, 'a URI string');
}

function checkInteger(value: unknown, name: string, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ProtocolViolation(name, field, 'a non-negative integer');
  }
}

/** Arguments|list and ArgumentsKw|dict at `index` and `index + 1`, both optional. */
function checkPayload(msg: unknown[], index: number, name: string): void {
  if (msg.length > index && !Array.isArray(msg[index])) throw new ProtocolViolation(name, 'Arguments|list', 'a list');
  if (msg.length > index + 1) checkDict(msg[index + 1], name, 'ArgumentsKw|dict');
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
  const name = typeof code === 'number' ? messageName(code) : undefined;
  if (name === undefined) {
    throw new ProtocolViolation(
      'message',
      'MessageType|integer',
      `a known WAMP message type code (got ${describe(code)})`,
    );
  }
  switch (code) {
    case MessageCode.HELLO:
      checkLength(msg, name, 3, 3);
      checkUri(msg[1], name, 'Realm|uri');
      checkOptions(msg[2], code, name, 'Details|dict');
      break;
    case MessageCode.WELCOME:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'Session|id');
      checkOptions(msg[2], code, name, 'Details|dict');
      break;
    case MessageCode.ABORT:
      checkLength(msg, name, 3, 5);
      checkOptions(msg[1], code, name, 'Details|dict');
      checkUri(msg[2], name, 'Reason|uri');
      checkPayload(msg, 3, name);
      break;
    case MessageCode.CHALLENGE:
      checkLength(msg, name, 3, 3);
      checkString(msg[1], name, 'AuthMethod|string');
      checkDict(msg[2], name, 'Extra|dict');
      break;
    case MessageCode.AUTHENTICATE:
      checkLength(msg, name, 3, 3);
      checkString(msg[1], name, 'Signature|string');
      checkDict(msg[2], name, 'Extra|dict');
      break;
    case MessageCode.GOODBYE:
      checkLength(msg, name, 3, 3);
      checkOptions(msg[1], code, name, 'Details|dict');
      checkUri(msg[2], name, 'Reason|uri');
      break;
    case MessageCode.ERROR:
      checkLength(msg, name, 5, 7);
      checkInteger(msg[1], name, 'REQUEST.Type|int');
      checkId(msg[2], name, 'REQUEST.Request|id');
      checkOptions(msg[3], code, name, 'Details|dict');
      checkUri(msg[4], name, 'Error|uri');
      checkPayload(msg, 5, name);
      break;
    case MessageCode.PUBLISH:
    case MessageCode.CALL:
      checkLength(msg, name, 4, 6);
      checkId(msg[1], name, 'Request|id');
      checkOptions(msg[2], code, name, 'Options|dict');
      checkUri(msg[3], name, code === MessageCode.CALL ? 'Procedure|uri' : 'Topic|uri');
      checkPayload(msg, 4, name);
      break;
    case MessageCode.SUBSCRIBE:
    case MessageCode.REGISTER:
      checkLength(msg, name, 4, 4);
      checkId(msg[1], name, 'Request|id');
      checkOptions(msg[2], code, name, 'Options|dict');
      checkUri(msg[3], name, code === MessageCode.REGISTER ? 'Procedure|uri' : 'Topic|uri');
      break;
    case MessageCode.PUBLISHED:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'PUBLISH.Request|id');
      checkId(msg[2], name, 'Publication|id');
      break;
    case MessageCode.SUBSCRIBED:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'SUBSCRIBE.Request|id');
      checkId(msg[2], name, 'Subscription|id');
      break;
    case MessageCode.REGISTERED:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'REGISTER.Request|id');
      checkId(msg[2], name, 'Registration|id');
      break;
    case MessageCode.UNSUBSCRIBE:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'Request|id');
      checkId(msg[2], name, 'SUBSCRIBED.Subscription|id');
      break;
    case MessageCode.UNREGISTER:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'Request|id');
      checkId(msg[2], name, 'REGISTERED.Registration|id');
      break;
    case MessageCode.UNSUBSCRIBED:
    case MessageCode.UNREGISTERED: {
      checkLength(msg, name, 2, 3);
      const field = code === MessageCode.UNSUBSCRIBED ? 'UNSUBSCRIBE.Request|id' : 'UNREGISTER.Request|id';
      if (msg.length === 3) {
        checkIdOrZero(msg[1], name, field);
        checkDict(msg[2], name, 'Details|dict');
      } else {
        checkId(msg[1], name, field);
      }
      break;
    }
    case MessageCode.EVENT:
      checkLength(msg, name, 4, 6);
      checkId(msg[1], name, 'SUBSCRIBED.Subscription|id');
      checkId(msg[2], name, 'PUBLISHED.Publication|id');
      checkOptions(msg[3], code, name, 'Details|dict');
      checkPayload(msg, 4, name);
      break;
    case MessageCode.CANCEL:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'CALL.Request|id');
      checkOptions(msg[2], code, name, 'Options|dict');
      break;
    case MessageCode.RESULT:
      checkLength(msg, name, 3, 5);
      checkId(msg[1], name, 'CALL.Request|id');
      checkOptions(msg[2], code, name, 'Details|dict');
      checkPayload(msg, 3, name);
      break;
    case MessageCode.INVOCATION:
      checkLength(msg, name, 4, 6);
      checkId(msg[1], name, 'Request|id');
      checkId(msg[2], name, 'REGISTERED.Registration|id');
      checkOptions(msg[3], code, name, 'Details|dict');
      checkPayload(msg, 4, name);
      break;
    case MessageCode.INTERRUPT:
      checkLength(msg, name, 3, 3);
      checkId(msg[1], name, 'INVOCATION.Request|id');
      checkOptions(msg[2], code, name, 'Options|dict');
      break;
    case MessageCode.YIELD:
      checkLength(msg, name, 3, 5);
      checkId(msg[1], name, 'INVOCATION.Request|id');
      checkOptions(msg[2], code, name, 'Options|dict');
      checkPayload(msg, 3, name);
      break;
  }
  return raw as Message;
}
