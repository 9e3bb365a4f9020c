import { describe, expect, it } from 'vitest';
import * as m from './builders.js';
import { MessageCode } from './codes.js';
import { ProtocolViolation } from './errors.js';
import { MAX_ID } from './ids.js';
import { parseMessage } from './parse.js';

const bytes = new Uint8Array([1, 2, 3]);

describe('parseMessage accepts every well-formed message', () => {
  it.each([
    ['HELLO', m.hello('realm1', { roles: { caller: {} } })],
    ['WELCOME', m.welcome(MAX_ID, { roles: { dealer: {} } })],
    ['ABORT', m.abort({}, 'wamp.error.no_such_realm')],
    ['ABORT with payload', m.abort({}, 'wamp.error.no_such_realm', ['x'], { a: 1 })],
    ['CHALLENGE', m.challenge('ticket', {})],
    ['AUTHENTICATE', m.authenticate('secret', {})],
    ['GOODBYE', m.goodbye({}, 'wamp.close.close_realm')],
    ['ERROR', m.error(MessageCode.CALL, 1, {}, 'com.example.error', [1], { k: bytes })],
    ['PUBLISH', m.publish(1, { acknowledge: true }, 'com.example.topic')],
    ['PUBLISH with kwargs only', m.publish(1, {}, 'com.example.topic', undefined, { a: 1 })],
    ['PUBLISHED', m.published(1, 2)],
    ['SUBSCRIBE', m.subscribe(1, { match: 'wildcard' }, 'com..topic')],
    ['SUBSCRIBED', m.subscribed(1, 2)],
    ['UNSUBSCRIBE', m.unsubscribe(1, 2)],
    ['UNSUBSCRIBED', m.unsubscribed(1)],
    ['UNSUBSCRIBED revocation', m.unsubscribed(0, { subscription: 2, reason: 'x' })],
    ['EVENT', m.event(1, 2, {}, ['a'], { b: 1 })],
    ['CALL', m.call(1, {}, 'com.example.add', [1, 2])],
    ['CALL with unknown and implementation keys', m.call(1, { _custom: 1, futurekey: 'x' }, 'com.example.add')],
    ['SUBSCRIBE with a nil option', m.subscribe(1, { match: null as never }, 'com.example')],
    ['CANCEL', m.cancel(1, { mode: 'kill' })],
    ['RESULT', m.result(1, { progress: true }, [3])],
    ['REGISTER', m.register(1, { invoke: 'roundrobin' }, 'com.example.add')],
    ['REGISTERED', m.registered(1, 2)],
    ['UNREGISTER', m.unregister(1, 2)],
    ['UNREGISTERED', m.unregistered(1)],
    ['UNREGISTERED revocation', m.unregistered(0, { registration: 2 })],
    ['INVOCATION', m.invocation(1, 2, {}, [bytes])],
    ['INTERRUPT', m.interrupt(1, { mode: 'killnowait' })],
    ['YIELD', m.yieldResult(1, {}, [], { a: 1 })],
  ])('%s', (_name, message) => {
    expect(parseMessage(message)).toBe(message);
  });
});

describe('parseMessage rejects malformed messages with the field and what was expected', () => {
  it.each<[string, unknown, string]>([
    ['not a list', { 0: 48 }, 'message: message must be a non-empty list'],
    ['an empty list', [], 'message: message must be a non-empty list'],
    ['an unknown code', [7, 1], 'message: MessageType|integer must be a known WAMP message type code (got 7)'],
    [
      'a string code',
      ['48', 1, {}, 'x'],
      'message: MessageType|integer must be a known WAMP message type code (got the string "48")',
    ],
    [
      'a code without a prototype',
      [Object.create(null)],
      'message: MessageType|integer must be a known WAMP message type code (got a dict)',
    ],
    [
      'an extension-range code',
      [300, 1],
      'message: MessageType|integer must be a known WAMP message type code (got 300)',
    ],
    ['HELLO too short', [1, 'realm1'], 'HELLO: message must be 3 elements (got 2)'],
    ['HELLO too long', [1, 'realm1', {}, {}], 'HELLO: message must be 3 elements (got 4)'],
    ['HELLO realm a number', [1, 5, {}], 'HELLO: Realm|uri must be a URI string'],
    ['HELLO realm empty', [1, '', {}], 'HELLO: Realm|uri must be a URI string'],
    ['HELLO details a list', [1, 'realm1', []], 'HELLO: Details|dict must be a dict'],
    ['HELLO details null', [1, 'realm1', null], 'HELLO: Details|dict must be a dict'],
    ['WELCOME session 0', [2, 0, {}], 'WELCOME: Session|id must be an integer ID in [1, 2^53]'],
    ['WELCOME session above 2^53', [2, MAX_ID + 2, {}], 'WELCOME: Session|id must be an integer ID in [1, 2^53]'],
    ['ABORT reason missing', [3, {}], 'ABORT: message must be 3 to 5 elements (got 2)'],
    ['ABORT args a dict', [3, {}, 'wamp.error.x', {}], 'ABORT: Arguments|list must be a list'],
    ['GOODBYE reason a number', [6, {}, 1], 'GOODBYE: Reason|uri must be a URI string'],
    ['ERROR request type negative', [8, -1, 1, {}, 'e'], 'ERROR: REQUEST.Type|int must be a non-negative integer'],
    ['ERROR kwargs a list', [8, 48, 1, {}, 'e', [], []], 'ERROR: ArgumentsKw|dict must be a dict'],
    ['CALL request a float', [48, 1.5, {}, 'a.b'], 'CALL: Request|id must be an integer ID in [1, 2^53]'],
    ['CALL request a string', [48, '1', {}, 'a.b'], 'CALL: Request|id must be an integer ID in [1, 2^53]'],
    ['CALL options bytes', [48, 1, bytes, 'a.b'], 'CALL: Options|dict must be a dict'],
    ['CALL procedure missing', [48, 1, {}], 'CALL: message must be 4 to 6 elements (got 3)'],
    ['CALL procedure a number', [48, 1, {}, 1], 'CALL: Procedure|uri must be a URI string'],
    ['CALL too long', [48, 1, {}, 'a.b', [], {}, {}], 'CALL: message must be 4 to 6 elements (got 7)'],
    ['CALL args a string', [48, 1, {}, 'a.b', 'x'], 'CALL: Arguments|list must be a list'],
    ['PUBLISH topic null', [16, 1, {}, null], 'PUBLISH: Topic|uri must be a URI string'],
    ['SUBSCRIBE with payload', [32, 1, {}, 'a.b', []], 'SUBSCRIBE: message must be 4 elements (got 5)'],
    ['REGISTER procedure a list', [64, 1, {}, ['a']], 'REGISTER: Procedure|uri must be a URI string'],
    [
      'UNSUBSCRIBE subscription 0',
      [34, 1, 0],
      'UNSUBSCRIBE: SUBSCRIBED.Subscription|id must be an integer ID in [1, 2^53]',
    ],
    [
      'UNREGISTER registration NaN',
      [66, 1, Number.NaN],
      'UNREGISTER: REGISTERED.Registration|id must be an integer ID in [1, 2^53]',
    ],
    [
      'UNSUBSCRIBED request 0 without details',
      [35, 0],
      'UNSUBSCRIBED: UNSUBSCRIBE.Request|id must be an integer ID in [1, 2^53]',
    ],
    ['UNREGISTERED details a string', [67, 0, 'x'], 'UNREGISTERED: Details|dict must be a dict'],
    ['EVENT publication missing', [36, 1], 'EVENT: message must be 4 to 6 elements (got 2)'],
    ['CANCEL options missing', [49, 1], 'CANCEL: message must be 3 elements (got 2)'],
    ['RESULT details a number', [50, 1, 0], 'RESULT: Details|dict must be a dict'],
    [
      'INVOCATION registration a string',
      [68, 1, 'r', {}],
      'INVOCATION: REGISTERED.Registration|id must be an integer ID in [1, 2^53]',
    ],
    ['INTERRUPT options a list', [69, 1, []], 'INTERRUPT: Options|dict must be a dict'],
    [
      'YIELD request infinite',
      [70, Number.POSITIVE_INFINITY, {}],
      'YIELD: INVOCATION.Request|id must be an integer ID in [1, 2^53]',
    ],
    ['CHALLENGE method a number', [4, 1, {}], 'CHALLENGE: AuthMethod|string must be a string'],
    ['AUTHENTICATE extra missing', [5, 'sig'], 'AUTHENTICATE: message must be 3 elements (got 2)'],
    [
      'PUBLISH acknowledge an integer',
      [16, 1, { acknowledge: 1 }, 't.x'],
      'PUBLISH: Options.acknowledge must be a bool',
    ],
    [
      'PUBLISH exclude of strings',
      [16, 1, { exclude: ['a'] }, 't.x'],
      'PUBLISH: Options.exclude must be a list of integer IDs',
    ],
    [
      'SUBSCRIBE unknown match',
      [32, 1, { match: 'regex' }, 't.x'],
      'SUBSCRIBE: Options.match must be one of "exact", "prefix", "wildcard"',
    ],
    [
      'REGISTER unknown invoke',
      [64, 1, { invoke: 'all' }, 'p.x'],
      'REGISTER: Options.invoke must be one of "single", "roundrobin", "random", "first", "last"',
    ],
    ['CALL negative timeout', [48, 1, { timeout: -1 }, 'p.x'], 'CALL: Options.timeout must be a non-negative integer'],
    [
      'CANCEL unknown mode',
      [49, 1, { mode: 'now' }],
      'CANCEL: Options.mode must be one of "skip", "kill", "killnowait"',
    ],
    ['HELLO roles a list', [1, 'realm1', { roles: [] }], 'HELLO: Details.roles must be a dict'],
  ])('%s', (_name, raw, message) => {
    let thrown: unknown;
    try {
      parseMessage(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProtocolViolation);
    expect((thrown as ProtocolViolation).message).toBe(message);
  });

  it('names the field and the expectation separately for logs', () => {
    try {
      parseMessage([48, 1, {}, 42]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ messageType: 'CALL', field: 'Procedure|uri', expected: 'a URI string' });
    }
  });
});
