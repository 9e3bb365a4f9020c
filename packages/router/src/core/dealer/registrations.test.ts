import type { InvocationPolicy } from '@wamp/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CalleeEnd } from './ends.js';
import { Registration } from './registrations.js';

/** A registration with callees 1…n in the order they registered; a callee is picked by its ID alone. */
function registrationOf(invoke: InvocationPolicy, count: number): Registration {
  const registration = new Registration(100, 'com.app.add', 'exact', invoke);
  for (let id = 1; id <= count; id++) registration.callees.push({ id } as Partial<CalleeEnd> as CalleeEnd);
  return registration;
}

/** The callees of the next `calls` calls, by ID. */
const picks = (registration: Registration, calls: number) =>
  Array.from({ length: calls }, () => registration.pickCallee()?.id);

/** Unregisters callee `id`, as the dealer does: out of the list, the others keep their order. */
function unregister(registration: Registration, id: number): void {
  registration.callees.splice(
    registration.callees.findIndex((callee) => callee.id === id),
    1,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Registration.pickCallee', () => {
  it.each<[InvocationPolicy, (number | undefined)[]]>([
    ['single', [1, 1, 1]],
    ['first', [1, 1, 1]],
    ['last', [3, 3, 3]],
    ['roundrobin', [1, 2, 3]],
  ])('%s picks %j from callees 1, 2, 3', (invoke, expected) => {
    expect(picks(registrationOf(invoke, 3), 3)).toEqual(expected);
  });

  it('goes round again after the last callee under roundrobin', () => {
    expect(picks(registrationOf('roundrobin', 3), 7)).toEqual([1, 2, 3, 1, 2, 3, 1]);
  });

  it('under roundrobin, wraps to the first when callees left behind the turn', () => {
    const registration = registrationOf('roundrobin', 3);
    expect(picks(registration, 2)).toEqual([1, 2]);
    unregister(registration, 3);
    expect(picks(registration, 3)).toEqual([1, 2, 1]);
  });

  it('follows registration order as callees come and go under first and last', () => {
    const first = registrationOf('first', 3);
    unregister(first, 1);
    expect(first.pickCallee()?.id).toBe(2);
    const last = registrationOf('last', 3);
    last.callees.push({ id: 4 } as Partial<CalleeEnd> as CalleeEnd);
    expect(last.pickCallee()?.id).toBe(4);
  });

  it('under random, draws over the whole list', () => {
    const registration = registrationOf('random', 4);
    const draws = vi.spyOn(Math, 'random');
    draws.mockReturnValueOnce(0).mockReturnValueOnce(0.3).mockReturnValueOnce(0.74).mockReturnValueOnce(0.999);
    expect(picks(registration, 4)).toEqual([1, 2, 3, 4]);
  });

  it.each<InvocationPolicy>(['single', 'first', 'last', 'roundrobin', 'random'])(
    'has no callee to pick under %s once the last one left',
    (invoke) => {
      const registration = registrationOf(invoke, 1);
      unregister(registration, 1);
      expect(registration.pickCallee()).toBeUndefined();
    },
  );
});
