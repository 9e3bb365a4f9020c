// The WAMP message type codes, their names, and which side of a session may send each.
/**
 * WAMP v2 message type codes (basic and advanced profiles).
 *
 * Wire values always come from this table, never from bare numbers.
 *
 * @example
 * ```ts
 * import { MessageCode } from '@wamp/protocol';
 * if (msg[0] === MessageCode.CALL) routeCall(msg);
 * ```
 */
export const MessageCode = {
  HELLO: 1,
  WELCOME: 2,
  ABORT: 3,
  CHALLENGE: 4,
  AUTHENTICATE: 5,
  GOODBYE: 6,
  ERROR: 8,
  PUBLISH: 16,
  PUBLISHED: 17,
  SUBSCRIBE: 32,
  SUBSCRIBED: 33,
  UNSUBSCRIBE: 34,
  UNSUBSCRIBED: 35,
  EVENT: 36,
  CALL: 48,
  CANCEL: 49,
  RESULT: 50,
  REGISTER: 64,
  REGISTERED: 65,
  UNREGISTER: 66,
  UNREGISTERED: 67,
  INVOCATION: 68,
  INTERRUPT: 69,
  YIELD: 70,
} as const;

/** A WAMP message type code, e.g. `48` for CALL. */
export type MessageCode = (typeof MessageCode)[keyof typeof MessageCode];

/** A WAMP message type name, e.g. `'CALL'`. */
export type MessageName = keyof typeof MessageCode;

const NAMES: Record<number, MessageName> = {};
for (const name of Object.keys(MessageCode) as MessageName[]) NAMES[MessageCode[name]] = name;

/**
 * The name of a message type code, or `undefined` for a code WAMP does not define.
 *
 * @example
 * ```ts
 * messageName(48); // 'CALL'
 * messageName(7);  // undefined
 * ```
 */
export function messageName(code: number): MessageName | undefined {
  return NAMES[code];
}

/** The peer roles of WAMP. Clients play the first four, routers the last two. */
export type Role = 'publisher' | 'subscriber' | 'caller' | 'callee' | 'broker' | 'dealer';

/** Which side of a session sends a message type. */
export type Sender = 'client' | 'router' | 'both';

/**
 * Who may send each message type: the spec's role × direction table folded to the two session sides.
 * A router uses it to reject a message a client must never send (e.g. WELCOME), and a client the reverse.
 *
 * @example
 * ```ts
 * MESSAGE_SENDER[MessageCode.WELCOME]; // 'router'
 * ```
 */
export const MESSAGE_SENDER: Readonly<Record<MessageCode, Sender>> = {
  [MessageCode.HELLO]: 'client',
  [MessageCode.WELCOME]: 'router',
  [MessageCode.ABORT]: 'both',
  [MessageCode.CHALLENGE]: 'router',
  [MessageCode.AUTHENTICATE]: 'client',
  [MessageCode.GOODBYE]: 'both',
  // Callees send ERROR for a failed INVOCATION; routers send it for every other failed request.
  [MessageCode.ERROR]: 'both',
  [MessageCode.PUBLISH]: 'client',
  [MessageCode.PUBLISHED]: 'router',
  [MessageCode.SUBSCRIBE]: 'client',
  [MessageCode.SUBSCRIBED]: 'router',
  [MessageCode.UNSUBSCRIBE]: 'client',
  [MessageCode.UNSUBSCRIBED]: 'router',
  [MessageCode.EVENT]: 'router',
  [MessageCode.CALL]: 'client',
  [MessageCode.CANCEL]: 'client',
  [MessageCode.RESULT]: 'router',
  [MessageCode.REGISTER]: 'client',
  [MessageCode.REGISTERED]: 'router',
  [MessageCode.UNREGISTER]: 'client',
  [MessageCode.UNREGISTERED]: 'router',
  [MessageCode.INVOCATION]: 'router',
  [MessageCode.INTERRUPT]: 'router',
  [MessageCode.YIELD]: 'client',
};
