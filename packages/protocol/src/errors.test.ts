import { describe, expect, it } from 'vitest';
import { ErrorUri, isWampError, WampError } from './errors.js';

describe('WampError', () => {
  it('keeps the bare URI and explains itself with the first argument', () => {
    const error = new WampError('com.example.error.not_found', ['no user 42'], { kwargs: { id: 42 } });
    expect(error).toMatchObject({ name: 'WampError', uri: 'com.example.error.not_found', kwargs: { id: 42 } });
    expect(error.message).toBe('com.example.error.not_found: no user 42');
  });

  it("explains itself with details.message when the first argument is no string (an ABORT's place for it)", () => {
    const error = new WampError(ErrorUri.NO_SUCH_REALM, [], { details: { message: 'no realm named "x" exists' } });
    expect(error.uri).toBe('wamp.error.no_such_realm');
    expect(error.message).toBe('wamp.error.no_such_realm: no realm named "x" exists');
    expect(new WampError(ErrorUri.CANCELED, ['first'], { details: { message: 'second' } }).message).toBe(
      'wamp.error.canceled: first',
    );
  });

  it('is the URI alone without an explanation', () => {
    expect(new WampError(ErrorUri.CANCELED, [7], { details: { message: 3 } }).message).toBe('wamp.error.canceled');
    expect(isWampError(new WampError(ErrorUri.CANCELED))).toBe(true);
  });
});
