import { describe, expect, it } from 'vitest';
import * as m from './builders.js';
import { MessageCode } from './codes.js';

describe('message constructors leave out empty trailing payload, as the spec recommends', () => {
  it.each([
    ['no payload', m.call(1, {}, 'a.b'), [MessageCode.CALL, 1, {}, 'a.b']],
    ['empty args', m.call(1, {}, 'a.b', []), [MessageCode.CALL, 1, {}, 'a.b']],
    ['empty args and kwargs', m.call(1, {}, 'a.b', [], {}), [MessageCode.CALL, 1, {}, 'a.b']],
    ['args only', m.call(1, {}, 'a.b', [1]), [MessageCode.CALL, 1, {}, 'a.b', [1]]],
    ['args with empty kwargs', m.call(1, {}, 'a.b', [1], {}), [MessageCode.CALL, 1, {}, 'a.b', [1]]],
    ['kwargs only', m.call(1, {}, 'a.b', undefined, { x: 1 }), [MessageCode.CALL, 1, {}, 'a.b', [], { x: 1 }]],
    ['both', m.call(1, {}, 'a.b', [1], { x: 1 }), [MessageCode.CALL, 1, {}, 'a.b', [1], { x: 1 }]],
    ['RESULT kwargs only', m.result(1, {}, [], { x: 1 }), [MessageCode.RESULT, 1, {}, [], { x: 1 }]],
    ['ERROR', m.error(48, 1, {}, 'e.x'), [MessageCode.ERROR, 48, 1, {}, 'e.x']],
    [
      'ABORT',
      m.abort({ message: 'm' }, 'wamp.error.x', ['why']),
      [MessageCode.ABORT, { message: 'm' }, 'wamp.error.x', ['why']],
    ],
    ['EVENT', m.event(1, 2, {}, [1]), [MessageCode.EVENT, 1, 2, {}, [1]]],
    ['INVOCATION', m.invocation(1, 2, {}), [MessageCode.INVOCATION, 1, 2, {}]],
    ['YIELD', m.yieldResult(1, {}, [1]), [MessageCode.YIELD, 1, {}, [1]]],
    ['PUBLISH', m.publish(1, {}, 't.x', [], { a: 1 }), [MessageCode.PUBLISH, 1, {}, 't.x', [], { a: 1 }]],
    ['UNSUBSCRIBED', m.unsubscribed(3), [MessageCode.UNSUBSCRIBED, 3]],
    ['UNREGISTERED revocation', m.unregistered(0, { reason: 'r' }), [MessageCode.UNREGISTERED, 0, { reason: 'r' }]],
  ])('%s', (_name, built, expected) => {
    expect(built).toEqual(expected);
  });

  it('ignores inherited keys when deciding whether kwargs is empty', () => {
    const kwargs = Object.create({ inherited: 1 }) as Record<string, unknown>;
    expect(m.call(1, {}, 'a.b', [1], kwargs)).toEqual([MessageCode.CALL, 1, {}, 'a.b', [1]]);
  });
});
