// The WebSocket close codes this project uses, their descriptions, and the clamping of close reasons.
/**
 * The WebSocket close codes (RFC 6455 §7.4.1) this project sends or reports, in one table.
 *
 * @example
 * ```ts
 * transport.close(CloseCode.GOING_AWAY, 'wamp.close.system_shutdown');
 * ```
 */
export const CloseCode = {
  /** The purpose of the connection was fulfilled (after GOODBYE, or a refused realm). */
  NORMAL: 1000,
  /** The endpoint is going away: the router shuts down, or a browser leaves the page. */
  GOING_AWAY: 1001,
  /** Protocol error: the router sent ABORT `wamp.error.protocol_violation` before closing. */
  PROTOCOL_ERROR: 1002,
  /** Reported when a close frame carried no code. Never sent. */
  NO_STATUS: 1005,
  /** Reported when the connection dropped without a close frame (peer died, keepalive timeout). Never sent. */
  ABNORMAL: 1006,
  /** A frame's data did not match its type, e.g. invalid UTF-8 in a text frame. */
  INVALID_DATA: 1007,
  /** A policy was violated: e.g. a slow consumer disconnected by the router. */
  POLICY_VIOLATION: 1008,
  /** A message exceeded the size limit (`maxMessageBytes`). */
  MESSAGE_TOO_BIG: 1009,
  /** An unexpected condition inside the endpoint. */
  INTERNAL_ERROR: 1011,
} as const;

/**
 * One of {@link CloseCode}'s values.
 *
 * @example
 * ```ts
 * const code: CloseCode = CloseCode.MESSAGE_TOO_BIG;
 * ```
 */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

const MEANINGS: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1005: 'no status code',
  1006: 'abnormal closure (no close frame)',
  1007: 'invalid frame payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'internal error',
};

/**
 * A short description of a close code, for logs and error messages.
 *
 * @example
 * ```ts
 * describeCloseCode(1009); // 'message too big'
 * ```
 */
export function describeCloseCode(code: number): string {
  return MEANINGS[code] ?? (code >= 4000 && code <= 4999 ? 'application-defined' : 'unknown');
}

/**
 * True for the codes a close frame may carry (RFC 6455 §7.4): 1000–1014 but for 1004, 1005 and 1006, and
 * 3000–4999. Used both ways: a peer's close frame with another code is a protocol error, and a close asked with
 * another code is sent as 1000.
 *
 * @example
 * ```ts
 * isValidCloseCode(1008); // true
 * isValidCloseCode(1006); // false: it only reports a connection that dropped
 * ```
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999)
  );
}

const MAX_REASON_BYTES = 123;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Cuts a close reason to the 123 bytes of UTF-8 a close frame can carry (RFC 6455 §5.5), at a character
 * boundary, so that an over-long reason is shortened rather than refused (ws and browsers throw on it).
 *
 * @example
 * ```ts
 * socket.close(1011, clampCloseReason(error.message));
 * ```
 */
export function clampCloseReason(reason: string): string {
  // A UTF-16 unit takes at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 units).
  if (reason.length * 3 <= MAX_REASON_BYTES) return reason;
  const bytes = encoder.encode(reason);
  if (bytes.length <= MAX_REASON_BYTES) return reason;
  let end = MAX_REASON_BYTES;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
  while (((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return decoder.decode(bytes.subarray(0, end));
}
