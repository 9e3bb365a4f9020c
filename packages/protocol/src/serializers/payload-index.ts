// Where a message's payload (Arguments, then ArgumentsKw) begins, shared by the serializers that treat the
// payload apart from the rest of the message.

/**
 * Index of the first payload element (Arguments) for messages of type `code`, or `length` for the types that
 * carry none (or an unknown type).
 *
 * @example
 * ```ts
 * payloadIndex(48, 5); // 4: [CALL, Request, Options, Procedure, Arguments]
 * payloadIndex(1, 3); // 3: HELLO has no payload
 * ```
 */
export function payloadIndex(code: unknown, length: number): number {
  switch (code) {
    case 3: // ABORT
    case 50: // RESULT
    case 70: // YIELD
      return 3;
    case 16: // PUBLISH
    case 36: // EVENT
    case 48: // CALL
    case 68: // INVOCATION
      return 4;
    case 8: // ERROR
      return 5;
    default:
      return length;
  }
}
