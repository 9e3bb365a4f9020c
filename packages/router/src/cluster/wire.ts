// What nodes send each other over NATS, as CBOR arrays whose first element names the kind. CBOR keeps binary
// payload (byte strings) as it is, which JSON could not. Every message from NATS is checked before use: a node
// never trusts the fabric blindly, and a malformed message is dropped, never thrown into the router.
import type { Dict, EventDetails } from '@wamp/protocol';
import { isDict } from '@wamp/protocol';
import { Encoder, type Options } from 'cbor-x';
import type { ReceiverLists } from '../core/broker/receivers.js';
import type { Publication } from '../core/fabric.js';

/** The CBOR encoding of everything nodes exchange (plain CBOR: no records, maps as objects, bytes as bytes). */
export const cbor = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  int64AsNumber: true,
} as Options);

/** Kinds of fabric message. */
export const WireKind = { PUBLICATION: 1, INVOKE: 2, INTERRUPT: 3, RESULT: 4, ERROR: 5, REVOKE: 6 } as const;

/** The kinds of message between two nodes about calls (and about revoking a callee's registration). */
export type NodeCallKind = 'invoke' | 'interrupt' | 'result' | 'error' | 'revoke';

const KIND_CODES: Record<NodeCallKind, number> = {
  invoke: WireKind.INVOKE,
  interrupt: WireKind.INTERRUPT,
  result: WireKind.RESULT,
  error: WireKind.ERROR,
  revoke: WireKind.REVOKE,
};
const KINDS_BY_CODE: Record<number, NodeCallKind> = {
  2: 'invoke',
  3: 'interrupt',
  4: 'result',
  5: 'error',
  6: 'revoke',
};

/**
 * A message about a call between the caller's node and the callee's: INVOCATION input (the first, or more for a
 * progressive call invocation), an INTERRUPT, or the callee's RESULT (progressive or final) or ERROR.
 */
export interface NodeCall {
  kind: NodeCallKind;
  realm: string;
  /** The node that sent it. */
  from: string;
  /** The caller's node's ID for the call. */
  callId: number;
  /** The callee's session ID. */
  calleeSession: number;
  /** For `invoke` and `revoke`: the registration ID; 0 otherwise. */
  registration: number;
  /**
   * INVOCATION, RESULT or ERROR details; for `interrupt`, the INTERRUPT options (`mode`, `reason`); for `revoke`,
   * `{ reason? }`.
   */
  details: Dict;
  /** For `error`: the error URI; '' otherwise. */
  uri: string;
  args: unknown[] | undefined;
  kwargs: Dict | undefined;
}

/**
 * Encodes a publication for other nodes.
 *
 * @example
 * ```ts
 * decodePublication(encodePublication(publication)); // an equal publication
 * ```
 */
export function encodePublication(publication: Publication): Uint8Array {
  return cbor.encode([
    WireKind.PUBLICATION,
    publication.id,
    publication.topic,
    publication.details,
    publication.excludedSession,
    publication.receivers,
    publication.args ?? null,
    publication.kwargs ?? null,
  ]);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** 53;
}

function isListOf(value: unknown, type: 'number' | 'string'): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== type) return false;
  return true;
}

function isReceiverLists(value: unknown): value is ReceiverLists {
  if (!isDict(value)) return false;
  for (const key in value) {
    const type = key === 'exclude' || key === 'eligible' ? 'number' : 'string';
    if (!(key in RECEIVER_KEYS) || !isListOf(value[key], type)) return false;
  }
  return true;
}

const RECEIVER_KEYS = {
  exclude: 1,
  exclude_authid: 1,
  exclude_authrole: 1,
  eligible: 1,
  eligible_authid: 1,
  eligible_authrole: 1,
};

/** Thrown for a fabric message that is not what a node of this version sends. */
export class MalformedFabricMessage extends Error {}

/**
 * Decodes and checks a publication from another node, received on a subject of `realm`; throws
 * {@link MalformedFabricMessage} for anything else.
 *
 * @example
 * ```ts
 * try { deliver(decodePublication(msg.data, 'realm1')); } catch { log.warn('dropped a malformed fabric message'); }
 * ```
 */
export function decodePublication(data: Uint8Array, realm: string): Publication {
  let message: unknown;
  try {
    message = cbor.decode(data);
  } catch (error) {
    throw new MalformedFabricMessage(`not CBOR: ${(error as Error).message}`);
  }
  if (!Array.isArray(message) || message.length !== 8 || message[0] !== WireKind.PUBLICATION) {
    throw new MalformedFabricMessage('not a publication');
  }
  const [, id, topic, details, excludedSession, receivers, args, kwargs] = message as unknown[];
  if (!isId(id) || id === 0) throw new MalformedFabricMessage('bad publication ID');
  if (typeof topic !== 'string' || topic === '') throw new MalformedFabricMessage('bad topic');
  if (!isDict(details)) throw new MalformedFabricMessage('bad details');
  if (!isId(excludedSession)) throw new MalformedFabricMessage('bad excluded session');
  if (receivers !== null && !isReceiverLists(receivers)) throw new MalformedFabricMessage('bad receiver lists');
  if (args !== null && !Array.isArray(args)) throw new MalformedFabricMessage('bad arguments');
  if (kwargs !== null && !isDict(kwargs)) throw new MalformedFabricMessage('bad keyword arguments');
  return {
    realm,
    id,
    topic,
    details: details as EventDetails,
    excludedSession,
    receivers,
    args: args ?? undefined,
    kwargs: (kwargs as Dict | null) ?? undefined,
  };
}

/**
 * Encodes a message about a call for the other node, as sent by node `from`.
 *
 * @example
 * ```ts
 * decodeNodeCall(encodeNodeCall(call, 'node-1')); // an equal message, from node-1
 * ```
 */
export function encodeNodeCall(call: Omit<NodeCall, 'from'>, from: string): Uint8Array {
  return cbor.encode([
    KIND_CODES[call.kind],
    call.realm,
    from,
    call.callId,
    call.calleeSession,
    call.registration,
    call.details,
    call.uri,
    call.args ?? null,
    call.kwargs ?? null,
  ]);
}

/** Decodes and checks a message about a call; throws {@link MalformedFabricMessage} for anything else. */
export function decodeNodeCall(data: Uint8Array): NodeCall {
  let message: unknown;
  try {
    message = cbor.decode(data);
  } catch (error) {
    throw new MalformedFabricMessage(`not CBOR: ${(error as Error).message}`);
  }
  if (!Array.isArray(message) || message.length !== 10) throw new MalformedFabricMessage('not a call message');
  const [code, realm, from, callId, calleeSession, registration, details, uri, args, kwargs] = message as unknown[];
  const kind = typeof code === 'number' ? KINDS_BY_CODE[code] : undefined;
  if (kind === undefined) throw new MalformedFabricMessage('unknown kind');
  if (typeof realm !== 'string' || realm === '') throw new MalformedFabricMessage('bad realm');
  if (typeof from !== 'string' || from === '') throw new MalformedFabricMessage('bad node');
  if (!isId(callId) || callId === 0) throw new MalformedFabricMessage('bad call ID');
  if (!isId(calleeSession) || calleeSession === 0) throw new MalformedFabricMessage('bad callee session');
  if (!isId(registration) || (kind === 'invoke' || kind === 'revoke') !== (registration !== 0)) {
    throw new MalformedFabricMessage('bad registration ID');
  }
  if (!isDict(details)) throw new MalformedFabricMessage('bad details');
  if (typeof uri !== 'string' || (kind === 'error') !== (uri !== '')) throw new MalformedFabricMessage('bad error URI');
  if (args !== null && !Array.isArray(args)) throw new MalformedFabricMessage('bad arguments');
  if (kwargs !== null && !isDict(kwargs)) throw new MalformedFabricMessage('bad keyword arguments');
  return {
    kind,
    realm,
    from,
    callId,
    calleeSession,
    registration,
    details,
    uri,
    args: args ?? undefined,
    kwargs: (kwargs as Dict | null) ?? undefined,
  };
}
